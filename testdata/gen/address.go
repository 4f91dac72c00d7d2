package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/lettergate/lettergate/rules"
)

// The address set: fixtures for the address rules (address.*), and for
// the destination they give pages.count. Each is a one-page letter (more
// for the page-limit ones) with the recipient placed to the 0.1 mm by the
// Go font's glyph boxes, which are what PDFium reports. The verdict of
// each is in its golden file; manifest.json lists, for each fixture, the
// options it is checked with and the address lines it was written with,
// which the check must read back exactly.
func init() { register("address", set{dir: "address", write: writeAddressSet}) }

// addrSpec is one address fixture.
type addrSpec struct {
	name    string
	profile string // built-in profile; "" is pingen
	window  string // "" is left
	country string // destination given to the check; "" detects it
	lines   []string
	// want is what the check must read: nil for lines; empty when no
	// address can be read.
	want  []string
	pt    float64 // type size; 10 when 0
	pages int     // 1 when 0
	// place puts the block's ink box (its glyph boxes) in the window's
	// address area; nil is 2.3 mm from its left edge and 3 mm from its top.
	place func(area rules.Rect, b inkBox) (x, top float64)
	// how the address is drawn: "" as text, "reversed" as text written
	// in reverse order (lines bottom first, words right to left), "image",
	// "outlines", "none".
	draw string
	// extra draws more on page 1, in the Go font.
	extra func(pdf *fpdf.Fpdf)
}

// The recipients. Each is what Pingen would read; the country lines are
// spellings Pingen accepts unless the fixture says otherwise.
var (
	chAddr  = []string{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}
	frLocal = []string{"M. Jean Dupont", "12 rue de la Paix", "75002 PARIS"}
	deBody  = []string{"Frau Erika Mustermann", "Hauptstraße 5", "10115 Berlin"}
	atBody  = []string{"Herrn Franz Huber", "Stephansplatz 1", "1010 Wien"}
	frBody  = []string{"Monsieur Jean Dupont", "12 rue de la Paix", "75002 Paris"}
	itBody  = []string{"Sig. Mario Rossi", "Via del Corso 12", "00186 Roma RM"}
	gbBody  = []string{"Mr John Smith", "10 Downing Street", "London SW1A 2AA"}
	usBody  = []string{"Ms Jane Doe", "1600 Pennsylvania Avenue NW", "Washington, DC 20500"}
	nlBody  = []string{"Dhr. Jan de Vries", "Damrak 1", "1012 LG Amsterdam"}
)

func with(body []string, more ...string) []string {
	return append(append([]string(nil), body...), more...)
}

// edgeSpecs are the address block 0.3 mm inside and 0.3 mm outside each
// edge of the address area, for each window: inside passes, outside is one
// address.outside finding. The block is placed by its glyph outlines.
// PDFium's glyph boxes of the Go font reach a little above the outlines
// (1.5 % of a glyph's height, 0.04 mm at 10 pt), so past the top edge the
// check measures 0.34 mm and reports 0.4 mm, rounded up so that the move
// it advises is enough; past the other edges it reports 0.3 mm.
func edgeSpecs() []addrSpec {
	var out []addrSpec
	for _, w := range []struct{ name, profile, window string }{
		{"left", "", "left"}, {"right", "", "right"}, {"fr", "pingen-fr", "right"},
	} {
		lines := chAddr
		if w.profile == "pingen-fr" {
			lines = frLocal
		}
		for _, edge := range []string{"left", "right", "top", "bottom"} {
			for _, d := range []struct {
				name string
				in   float64 // how far inside the edge the ink ends
			}{{"in", 0.3}, {"out", -0.3}} {
				edge, in := edge, d.in
				out = append(out, addrSpec{
					name:    fmt.Sprintf("edge_%s_%s_%s", w.name, edge, d.name),
					profile: w.profile, window: w.window, lines: lines,
					place: func(a rules.Rect, b inkBox) (float64, float64) {
						x, top := a.X+2.3, a.Y+3
						switch edge {
						case "left":
							x = a.X + in
						case "right":
							x = a.X1() - in - b.w
						case "top":
							top = a.Y + in
						case "bottom":
							top = a.Y1() - in - b.h
						}
						return x, top
					},
				})
			}
		}
	}
	return out
}

