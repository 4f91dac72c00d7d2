package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// A small writer of hand-made PDFs for the trap fixtures: several pages,
// an embedded TrueType font (Go Regular, so that no fixture also trips
// fonts.unembedded), Form and image XObjects, optional content and
// annotations. Lengths are given in millimetres from the top-left corner of
// an A4 page, like everything user-facing in lettergate.

const (
	trapPageW = 595.2756 // A4 in points
	trapPageH = 841.8898
)

// pt converts millimetres to points.
func pt(mm float64) float64 { return mm * 72 / 25.4 }

// yPt converts a distance from the top edge in millimetres to a PDF y.
func yPt(mm float64) float64 { return trapPageH - pt(mm) }

// trapDoc collects the objects of one fixture. Object 1 is the catalog,
// 2 the page tree, 3 the font; the rest are added in order.
type trapDoc struct {
	objs    []string
	pages   []int
	catalog string // extra catalog entries
}

func newTrapDoc() *trapDoc {
	d := &trapDoc{objs: []string{"", "", ""}}
	d.objs[2] = trapFontObjects(d)
	return d
}

// add appends an object and returns its number.
func (d *trapDoc) add(body string) int {
	d.objs = append(d.objs, body)
	return len(d.objs)
}

// trapPage is one page: its content, its named XObjects and optional
// content groups (resources), annotations and extra page entries.
type trapPage struct {
	content  string
	xobjects map[string]int // resource name -> object number
	props    map[string]int // /Properties for BDC /OC
	annots   []int
	extra    string // e.g. "/Rotate 90"
	mediaBox string // "" is A4 portrait
}

func (d *trapDoc) page(p trapPage) {
	mb := p.mediaBox
	if mb == "" {
		mb = fmt.Sprintf("[0 0 %.4f %.4f]", trapPageW, trapPageH)
	}
	res := "<< /Font << /F1 3 0 R >>"
	if len(p.xobjects) > 0 {
		res += " /XObject <<" + refs(p.xobjects) + " >>"
	}
	if len(p.props) > 0 {
		res += " /Properties <<" + refs(p.props) + " >>"
	}
	res += " >>"
	content := d.add(flateStream("", []byte(p.content)))
	annots := ""
	if len(p.annots) > 0 {
		var parts []string
		for _, a := range p.annots {
			parts = append(parts, fmt.Sprintf("%d 0 R", a))
		}
		annots = "/Annots [" + strings.Join(parts, " ") + "]"
	}
	n := d.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %s /Contents %d 0 R %s %s >>", mb, res, content, annots, p.extra))
	d.pages = append(d.pages, n)
}

func refs(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, " /%s %d 0 R", k, m[k])
	}
	return b.String()
}

func (d *trapDoc) bytes() []byte {
	kids := make([]string, len(d.pages))
	for i, p := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", p)
	}
	d.objs[0] = "<< /Type /Catalog /Pages 2 0 R " + d.catalog + " >>"
	d.objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(d.pages))
	return rawPDF(d.objs...)
}

// trapFontObjects adds Go Regular as a simple TrueType font with
// WinAnsiEncoding (its descriptor and file) and returns the font dict.
func trapFontObjects(d *trapDoc) string {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	var buf sfnt.Buffer
	upem := float64(f.UnitsPerEm())
	ppem := fixed.Int26_6(f.UnitsPerEm()) << 6
	widths := make([]string, 0, 224)
	for c := 32; c <= 255; c++ {
		w := 0.0
		if idx, err := f.GlyphIndex(&buf, rune(c)); err == nil && idx != 0 {
			if adv, err := f.GlyphAdvance(&buf, idx, ppem, font.HintingNone); err == nil {
				w = math.Round(float64(adv) / 64 / upem * 1000)
			}
		}
		widths = append(widths, fmt.Sprint(w))
	}
	file := d.add(flateStream(fmt.Sprintf("/Length1 %d", len(goregular.TTF)), goregular.TTF))
	desc := d.add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /Go-Regular /Flags 32 /FontBBox [-150 -250 1100 950] "+
		"/ItalicAngle 0 /Ascent 932 /Descent -222 /CapHeight 718 /StemV 80 /FontFile2 %d 0 R >>", file))
	return fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /Go-Regular /FirstChar 32 /LastChar 255 "+
		"/Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor %d 0 R >>", strings.Join(widths, " "), desc)
}

// pdfString encodes s (Latin-1 runes only) as a PDF literal string.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range s {
		if r > 255 {
			panic(fmt.Sprintf("rune %q is not Latin-1", r))
		}
		switch r {
		case '(', ')', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(byte(r))
	}
	b.WriteByte(')')
	return b.String()
}

// text shows s at x (mm from the left) on the baseline y (mm from the top)
// in the embedded font.
func text(x, y, size float64, s string) string {
	return fmt.Sprintf("BT /F1 %g Tf %.3f %.3f Td %s Tj ET\n", size, pt(x), yPt(y), pdfString(s))
}

// rectPath is a re operator for a rectangle in millimetres.
func rectPath(x, y, w, h float64) string {
	return fmt.Sprintf("%.3f %.3f %.3f %.3f re", pt(x), yPt(y+h), pt(w), pt(h))
}

// fillRect fills a rectangle in the current fill colour.
func fillRect(x, y, w, h float64) string { return rectPath(x, y, w, h) + " f\n" }

// letterPage is the ordinary content of page n of a letter laid out for
// Pingen's left window: sender, recipient in the address area, date,
// subject and body on page 1; a short continuation on later pages.
// Nothing comes within 15 mm of an edge or into the reserved block.
func letterPage(n int) string {
	var b strings.Builder
	b.WriteString("0 g\n")
	if n == 1 {
		b.WriteString(text(130, 22, 12, "Muster AG"))
		b.WriteString(text(130, 27, 9, "Bahnhofstrasse 1"))
		b.WriteString(text(130, 31, 9, "8001 Zürich"))
		b.WriteString(text(24, 66, 10, "Herr Hans Müller"))
		b.WriteString(text(24, 70.5, 10, "Seestrasse 12"))
		b.WriteString(text(24, 75, 10, "8002 Zürich"))
		b.WriteString(text(130, 100, 10, "Zürich, 27. November 2026"))
		b.WriteString(text(25, 115, 11, "Ihre Bestellung vom 20. November 2026"))
		for i, line := range []string{
			"Sehr geehrter Herr Müller",
			"Vielen Dank für Ihre Bestellung. Die Ware verlässt unser Lager am",
			"1. Dezember 2026; die Rechnung folgt mit separater Post.",
			"Freundliche Grüsse",
			"Muster AG",
		} {
			b.WriteString(text(25, 127+float64(i)*6, 10, line))
		}
		return b.String()
	}
	b.WriteString(text(25, 30, 10, fmt.Sprintf("Seite %d", n)))
	for i := 0; i < 5; i++ {
		b.WriteString(text(25, 45+float64(i)*6, 10, "Weitere Angaben zu Ihrer Bestellung folgen auf dieser Seite."))
	}
	return b.String()
}
