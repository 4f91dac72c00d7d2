package address

import (
	"strings"

	"github.com/lettergate/lettergate/rules"
)

// A small typesetter for tests: it lays out text the way a PDF engine
// reports it, with tight glyph boxes from Helvetica-like metrics.

// style says how text is set.
type style struct {
	pt       float64 // font size; 10 when 0
	font     string  // "Helvetica" when ""
	spaces   int     // how spaces appear: drawnSpaces, noSpaces or generatedSpaces
	track    float64 // extra space after every glyph, in em (letter spacing)
	wordGap  float64 // the width of a word space in em; 0.278 when 0
	rise     float64 // baseline shift upwards in em (superscript)
	unsized  bool    // leave SizePt 0, as an engine that cannot tell
	sizeHint float64 // SizePt to report instead of pt, when not 0
	loose    bool    // boxes from advance, ascent and descent, as PDFium's loose boxes
}

const (
	drawnSpaces     = iota // space glyphs with boxes (Word, fpdf, ...)
	noSpaces               // word gaps only (TeX, positioned strings)
	generatedSpaces        // no space glyphs, PDFium's generated spaces without boxes
)

// metrics of a rune in em: advance, left bearing, right bearing, top above
// the baseline, bottom below it.
func metrics(r rune) (adv, lsb, rsb, top, bottom float64) {
	adv, lsb, rsb, top, bottom = 0.556, 0.05, 0.05, 0.52, 0
	switch {
	case strings.ContainsRune("ÄÖÜÉÈÀÂÅ", r):
		adv, top = 0.667, 0.9
	case strings.ContainsRune("äöüéèàâçëïô", r):
		top = 0.72
	case r == '1':
		lsb, rsb, top = 0.11, 0.2, 0.71
	case r >= '0' && r <= '9':
		top = 0.71
	case strings.ContainsRune("MWmw", r):
		adv = 0.85
		if r == 'M' || r == 'W' {
			top = 0.72
		}
	case r >= 'A' && r <= 'Z':
		adv, top = 0.667, 0.72
	case strings.ContainsRune("bdfhklt", r):
		top = 0.72
	case strings.ContainsRune("ilj", r):
		adv, lsb, rsb, top = 0.222, 0.07, 0.07, 0.72
	case strings.ContainsRune(".,", r):
		adv, lsb, rsb, top = 0.278, 0.09, 0.09, 0.1
	case r == '-':
		adv, top, bottom = 0.333, 0.32, -0.24
	case r == '/':
		adv, top, bottom = 0.278, 0.72, 0.02
	case r == '¨':
		adv, top, bottom = 0.333, 0.7, -0.6
	case r >= 0xFB00 && r <= 0xFB06:
		adv, top = 0.85, 0.72
	}
	if strings.ContainsRune("gjpqyç,", r) {
		bottom = 0.21
	}
	return
}

// set lays out text with its baseline at (x, base) and returns its glyphs
// and where the pen ends.
func set(text string, x, base float64, st style) ([]Glyph, float64) {
	pt := st.pt
	if pt == 0 {
		pt = 10
	}
	font := st.font
	if font == "" {
		font = "Helvetica"
	}
	size := pt
	if st.sizeHint != 0 {
		size = st.sizeHint
	}
	if st.unsized {
		size = 0
	}
	em := pt * mmPerPt
	base -= st.rise * em
	word := st.wordGap
	if word == 0 {
		word = 0.278
	}
	var out []Glyph
	for _, r := range text {
		if r == ' ' {
			w := (word + st.track) * em
			switch st.spaces {
			case drawnSpaces:
				box := rules.Rect{X: x, Y: base - 0.05*em, W: w, H: 0.05 * em}
				if st.loose {
					box = rules.Rect{X: x, Y: base - 0.9*em, W: w, H: 1.1 * em}
				}
				out = append(out, Glyph{Rune: ' ', Box: box, SizePt: size, Font: font})
			case generatedSpaces:
				out = append(out, Glyph{Rune: ' ', Generated: true})
			}
			x += w
			continue
		}
		adv, lsb, rsb, top, bottom := metrics(r)
		if st.loose {
			lsb, rsb, top, bottom = 0, 0, 0.9, 0.2
		}
		out = append(out, Glyph{
			Rune:   r,
			Box:    rules.Rect{X: x + lsb*em, Y: base - top*em, W: (adv - lsb - rsb) * em, H: (top + bottom) * em},
			SizePt: size,
			Font:   font,
		})
		x += (adv + st.track) * em
	}
	return out, x
}

// page sets address lines at x, the first baseline at y, pitch mm apart.
func page(lines []string, x, y, pitch float64, st style) []Glyph {
	var out []Glyph
	for i, l := range lines {
		g, _ := set(l, x, y+float64(i)*pitch, st)
		out = append(out, g...)
	}
	return out
}

// pingenLeft is the left window of the pingen profile.
var pingenLeft = rules.Window{
	Address:  rules.Rect{X: 22, Y: 60, W: 85.5, H: 25.5},
	Reserved: rules.Rect{X: 20, Y: 40, W: 89.5, H: 47.5},
}

// pingenRight is the right window of the pingen profile.
var pingenRight = rules.Window{
	Address:  rules.Rect{X: 118, Y: 60, W: 85.5, H: 25.5},
	Reserved: rules.Rect{X: 116, Y: 40, W: 89.5, H: 47.5},
}
