package address

import (
	"fmt"
	"math"
	"strings"
)

// tolerance is how far (mm) text may reach past an edge of the address
// area before it counts: less than what the reports show (0.1 mm), and well
// under a pixel of any raster check.
const tolerance = 0.05

// Crossing is how far one line of the block reaches past one edge of the
// address area.
type Crossing struct {
	Line int     // index in Block.Lines
	Edge string  // "left", "right", "top" or "bottom"
	MM   float64 // rounded up to 0.1 mm, so moving the line that far fixes it
}

// Crossings lists, line by line, each edge of the area that a line reaches
// past by more than 0.05 mm.
func (b Block) Crossings() []Crossing {
	var out []Crossing
	a := b.Area
	for i, l := range b.Lines {
		for _, c := range []struct {
			edge string
			by   float64
		}{
			{"left", a.X - l.Box.X},
			{"right", l.Box.X1() - a.X1()},
			{"top", a.Y - l.Box.Y},
			{"bottom", l.Box.Y1() - a.Y1()},
		} {
			if c.by > tolerance {
				out = append(out, Crossing{Line: i, Edge: c.edge, MM: ceil1(c.by)})
			}
		}
	}
	return out
}

// Move is the shortest shift of the whole block that brings it inside the
// address area.
type Move struct {
	// DX and DY are in mm, positive to the right and down; 0 when the block
	// fits on that axis already, or cannot.
	DX, DY float64
	// TooWide and TooTall are how much wider or taller than the area the
	// block is (rounded up to 0.1 mm); no shift fixes that axis.
	TooWide, TooTall float64
}

// Move returns the shift that brings the block inside the address area;
// the zero Move when it is inside already or there is no block.
func (b Block) Move() Move {
	var m Move
	if len(b.Lines) == 0 {
		return m
	}
	m.DX, m.TooWide = shift(b.Box.X, b.Box.X1(), b.Area.X, b.Area.X1())
	m.DY, m.TooTall = shift(b.Box.Y, b.Box.Y1(), b.Area.Y, b.Area.Y1())
	return m
}

// shift returns the move that puts [lo, hi] inside [alo, ahi], or how much
// too long it is.
func shift(lo, hi, alo, ahi float64) (d, over float64) {
	slack := (ahi - alo) - (hi - lo)
	switch {
	case slack < -tolerance:
		return 0, ceil1(-slack)
	case lo < alo-tolerance:
		// Rounding up must not push the other side out.
		return math.Min(ceil1(alo-lo), alo-lo+math.Max(slack, 0)), 0
	case hi > ahi+tolerance:
		return -math.Min(ceil1(hi-ahi), hi-ahi+math.Max(slack, 0)), 0
	}
	return 0, 0
}

// String says what to do, e.g. "move the address block right by 2.0 mm";
// "" when nothing needs doing.
func (m Move) String() string {
	var parts []string
	if m.TooTall > 0 {
		parts = append(parts, fmt.Sprintf("the address block is %.1f mm taller than the address area: use fewer lines, tighter line spacing or a smaller type size", m.TooTall))
	}
	if m.TooWide > 0 {
		parts = append(parts, fmt.Sprintf("the address block is %.1f mm wider than the address area: shorten its longest line or use a smaller type size", m.TooWide))
	}
	var dirs []string
	if m.DX > 0 {
		dirs = append(dirs, fmt.Sprintf("right by %.1f mm", m.DX))
	} else if m.DX < 0 {
		dirs = append(dirs, fmt.Sprintf("left by %.1f mm", -m.DX))
	}
	if m.DY > 0 {
		dirs = append(dirs, fmt.Sprintf("down by %.1f mm", m.DY))
	} else if m.DY < 0 {
		dirs = append(dirs, fmt.Sprintf("up by %.1f mm", -m.DY))
	}
	if len(dirs) > 0 {
		what := "the address block"
		if len(parts) > 0 {
			what = "it"
		}
		parts = append(parts, "move "+what+" "+strings.Join(dirs, " and "))
	}
	return strings.Join(parts, "; ")
}

// ceil1 rounds v up to 0.1, forgiving what PDF coordinates do not resolve:
// producers write positions to 0.01 pt (0.0035 mm) and engines compute in
// single precision, so 2.0006 is 2.0. What it forgives (0.002 mm) is far
// under the tolerance, so moving by the rounded distance still fixes it.
func ceil1(v float64) float64 { return math.Ceil(v*10-0.02) / 10 }
