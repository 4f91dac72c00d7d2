package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The document set: fixtures for the structural rules (pdf.*, file.size,
// pages.count, page.format, fonts.unembedded, interactive.content).
func init() { register("doc", set{dir: "doc", write: writeDocSet}) }

// letterSpec describes a plain letter drawn with fpdf.
type letterSpec struct {
	orientation, size string        // fpdf's: "P"/"L", "A4"/"Letter"
	custom            fpdf.SizeType // a page size in mm instead of size
	pages             int
	coreFont          bool // Helvetica, not embedded, instead of the Go font
	// turned draws the letter turned a quarter counter-clockwise on A4
	// landscape media, so that it reads upright once the page carries
	// /Rotate 90.
	turned bool
}

// letter draws a Swiss business letter laid out for Pingen's left window:
// sender top right, recipient at 24/62 mm in the address area
// (22/60, 85.5 x 25.5), body from 100 mm, footer at 283 mm, nothing within
// 15 mm of any edge.
func letter(s letterSpec) ([]byte, error) {
	init := &fpdf.InitType{OrientationStr: s.orientation, UnitStr: "mm", SizeStr: s.size}
	if s.custom.Wd > 0 {
		init.Size = s.custom
	}
	pdf := newFPDF(init)
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
	if s.turned {
		// A point shown at x, y mm lies at fpdf's (y, 210 - x) on the
		// landscape media: a quarter turn about (0, 210) of the point
		// drawn 210 mm lower.
		draw := txt
		txt = func(x, y float64, size float64, style, text string) { draw(x, y+210, size, style, text) }
	}
	for p := 1; p <= s.pages; p++ {
		pdf.AddPage()
		if s.turned {
			pdf.TransformBegin()
			pdf.TransformRotate(90, 0, 210)
		}
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
		if s.turned {
			pdf.TransformEnd()
		}
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

	// Landscape media turned 90 degrees clockwise shows portrait; the
	// letter is drawn turned the other way, so it reads upright.
	turned, err := letter(letterSpec{orientation: "L", size: "A4", pages: 1, turned: true})
	if err != nil {
		return err
	}
	if files["landscape_rotate90.pdf"], err = rotate(turned, 90); err != nil {
		return err
	}
	one, err := letter(letterSpec{orientation: "P", size: "A4", pages: 1})
	if err != nil {
		return err
	}
	// Portrait media turned 90 degrees shows landscape: not A4 portrait.
	if files["portrait_rotate90.pdf"], err = rotate(one, 90); err != nil {
		return err
	}
	// 595 x 842 pt is how many programs round A4 (209.9 x 297.0 mm).
	pt := 72 / 25.4
	if files["a4_595x842.pdf"], err = letter(letterSpec{orientation: "P", custom: fpdf.SizeType{Wd: 595 / pt, Ht: 842 / pt}, pages: 1}); err != nil {
		return err
	}
	// An interactive form: one text field with its widget on page 1 of a
	// good letter, added as an incremental update, the way PDF editors
	// add fields.
	if files["form_field.pdf"], err = addFormField(one); err != nil {
		return err
	}
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

// rotate sets /Rotate on every page, as a viewer's "rotate and save" does.
func rotate(pdf []byte, deg int) ([]byte, error) {
	var out bytes.Buffer
	if err := api.Rotate(bytes.NewReader(pdf), &out, deg, nil, model.NewDefaultConfiguration()); err != nil {
		return nil, fmt.Errorf("rotate: %w", err)
	}
	return out.Bytes(), nil
}

// addFormField appends an incremental update to an fpdf file: a text field
// whose widget sits in the body of page 1, listed in a new AcroForm.
func addFormField(pdf []byte) ([]byte, error) {
	objRe := regexp.MustCompile(`(?s)(\d+) 0 obj\s*(<<.*?>>)\s*endobj`)
	var pageNr, catNr, maxNr int
	var pageDict, catDict string
	for _, m := range objRe.FindAllSubmatch(pdf, -1) {
		nr, _ := strconv.Atoi(string(m[1]))
		maxNr = max(maxNr, nr)
		d := string(m[2])
		switch {
		case pageNr == 0 && regexp.MustCompile(`/Type\s*/Page\b`).MatchString(d):
			pageNr, pageDict = nr, d
		case regexp.MustCompile(`/Type\s*/Catalog\b`).MatchString(d):
			catNr, catDict = nr, d
		}
	}
	prev := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if pageNr == 0 || catNr == 0 || prev == nil {
		return nil, fmt.Errorf("add form field: page, catalog or startxref not found")
	}
	field := maxNr + 1
	objs := map[int]string{
		pageNr: strings.TrimSuffix(pageDict, ">>") + fmt.Sprintf(" /Annots [%d 0 R]>>", field),
		catNr:  strings.TrimSuffix(catDict, ">>") + fmt.Sprintf(" /AcroForm << /Fields [%d 0 R] /DA (/Helv 0 Tf 0 g) >>>>", field),
		// 120-180 mm across, 200-208 mm down: in the body, clear of every zone.
		field: fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Hans) /Rect [340.16 252.28 510.24 274.96] /F 4 /P %d 0 R >>", pageNr),
	}
	var b bytes.Buffer
	b.Write(pdf)
	offsets := map[int]int{}
	for _, nr := range []int{pageNr, catNr, field} {
		offsets[nr] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", nr, objs[nr])
	}
	xref := b.Len()
	b.WriteString("xref\n")
	for _, nr := range []int{pageNr, catNr, field} {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", nr, offsets[nr])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", field+1, catNr, prev[1], xref)
	return b.Bytes(), nil
}