var addrSpecs = []addrSpec{
	// address.outside, 2.0 mm past the left edge: set at 20 mm from the
	// left, where DIN 5008 puts the address field.
	{name: "din_20mm_left", lines: with(chAddr, "Schweiz"),
		place: func(a rules.Rect, b inkBox) (float64, float64) { return 20, a.Y + 3 }},
	// The same address and other ink in the reserved block: a franking
	// text in the postage area and a dot between the address and the left
	// edge of the block. The address is address.outside only; the text and
	// the dot are zone.reserved.
	{name: "din_20mm_left_and_postage", lines: with(chAddr, "Schweiz"),
		place: func(a rules.Rect, b inkBox) (float64, float64) { return 20, a.Y + 3 },
		extra: func(pdf *fpdf.Fpdf) {
			pdf.SetFont("go", "", 8)
			pdf.Text(24, 50, "P.P. CH-8001 Zürich")
			pdf.SetFillColor(0, 0, 0)
			pdf.Rect(20.5, 81, 0.5, 0.5, "F")
		}},
	// address.outside, 1.5 mm past the bottom edge, the last line's ink
	// in the reserved block.
	{name: "too_low", lines: with(chAddr, "Schweiz"),
		place: func(a rules.Rect, b inkBox) (float64, float64) { return a.X + 2.3, a.Y1() + 1.5 - b.h }},
	// address.lines (7 lines, an error) and address.outside: the block is
	// taller than the area.
	{name: "seven_lines", lines: []string{"Muster AG", "Abteilung Einkauf", "z. Hd. Frau Eva Muster", "Postfach 1234", "Seestrasse 12", "8002 Zürich", "Schweiz"},
		place: func(a rules.Rect, b inkBox) (float64, float64) { return a.X + 2.3, a.Y + 1 }},
	// address.lines warning: two lines.
	{name: "two_lines", lines: []string{"Muster AG", "8002 Zürich"}},
	// address.missing: nothing in the address area.
	{name: "no_address", lines: chAddr, want: []string{}, draw: "none"},
	// address.missing: the address as an image.
	{name: "image_address", lines: chAddr, want: []string{}, draw: "image"},
	// address.missing: the address as glyph outlines (vector paths).
	{name: "outlines_address", lines: chAddr, want: []string{}, draw: "outlines"},
	// Passes: lines written bottom first, words right to left.
	{name: "out_of_order", lines: with(chAddr, "Schweiz"), draw: "reversed"},
	// address.font warnings.
	{name: "font_7pt", lines: chAddr, pt: 7},
	{name: "font_13pt", lines: chAddr, pt: 13},

	// Countries. Without a country line a letter is domestic (CH) unless
	// the check is told otherwise; a foreign postcode then fits no Swiss
	// format (address.postcode warning).
	{name: "ch_country", lines: with(chAddr, "Schweiz")},
	{name: "ch_no_country", lines: chAddr},
	{name: "de_country", lines: with(deBody, "Deutschland")},
	{name: "de_no_country", lines: deBody},
	{name: "de_no_country_to_de", country: "DE", lines: deBody},
	{name: "de_iso_code", lines: with(deBody, "DE")},
	{name: "de_in_french", lines: with(deBody, "Allemagne")},
	{name: "de_prefix", lines: []string{"Frau Erika Mustermann", "Hauptstraße 5", "D-10115 Berlin", "Deutschland"}},
	{name: "at_country", lines: with(atBody, "Österreich")},
	// Passes as Swiss mail: 1010 Wien has the shape of a Swiss postcode
	// line, so nothing tells the letter goes to Austria.
	{name: "at_no_country", lines: atBody},
	{name: "fr_country", lines: with(frBody, "France")},
	{name: "fr_in_german", lines: with(frBody, "Frankreich")},
	{name: "fr_no_country", lines: frBody},
	{name: "fr_to_de", country: "DE", lines: with(frBody, "France")},
	{name: "it_country", lines: with(itBody, "Italia")},
	{name: "it_no_country", lines: itBody},
	{name: "gb_country", lines: with(gbBody, "United Kingdom")},
	{name: "gb_no_country", lines: gbBody},
	{name: "us_country", lines: with(usBody, "USA")},
	{name: "us_no_country", lines: usBody},
	{name: "unknown_country", lines: with(deBody, "Germanien")},

	// The destination read from the address sets the page limit: 121
	// pages pass to Germany (320) and would not to Switzerland (120);
	// 15 pages fail to the Netherlands (14).
	{name: "de_121_pages", lines: with(deBody, "Deutschland"), pages: 121},
	{name: "nl_15_pages", lines: with(nlBody, "Niederlande"), pages: 15},
}

// manifestEntry is one fixture in manifest.json.
type manifestEntry struct {
	Name    string   `json:"name"`
	Profile string   `json:"profile,omitempty"`
	Window  string   `json:"window,omitempty"`
	Country string   `json:"country,omitempty"`
	Lines   []string `json:"lines"` // read back by the check; empty: none
}

