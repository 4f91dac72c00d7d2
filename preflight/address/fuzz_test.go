package address

import (
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lettergate/lettergate/rules"
	"golang.org/x/text/unicode/norm"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Herr Hans Muster\nSeestrasse 12\n8002 Zürich\nSchweiz",
		"Frau Erika Mustermann\nHauptstr. 5a\nD-10115 Berlin",
		"Ms Jane Smith\nLondon\nSW1A 1AA\nUK",
		"Jane Roe\nNew York NY 10118-0110\nUSA",
		"Dhr. J. de Vries\n1015 CJ Amsterdam\nNL",
		"\n\n\u00ad\u200b\n",
		"Case postale 123, 1211 Genève 3\nSchweiz (CH)",
	} {
		f.Add(s, "CH", "")
	}
	f.Add("Muster\n10115 Berlin", "DE", "at")
	f.Fuzz(func(t *testing.T, text, domestic, dest string) {
		lines := strings.Split(text, "\n")
		opts := Options{Domestic: domestic, Destination: dest}
		r := Parse(lines, opts)
		if again := Parse(lines, opts); !reflect.DeepEqual(r, again) {
			t.Fatalf("not deterministic: %+v, then %+v", r, again)
		}
		switch r.Country.Status {
		case CountryNamed, CountryConflict:
			if c, ok := Country(r.Country.Line); !ok || c != r.Country.Code {
				t.Errorf("country %+v, but Country says %q, %v", r.Country, c, ok)
			}
		case CountryISO:
			if c, ok := Country(r.Country.Line); ok || c == "" || c != r.Country.Code {
				t.Errorf("country %+v, but Country says %q, %v", r.Country, c, ok)
			}
		case CountryUnknown:
		case CountryOmitted, CountryMissing:
			if r.Country.Index != -1 || r.Country.Line != "" {
				t.Errorf("no country line, but %+v", r.Country)
			}
		default:
			t.Errorf("country status %q", r.Country.Status)
		}
		if i := r.Country.Index; i >= 0 && (i >= len(lines) || clean(lines[i]) != r.Country.Line || r.Country.Line == "") {
			t.Errorf("country %+v does not point at its line", r.Country)
		}
		switch r.Postcode.Status {
		case PostcodeOK:
			if r.Postcode.Code == "" || !strings.Contains(r.Postcode.Line, r.Postcode.Code) {
				t.Errorf("postcode %+v", r.Postcode)
			}
			fallthrough
		case PostcodeBad:
			i := r.Postcode.Index
			if i < 0 || i >= len(lines) || clean(lines[i]) != r.Postcode.Line || r.Postcode.Format == "" {
				t.Errorf("postcode %+v does not point at its line", r.Postcode)
			}
			if r.Country.Index >= 0 && i >= r.Country.Index {
				t.Errorf("postcode line %d not before country line %d", i, r.Country.Index)
			}
		case PostcodeUnchecked:
			if r.Postcode.Index != -1 {
				t.Errorf("unchecked postcode %+v", r.Postcode)
			}
		default:
			t.Errorf("postcode status %q", r.Postcode.Status)
		}
		if r.Destination != "" && !isCode(r.Destination) {
			t.Errorf("destination %q", r.Destination)
		}
		if p := r.Prefix; p != nil && (!isCode(p.Code) || p.Text == "") {
			t.Errorf("prefix %+v", p)
		}
		for _, l := range lines {
			if c, _ := Country(l); c != "" && !isCode(c) {
				t.Errorf("Country(%q) = %q", l, c)
			}
		}
	})
}

func isCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// fuzzRunes are the runes fuzzed glyphs are made of: the ones line
// grouping treats specially, and ordinary ones.
var fuzzRunes = []rune("aAgjpy018.,-/ ¨´^`\u0308\u00a0\u2009\u00ad\u200b\ufb01\ufb03\r\n\ufffdÖü" + "\x00\uFFFE")

// glyphsFrom decodes fuzz data into glyphs near the left window, 12 bytes
// a glyph; some coordinates are extreme on purpose.
func glyphsFrom(data []byte) []Glyph {
	var out []Glyph
	for len(data) >= 12 {
		d := data[:12]
		data = data[12:]
		g := Glyph{
			Rune:      fuzzRunes[int(d[0])%len(fuzzRunes)],
			SizePt:    float64(d[1]) / 10,
			Font:      string(rune('A' + d[2]%3)),
			Generated: d[2]&0x80 != 0,
		}
		u := func(i int) float64 { return float64(binary.LittleEndian.Uint16(d[i:])) }
		g.Box = rules.Rect{X: 10 + u(3)/600, Y: 30 + u(5)/1000, W: float64(d[7]) / 50, H: float64(d[8]) / 40}
		switch d[9] % 16 {
		case 0:
			g.Box.W = -g.Box.W
		case 1:
			g.Box.X = math.NaN()
		case 2:
			g.Box.Y = math.Inf(1)
		case 3:
			g.Box = rules.Rect{}
		case 4:
			g.SizePt = math.NaN()
		case 5:
			g.Box.H = 1e9
		case 6:
			g.SizePt = -1
		}
		out = append(out, g)
	}
	return out
}

