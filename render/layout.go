package render

import (
	"fmt"
	"math"

	"github.com/lettergate/lettergate/rules"
)

// safetyMM is the clearance kept from every zone and from the reserved
// block. Pingen's "overwrite restricted areas" reportedly blanks about 6 mm
// of its 5 mm border, so content keeps 2 mm more than the zones.
const safetyMM = 2

// inkMM is how far a glyph's ink may reach outside its line; frames keep
// this much more from the zones, so that verify's check of the font's
// bounding boxes passes.
const inkMM = 1

// addressInsetMM keeps the recipient block this far inside the address area
// on every side, so that no glyph touches its edge.
const addressInsetMM = 2

// itemKind is what an item draws.
type itemKind uint8

const (
	kText itemKind = iota
	kImage
	kRule
)

func (k itemKind) String() string {
	return [...]string{"text", "image", "rule"}[k]
}

// item is one drawn element. Text is placed by its baseline origin, images
// by their top-left corner; a rule runs from x to x+w at height y and is h
// thick.
type item struct {
	kind  itemKind
	field string
	x, y  float64
	w, h  float64
	face  *face
	size  float64 // pt
	text  string
	img   *asset
	gray  bool
}

// box is the area the item may ink: for text the font's bounding box over
// the advance width, which holds every glyph.
func (it item) box() rules.Rect {
	switch it.kind {
	case kText:
		em := it.size * mmPerPt
		return rules.Rect{X: it.x, Y: it.y - it.face.top*em, W: it.w, H: (it.face.top + it.face.bottom) * em}
	case kRule:
		return rules.Rect{X: it.x, Y: it.y - it.h/2, W: it.w, H: it.h}
	}
	return rules.Rect{X: it.x, Y: it.y, W: it.w, H: it.h}
}

// row is a unit of the flowing body: a line of text, a table row, an image.
// Its items' y are relative to its top.
type row struct {
	h      float64
	before float64 // space above, dropped at the top of a page
	items  []item
	keep   bool  // keep on the page of the next row
	head   []row // rows to repeat above it when it starts a page (a table's header)
	field  string
}

func inflate(r rules.Rect, d float64) rules.Rect {
	return rules.Rect{X: r.X - d, Y: r.Y - d, W: r.W + 2*d, H: r.H + 2*d}
}

// geometry is a profile's page for one window, with the frames content is
// set in.
type geometry struct {
	prof        *rules.Profile
	win         rules.Window
	w, h        float64
	first, rest rules.Rect // printable frames of page 1 and of later pages
}

func newGeometry(p *rules.Profile, window string, m marginsSpec) (*geometry, error) {
	win, err := p.Window(window)
	if err != nil {
		return nil, err
	}
	g := &geometry{prof: p, win: win, w: p.Page.WidthMM, h: p.Page.HeightMM}
	margins := rules.Rect{X: m.Left, Y: m.Top, W: g.w - m.Left - m.Right, H: g.h - m.Top - m.Bottom}
	for i, fr := range []*rules.Rect{&g.first, &g.rest} {
		var forbid []rules.Rect
		for _, z := range g.zones(i + 1) {
			forbid = append(forbid, inflate(z, inkMM))
		}
		f, err := fitFrame(margins, forbid)
		if err != nil {
			return nil, err
		}
		if f.W < 100 || f.H < 150 {
			return nil, fmt.Errorf("the margins and the zones of profile %s leave only %.1f x %.1f mm to write on", p.Name, f.W, f.H)
		}
		*fr = f
	}
	return g, nil
}

// zones returns the blank zones of page n (1-based), widened by safetyMM.
func (g *geometry) zones(n int) []rules.Rect {
	var out []rules.Rect
	for _, z := range g.prof.Zones {
		if !z.Pages.Has(n) {
			continue
		}
		for _, r := range z.Rects(g.w, g.h) {
			out = append(out, inflate(r, safetyMM))
		}
	}
	return out
}

// reserved returns page 1's reserved block, widened by safetyMM: nothing
// but the recipient may print in it.
func (g *geometry) reserved() rules.Rect { return inflate(g.win.Reserved, safetyMM) }

// frame returns the printable frame of page n.
func (g *geometry) frame(n int) rules.Rect {
	if n == 1 {
		return g.first
	}
	return g.rest
}

