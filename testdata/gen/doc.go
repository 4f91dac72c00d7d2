package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The document set: fixtures for the structural rules (pdf.*, file.size,
// pages.count, page.format, fonts.unembedded, interactive.content).
func init() { register("doc", set{dir: "doc", write: writeDocSet}) }

var fixedDate = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// letterSpec describes a plain letter drawn with fpdf.
type letterSpec struct {
	orientation, size string // fpdf's: "P"/"L", "A4"/"Letter"
	pages             int
	coreFont          bool // Helvetica, not embedded, instead of the Go font
}

// letter draws a Swiss business letter laid out for Pingen's left window:
// sender top right, recipient at 24/62 mm in the address area
// (22/60, 85.5 x 25.5), body from 100 mm, footer at 283 mm, nothing within
// 15 mm of any edge.
func letter(s letterSpec) ([]byte, error) {
	pdf := fpdf.New(s.orientation, "mm", s.size, "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedDate)
	pdf.SetModificationDate(fixedDate)
	pdf.SetCompression(true)
	pdf.SetCellMargin(0)
	pdf.SetAutoPageBreak(false, 0)
	family := "go"
	if s.coreFont {
		family = "Helvetica"
	} else {
		pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
		pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	}
	txt := func(x, y float64, size float64, style, text string) {
		pdf.SetFont(family, style, size)
		pdf.Text(x, y, text)
	}
	if s.coreFont {
		// Core fonts are Latin-1; keep the text ASCII so no glyph is missing.
		txt = func(x, y float64, size float64, style, text string) {
			pdf.SetFont(family, style, size)
			pdf.Text(x, y, strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae", "Ü", "Ue").Replace(text))
		}
	}
	for p := 1; p <= s.pages; p++ {
		pdf.AddPage()
		if p == 1 {
			txt(130, 22, 12, "B", "Muster AG")
			txt(130, 27, 9, "", "Bahnhofstrasse 1")
			txt(130, 31, 9, "", "8001 Zürich")
			txt(24, 66, 10, "", "Herr Hans Müller")
			txt(24, 70.5, 10, "", "Seestrasse 12")
			txt(24, 75, 10, "", "8002 Zürich")
			txt(130, 100, 10, "", "Zürich, 27. November 2026")
			txt(25, 115, 11, "B", "Ihre Bestellung vom 20. November 2026")
			y := 127.0
			for _, line := range []string{
				"Sehr geehrter Herr Müller",
				"",
				"Vielen Dank für Ihre Bestellung. Die Ware verlässt unser Lager am",
				"1. Dezember 2026; die Rechnung folgt mit separater Post.",
				"",
				"Freundliche Grüsse",
				"",
				"Muster AG",
			} {
				txt(25, y, 10, "", line)
				y += 5
			}
		} else {
			txt(25, 30, 9, "", "Muster AG · Herr Hans Müller · 27. November 2026")
			txt(25, 45, 10, "", fmt.Sprintf("Seite %d: Anhang zur Bestellung.", p))
		}
		txt(25, 283, 8, "", fmt.Sprintf("Muster AG · Bahnhofstrasse 1 · 8001 Zürich · Seite %d/%d", p, s.pages))
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// portraitText is a content stream that draws a few lines well inside an
// A4 portrait page, in Helvetica from resource /F1.
const portraitText = "BT /F1 10 Tf 68 650 Td (Herr Hans Mueller) Tj 0 -13 Td (Seestrasse 12) Tj 0 -13 Td (8002 Zuerich) Tj ET"

func writeDocSet(dir string) error {
	good, err := letter(letterSpec{orientation: "P", size: "A4", pages: 2})
	if err != nil {
		return err
	}
	files := map[string][]byte{"good_letter.pdf": good}

	for name, spec := range map[string]letterSpec{
		"us_letter.pdf":       {orientation: "P", size: "Letter", pages: 1},
		"a4_landscape.pdf":    {orientation: "L", size: "A4", pages: 1},
		"unembedded_font.pdf": {orientation: "P", size: "A4", pages: 1, coreFont: true},
		"pages_130.pdf":       {orientation: "P", size: "A4", pages: 130},
	} {
		if files[name], err = letter(spec); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}

	font := "<< /Font << /F1 5 0 R >> >>"
	helvetica := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
	// Landscape media turned 90 degrees clockwise shows portrait. The text
	// is drawn turned the other way, so it reads upright on screen.
	// The square shows at about x 100, y 150 mm, clear of every zone.
	files["landscape_rotate90.pdf"] = onePage("[0 0 841.89 595.276]", "<< >>", "/Rotate 90",
		"0 0 1 rg 425 283 30 30 re f")
	// Portrait media turned 90 degrees shows landscape: not A4 portrait.
	files["portrait_rotate90.pdf"] = onePage(a4Box, "<< >>", "/Rotate 90", "0 0 1 rg 100 100 50 50 re f")
	// 595 x 842 pt is how many programs round A4 (209.9 x 297.0 mm).
	files["a4_595x842.pdf"] = onePage("[0 0 595 842]", "<< >>", "", "0 0 1 rg 100 100 50 50 re f")
	// An interactive form: one text field with its widget on page 1.
	files["form_field.pdf"] = rawPDF(
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /DA (/Helv 0 Tf 0 g) >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox "+a4Box+" /Resources << >> /Contents 4 0 R /Annots [5 0 R] >>",
		stream("", "0 0 1 rg 100 100 50 50 re f"),
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Hans) /Rect [70 500 270 520] /F 4 /P 3 0 R >>",
	)
	files["no_pages.pdf"] = rawPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>")
	files["not_a_pdf.pdf"] = []byte("Dear customer,\nthis is a text file with a .pdf name.\n")
	files["truncated.pdf"] = good[:len(good)*6/10]
	files["base14_type1.pdf"] = onePage(a4Box, font, "", portraitText, helvetica)

	for name, pw := range map[string]string{"encrypted_user_password.pdf": "secret", "encrypted_owner_only.pdf": ""} {
		conf := model.NewAESConfiguration(pw, "owner", 256)
		var out bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(good), &out, conf); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files[name] = out.Bytes()
	}

	for name, data := range files {
		if err := writeFile(dir, name, data); err != nil {
			return err
		}
	}
	return nil
}

func init() { api.DisableConfigDir() }
