// Package address finds the recipient address on page 1 of a letter and
// judges it: its lines and their position against the address area of the
// envelope window, the country line and the postcode.
//
// It works on glyphs as a PDF engine reports them and on plain lines of
// text, so it has no PDF dependency. Lengths are in millimetres from the
// top-left corner of the page as displayed.
package address

import (
	"github.com/lettergate/lettergate/rules"
)

// Glyph is one character of page text.
type Glyph struct {
	Rune rune
	// Box is the glyph's box; it may be empty for generated glyphs.
	Box    rules.Rect
	SizePt float64 // font size in points as drawn; 0 when unknown
	Font   string
	// Generated marks characters the engine inferred rather than drew, such
	// as the spaces and line breaks PDFium adds between words and lines.
	Generated bool
}

// Line is one line of the address block.
type Line struct {
	// Text has ligatures expanded, soft hyphens dropped, spaces normalised
	// and collapsed, and is in NFC. A glyph the engine could not map to
	// Unicode reads U+FFFD.
	Text string
	Box  rules.Rect // of its drawn glyphs
	// SizePt is the size most of its glyphs have; MinPt and MaxPt are the
	// extremes. All three are 0 when the engine gave no sizes.
	SizePt, MinPt, MaxPt float64
	Font                 string  // the font most of its glyphs use
	Glyphs               []Glyph // the drawn glyphs, left to right
	// InArea is set for a line whose body meets the address area, and not
	// for one above or below it that Find added because it continues the
	// block.
	InArea bool
}

// Block is the recipient address found on page 1.
type Block struct {
	Lines []Line     // top to bottom; none when the address area holds no text
	Box   rules.Rect // of all lines
	Area  rules.Rect // the address area it was looked for in
}

// Texts returns the text of each line.
func (b Block) Texts() []string {
	out := make([]string, len(b.Lines))
	for i, l := range b.Lines {
		out[i] = l.Text
	}
	return out
}

// Strip returns the band of the page, top and bottom in millimetres, whose
// glyphs Find looks at for window w: the reserved block and the address
// area, and 15 mm above and below them. Glyphs outside it may be left out
// of Find's input.
func Strip(w rules.Window) (y0, y1 float64) {
	r := w.Reserved.Union(w.Address)
	return r.Y - stripMargin, r.Y1() + stripMargin
}

// Find returns the recipient block among the glyphs of page 1 for window w.
//
// Glyphs are grouped into lines by the vertical overlap of their boxes, so
// that superscripts, mixed sizes and descenders stay on their line whatever
// order the producer wrote them in (pieces of a line that a line of another
// column, set a little higher, pulled apart are joined again by their
// baselines), and lines are cut where a horizontal gap
// is wider than 2.5 times the font size, so that a date or a franking mark
// beside the address is not read as part of it. Words are split where the
// input has a space (a drawn one where it is drawn, a generated one between
// the glyphs written around it) or where the gap is a word gap; glyphs drawn
// twice (fake bold) count once, and accents drawn as glyphs of their own go
// onto their letters.
//
// The block is every line whose body (baseline up to half the font size
// above it, so not a mere descender) meets the address area, as Pingen reads
// everything there as the address. Lines just above or below those are
// added, one at a time, when they meet the reserved block and continue the
// address: the same line pitch (0.6 to 1.6 times the block's), left aligned
// with it (within one font size or 2 mm) and in a similar type size (within
// a factor of 4/3). So an address that overflows the area is reported whole
// and partly outside, while a sender line in the postage area, usually
// smaller and set apart, is left to the zone rules.
func Find(glyphs []Glyph, w rules.Window) Block {
	area := w.Address
	reserved := w.Reserved.Union(area)
	b := Block{Area: area}
	// Only text near the window matters; the whole width is kept so that
	// a line crossing a side of the area is seen to its end.
	y0, y1 := Strip(w)
	ink, sp := prepare(glyphs, y0, y1)
	var box bounds
	for _, l := range pick(joinSplitLines(segments(bands(ink))), area, reserved) {
		line := l.build(sp)
		b.Lines = append(b.Lines, line)
		box.add(l.box)
	}
	b.Box = box.rect()
	return b
}