func FuzzFind(f *testing.F) {
	add := func(gs []Glyph) {
		// Encode approximately, to seed the corpus with text-like input.
		var data []byte
		for _, g := range gs {
			i := strings.IndexRune(string(fuzzRunes), g.Rune)
			r := 0
			if i >= 0 {
				r = utf8.RuneCountInString(string(fuzzRunes)[:i])
			}
			x := uint16(math.Max(0, (g.Box.X-10)*600))
			y := uint16(math.Max(0, (g.Box.Y-30)*1000))
			data = append(data, byte(r), byte(g.SizePt*10), 0)
			data = binary.LittleEndian.AppendUint16(data, x)
			data = binary.LittleEndian.AppendUint16(data, y)
			data = append(data, byte(g.Box.W*50), byte(g.Box.H*40), 15, 0, 0)
		}
		f.Add(data)
	}
	add(page([]string{"aAgjpy 018", "Ag.y-01 8", "ygjAa"}, 25, 64, 4.4, style{}))
	add(page([]string{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "a", "a", "a", "a", "a", "a", "a"}, 18, 58, 4.2, style{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		gs := glyphsFrom(data)
		b := Find(gs, pingenLeft)
		if again := Find(gs, pingenLeft); !reflect.DeepEqual(b.Texts(), again.Texts()) || b.Box != again.Box {
			t.Fatalf("not deterministic: %q, then %q", b.Texts(), again.Texts())
		}
		var box bounds
		inArea := false
		n := 0
		for i, l := range b.Lines {
			n += len(l.Glyphs)
			if l.Text != strings.TrimSpace(l.Text) || strings.Contains(l.Text, "  ") || !norm.NFC.IsNormalString(l.Text) {
				t.Errorf("line %d text %q not clean", i, l.Text)
			}
			if len(l.Glyphs) == 0 {
				t.Errorf("line %d has no glyphs", i)
			}
			lb, _ := box2(l.Box)
			for _, g := range l.Glyphs {
				gb, ok := box2(g.Box)
				// Rect stores a width, not the right edge: allow rounding.
				const eps = 1e-9
				if !ok || gb.x0 < lb.x0-eps || gb.y0 < lb.y0-eps || gb.x1 > lb.x1+eps || gb.y1 > lb.y1+eps {
					t.Errorf("line %d box %v does not hold glyph %q %v", i, l.Box, g.Rune, g.Box)
				}
			}
			if !lb.meets(pingenLeft.Reserved) {
				t.Errorf("line %d %q at %v is outside the reserved block", i, l.Text, l.Box)
			}
			inArea = inArea || lb.meets(pingenLeft.Address)
			box.add(lb)
		}
		if len(b.Lines) > 0 && !inArea {
			t.Errorf("no line meets the area: %q", b.Texts())
		}
		if n > len(gs) {
			t.Errorf("%d glyphs out of %d in", n, len(gs))
		}
		if u := box.rect(); !near(u.X, b.Box.X) || !near(u.Y, b.Box.Y) || !near(u.X1(), b.Box.X1()) || !near(u.Y1(), b.Box.Y1()) {
			t.Errorf("block box %v, lines %v", b.Box, box.rect())
		}
		cs := b.Crossings()
		for _, c := range cs {
			if c.Line < 0 || c.Line >= len(b.Lines) || !(c.MM > 0) || math.IsInf(c.MM, 0) || !strings.Contains("left right top bottom", c.Edge) {
				t.Errorf("crossing %+v", c)
			}
		}
		m := b.Move()
		for _, v := range []float64{m.DX, m.DY, m.TooWide, m.TooTall} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
				t.Fatalf("move %+v", m)
			}
		}
		if (len(cs) == 0) != (m == Move{}) {
			t.Errorf("crossings %+v but move %+v", cs, m)
		}
		if m.TooWide == 0 && m.TooTall == 0 && len(b.Lines) > 0 {
			moved := b.Box
			moved.X += m.DX
			moved.Y += m.DY
			a := b.Area
			const eps = tolerance + 1e-6
			if moved.X < a.X-eps || moved.Y < a.Y-eps || moved.X1() > a.X1()+eps || moved.Y1() > a.Y1()+eps {
				t.Errorf("move %+v leaves %v outside %v", m, moved, a)
			}
		}
		_ = m.String()
	})
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// box2 is box for tests.
func box2(r rules.Rect) (bounds, bool) { return box(r) }