func writeAddressSet(dir string) error {
	fnt, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return err
	}
	var manifest []manifestEntry
	for _, s := range append(edgeSpecs(), addrSpecs...) {
		data, err := addressLetter(fnt, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if err := writeFile(dir, s.name+".pdf", data); err != nil {
			return err
		}
		want := s.want
		if want == nil {
			want = s.lines
		}
		window := s.window
		if window == "left" {
			window = ""
		}
		manifest = append(manifest, manifestEntry{Name: s.name, Profile: s.profile, Window: window, Country: s.country, Lines: want})
	}
	enc, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(dir, "manifest.json", append(enc, '\n'))
}

// inkBox is the box of a block's glyphs relative to the pen position of
// its first line: left of the pen, top above the first baseline, in mm.
type inkBox struct {
	left, top float64 // offsets of the ink's top-left corner from the pen
	w, h      float64
}

// metrics measures text in the Go font the way fpdf sets it and PDFium
// boxes it: advances rounded to 1/1000 em (fpdf's widths), glyph boxes from
// the glyph outlines.
type metrics struct {
	f    *sfnt.Font
	buf  sfnt.Buffer
	upem float64
}

// glyph returns a rune's advance and box (x0, y0 top, x1, y1 bottom) in em,
// y down from the baseline.
func (m *metrics) glyph(r rune) (adv float64, box [4]float64, err error) {
	idx, err := m.f.GlyphIndex(&m.buf, r)
	if err != nil || idx == 0 {
		return 0, box, fmt.Errorf("the Go font has no glyph for %q", r)
	}
	ppem := fixed.Int26_6(m.upem) << 6
	b, a, err := m.f.GlyphBounds(&m.buf, idx, ppem, font.HintingNone)
	if err != nil {
		return 0, box, err
	}
	u := func(v fixed.Int26_6) float64 { return float64(v) / 64 / m.upem }
	adv = math.Round(u(a)*1000) / 1000
	return adv, [4]float64{u(b.Min.X), u(b.Min.Y), u(b.Max.X), u(b.Max.Y)}, nil
}

// line returns the ink of a line set at the pen (0, 0) in size pt: left,
// top, right, bottom in mm, y down.
func (m *metrics) line(s string, pt float64) (x0, y0, x1, y1 float64, err error) {
	em := pt * 25.4 / 72
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	pen := 0.0
	for _, r := range s {
		adv, b, err := m.glyph(r)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		if r != ' ' {
			x0, x1 = math.Min(x0, pen+b[0]*em), math.Max(x1, pen+b[2]*em)
			y0, y1 = math.Min(y0, b[1]*em), math.Max(y1, b[3]*em)
		}
		pen += adv * em
	}
	return x0, y0, x1, y1, nil
}

func (m *metrics) width(s string, pt float64) float64 {
	w := 0.0
	for _, r := range s {
		adv, _, _ := m.glyph(r)
		w += adv
	}
	return w * pt * 25.4 / 72
}

// block measures the lines set left-aligned at pitch mm.
func (m *metrics) block(lines []string, pt, pitch float64) (inkBox, error) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, l := range lines {
		a, b, c, d, err := m.line(l, pt)
		if err != nil {
			return inkBox{}, err
		}
		dy := float64(i) * pitch
		x0, y0, x1, y1 = math.Min(x0, a), math.Min(y0, b+dy), math.Max(x1, c), math.Max(y1, d+dy)
	}
	return inkBox{left: x0, top: y0, w: x1 - x0, h: y1 - y0}, nil
}

