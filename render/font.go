package render

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// style selects one face of a family.
type style uint8

const (
	regular style = iota
	bold
	italic
	boldItalic
)

// family is the four faces text is set in. A custom family may leave faces
// out; they fall back to bold or regular.
type family [4]*face

func (f family) face(s style) *face {
	if f[s] != nil {
		return f[s]
	}
	if s == boldItalic && f[bold] != nil {
		return f[bold]
	}
	return f[regular]
}

// face is one TrueType font: its bytes for fpdf, and the widths and glyph
// coverage the layout needs. fpdf's own metrics are per document, and a
// document must not be touched while laying out the next letter of a merged
// batch, so the layout measures with these tables. They are computed the way
// fpdf computes its widths (1000 units per em, rounded), so what the layout
// measures is what fpdf draws.
type face struct {
	id   string // fpdf family name, unique per face
	name string // full font name, for errors
	ttf  []byte
	font *sfnt.Font
	upem float64
	// top and bottom are the font's bounding box above and below the
	// baseline, in em: every glyph's ink lies within them.
	top, bottom float64
	// ascent and descent are the typographic ones (hhea), in em: lines
	// are set on them.
	ascent, descent float64

	low [lowRunes]int16 // width in 1/1000 em; -1: no glyph

	mu   sync.Mutex
	high map[rune]int16
}

// lowRunes are measured up front: Latin, Greek, Cyrillic and the general
// punctuation block cover nearly all letter text.
const lowRunes = 0x2200

func newFace(id string, ttf []byte) (*face, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	name, err := f.Name(&buf, sfnt.NameIDFull)
	if err != nil || name == "" {
		name = id
	}
	upem := float64(f.UnitsPerEm())
	b, err := f.Bounds(&buf, fixed.I(int(f.UnitsPerEm())), font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	m, err := f.Metrics(&buf, fixed.I(int(f.UnitsPerEm())), font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	fc := &face{
		id: id, name: name, ttf: ttf, font: f, upem: upem,
		// sfnt's bounds have y pointing down.
		top:     -float64(b.Min.Y) / 64 / upem,
		bottom:  float64(b.Max.Y) / 64 / upem,
		ascent:  float64(m.Ascent) / 64 / upem,
		descent: float64(m.Descent) / 64 / upem,
		high:    map[rune]int16{},
	}
	for r := rune(0); r < lowRunes; r++ {
		fc.low[r] = fc.measure(&buf, r)
	}
	return fc, nil
}

func (fc *face) measure(buf *sfnt.Buffer, r rune) int16 {
	gi, err := fc.font.GlyphIndex(buf, r)
	if err != nil || gi == 0 {
		return -1
	}
	adv, err := fc.font.GlyphAdvance(buf, gi, fixed.I(int(fc.upem)), font.HintingNone)
	if err != nil {
		return -1
	}
	// As fpdf's parseHMTXTable: round(advance * 1000 / unitsPerEm).
	w := int16(float64(adv)/64*1000/fc.upem + 0.5)
	return w
}

// width returns r's advance in 1/1000 em, and false when the face has no
// glyph for r.
func (fc *face) width(r rune) (int, bool) {
	if r >= 0 && r < lowRunes {
		w := fc.low[r]
		return int(w), w >= 0
	}
	if r > 0xFFFF {
		return 0, false
	}
	fc.mu.Lock()
	w, ok := fc.high[r]
	if !ok {
		var buf sfnt.Buffer
		w = fc.measure(&buf, r)
		fc.high[r] = w
	}
	fc.mu.Unlock()
	return int(w), w >= 0
}

// textWidth returns the width of s in mm at size pt. Runes without a glyph
// count as 0: they are reported by check before anything is drawn.
func (fc *face) textWidth(s string, size float64) float64 {
	n := 0
	for _, r := range s {
		if w, ok := fc.width(r); ok {
			n += w
		}
	}
	return float64(n) * size / 1000 * mmPerPt
}

// check returns the first rune of s the face cannot draw.
func (fc *face) check(s string) (rune, bool) {
	for _, r := range s {
		if r == utf8.RuneError {
			return r, false
		}
		if _, ok := fc.width(r); !ok {
			return r, false
		}
	}
	return 0, true
}

const mmPerPt = 25.4 / 72

var goFamily = sync.OnceValues(func() (family, error) {
	var fam family
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF, gobolditalic.TTF} {
		fc, err := newFace(fmt.Sprintf("go%d", i), ttf)
		if err != nil {
			return fam, err
		}
		fam[i] = fc
	}
	return fam, nil
})