// fitFrame shrinks frame until it meets none of the rectangles, each time
// giving up the side that costs the least area.
func fitFrame(frame rules.Rect, forbid []rules.Rect) (rules.Rect, error) {
	for range 4 * (len(forbid) + 1) {
		var hit *rules.Rect
		for i := range forbid {
			if frame.Overlaps(forbid[i]) {
				hit = &forbid[i]
				break
			}
		}
		if hit == nil {
			return frame, nil
		}
		f := *hit
		best, bestArea := rules.Rect{}, -1.0
		for _, c := range []rules.Rect{
			{X: f.X1(), Y: frame.Y, W: frame.X1() - f.X1(), H: frame.H}, // left edge to the right of f
			{X: frame.X, Y: frame.Y, W: f.X - frame.X, H: frame.H},      // right edge to the left of f
			{X: frame.X, Y: f.Y1(), W: frame.W, H: frame.Y1() - f.Y1()}, // top below f
			{X: frame.X, Y: frame.Y, W: frame.W, H: f.Y - frame.Y},      // bottom above f
		} {
			if !c.Empty() && c.W*c.H > bestArea {
				best, bestArea = c, c.W*c.H
			}
		}
		if bestArea < 0 {
			return rules.Rect{}, fmt.Errorf("the blank zones leave no room to write in")
		}
		frame = best
	}
	return frame, nil
}

// verify checks every item of a letter against the zones of its page and,
// on page 1, against the reserved block, where only the recipient block may
// print, inside the address area. The layout is built to pass; this is the
// guarantee that it did.
func (g *geometry) verify(pages [][]item) error {
	const eps = 1e-6
	res := g.reserved()
	for i, items := range pages {
		n := i + 1
		zones := g.zones(n)
		for _, it := range items {
			b := it.box()
			shrunk := rules.Rect{X: b.X + eps, Y: b.Y + eps, W: b.W - 2*eps, H: b.H - 2*eps}
			for _, z := range zones {
				if shrunk.Overlaps(z) {
					return fmt.Errorf("field %s: %s %q at %s comes within %g mm of a blank zone on page %d", it.field, it.kind, it.text, b, float64(safetyMM), n)
				}
			}
			if n != 1 {
				continue
			}
			if isAddress(it.field) {
				if !g.win.Address.Contains(b) {
					return fmt.Errorf("field %s: %q at %s is not inside the address area %s", it.field, it.text, b, g.win.Address)
				}
			} else if shrunk.Overlaps(res) {
				return fmt.Errorf("field %s: %s %q at %s comes within %g mm of the reserved block %s", it.field, it.kind, it.text, b, float64(safetyMM), g.win.Reserved)
			}
		}
	}
	return nil
}

func isAddress(field string) bool {
	return field == fieldAddress || field == fieldCountry
}

const (
	fieldAddress = "recipient.address"
	fieldCountry = "recipient.country"
)

// paginate flows rows onto pages between top and bottom of page 1 and of
// the later pages, keeping rows marked keep with their successors and
// repeating a table's header on the page its rows continue on.
func paginate(rows []row, firstTop, firstBottom, restTop, restBottom float64) ([][]item, error) {
	const eps = 1e-6
	pages := [][]item{nil}
	top, bottom := firstTop, firstBottom
	y := top
	place := func(r row, at float64) {
		for _, it := range r.items {
			it.y += at
			pages[len(pages)-1] = append(pages[len(pages)-1], it)
		}
	}
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		gap := r.before
		if y == top {
			gap = 0
		}
		need := gap + r.h
		for j := i; rows[j].keep && j+1 < len(rows); j++ {
			need += rows[j+1].before + rows[j+1].h
		}
		if need > restBottom-restTop {
			need = gap + r.h // the chain cannot be kept on one page anyway
		}
		if y+need > bottom+eps && y > top {
			pages = append(pages, nil)
			top, bottom, y, gap = restTop, restBottom, restTop, 0
			for _, h := range r.head {
				place(h, y)
				y += h.h
			}
		}
		if y+gap+r.h > bottom+eps {
			return nil, fmt.Errorf("field %s: a block %.1f mm high does not fit on a page (%.1f mm free)", r.field, r.h, bottom-y)
		}
		place(r, y+gap)
		y += gap + r.h
	}
	return pages, nil
}

// baseline returns where to set the baseline of a line lh mm high in face
// fc at size pt: the font's ascent and descent centred in the line.
func baseline(fc *face, size, lh float64) float64 {
	em := size * mmPerPt
	return (lh-(fc.ascent+fc.descent)*em)/2 + fc.ascent*em
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