// addressLetter draws a one-page letter (or more pages) with the
// recipient of s: sender at the top left (clear of every window's reserved
// block), date and body below the windows.
func addressLetter(fnt *sfnt.Font, s addrSpec) ([]byte, error) {
	profile := s.profile
	if profile == "" {
		profile = "pingen"
	}
	prof, err := rules.Builtin(profile)
	if err != nil {
		return nil, err
	}
	window := s.window
	if window == "" {
		window = "left"
	}
	win, err := prof.Window(window)
	if err != nil {
		return nil, err
	}
	pt := s.pt
	if pt == 0 {
		pt = 10
	}
	pitch := 1.2 * pt * 25.4 / 72
	m := &metrics{f: fnt, upem: float64(fnt.UnitsPerEm())}
	ink, err := m.block(s.lines, pt, pitch)
	if err != nil {
		return nil, err
	}
	area := win.Address
	x, top := area.X+2.3, area.Y+3
	if s.place != nil {
		x, top = s.place(area, ink)
	}
	// The pen of the first line, from the ink's top-left corner.
	penX, base := x-ink.left, top-ink.top

	pdf := newFPDF(a4)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	txt := func(x, y, size float64, text string) {
		pdf.SetFont("go", "", size)
		pdf.Text(x, y, text)
	}
	pages := max(s.pages, 1)
	for p := 1; p <= pages; p++ {
		pdf.AddPage()
		if p > 1 {
			txt(25, 30, 10, fmt.Sprintf("Seite %d", p))
			continue
		}
		txt(25, 18, 12, "Muster AG")
		txt(25, 23, 9, "Bahnhofstrasse 1, 8001 Zürich")
		switch s.draw {
		case "":
			for i, l := range s.lines {
				txt(penX, base+float64(i)*pitch, pt, l)
			}
		case "reversed":
			for i := len(s.lines) - 1; i >= 0; i-- {
				words := splitWords(s.lines[i])
				xs := make([]float64, len(words))
				pos := penX
				for j, w := range words {
					xs[j] = pos
					pos += m.width(w+" ", pt)
				}
				for j := len(words) - 1; j >= 0; j-- {
					txt(xs[j], base+float64(i)*pitch, pt, words[j])
				}
			}
		case "image":
			if err := drawTextImage(pdf, s.lines, x, top, ink, pt, pitch); err != nil {
				return nil, err
			}
		case "outlines":
			if err := drawOutlines(pdf, m, s.lines, penX, base, pt, pitch); err != nil {
				return nil, err
			}
		case "none":
		default:
			return nil, fmt.Errorf("unknown drawing %q", s.draw)
		}
		if s.extra != nil {
			s.extra(pdf)
		}
		txt(130, 100, 10, "Zürich, 27. November 2026")
		txt(25, 115, 11, "Ihre Bestellung")
		txt(25, 127, 10, "Vielen Dank für Ihre Bestellung.")
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func splitWords(s string) []string {
	var out []string
	for _, w := range bytes.Fields([]byte(s)) {
		out = append(out, string(w))
	}
	return out
}

// drawTextImage draws the lines into a grey image at 300 dpi and places it
// where the text would be.
func drawTextImage(pdf *fpdf.Fpdf, lines []string, x, top float64, ink inkBox, pt, pitch float64) error {
	const dpi = 300
	face, err := opentype.NewFace(mustOpentype(), &opentype.FaceOptions{Size: pt, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	px := func(mm float64) int { return int(math.Round(mm * dpi / 25.4)) }
	img := image.NewGray(image.Rect(0, 0, px(ink.w)+2, px(ink.h)+2))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(px(-ink.left)+1, px(-ink.top+float64(i)*pitch)+1)
		d.DrawString(l)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("address", opt, &buf)
	w, h := float64(img.Bounds().Dx())*25.4/dpi, float64(img.Bounds().Dy())*25.4/dpi
	pdf.ImageOptions("address", x-25.4/dpi, top-25.4/dpi, w, h, false, opt, 0, "")
	return pdf.Error()
}

func mustOpentype() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	return f
}

// drawOutlines draws the lines as filled glyph outlines: vector paths,
// no text.
func drawOutlines(pdf *fpdf.Fpdf, m *metrics, lines []string, penX, base, pt, pitch float64) error {
	em := pt * 25.4 / 72
	ppem := fixed.Int26_6(m.upem) << 6
	pdf.SetFillColor(0, 0, 0)
	for i, l := range lines {
		x, y := penX, base+float64(i)*pitch
		for _, r := range l {
			adv, _, err := m.glyph(r)
			if err != nil {
				return err
			}
			idx, _ := m.f.GlyphIndex(&m.buf, r)
			segs, err := m.f.LoadGlyph(&m.buf, idx, ppem, nil)
			if err != nil {
				return err
			}
			at := func(p fixed.Point26_6) (float64, float64) {
				return x + float64(p.X)/64/m.upem*em, y + float64(p.Y)/64/m.upem*em
			}
			for k, s := range segs {
				switch s.Op {
				case sfnt.SegmentOpMoveTo:
					if k > 0 {
						pdf.ClosePath()
					}
					pdf.MoveTo(at(s.Args[0]))
				case sfnt.SegmentOpLineTo:
					pdf.LineTo(at(s.Args[0]))
				case sfnt.SegmentOpQuadTo:
					cx, cy := at(s.Args[0])
					ex, ey := at(s.Args[1])
					pdf.CurveTo(cx, cy, ex, ey)
				case sfnt.SegmentOpCubeTo:
					ax, ay := at(s.Args[0])
					bx, by := at(s.Args[1])
					ex, ey := at(s.Args[2])
					pdf.CurveBezierCubicTo(ax, ay, bx, by, ex, ey)
				}
			}
			if len(segs) > 0 {
				pdf.ClosePath()
				pdf.DrawPath("F")
			}
			x += adv * em
		}
	}
	return pdf.Error()
}
