package rules

import (
	"fmt"
	"math"
)

// PointsPerMM converts millimetres to PDF points (1 pt = 1/72 inch).
const PointsPerMM = 72 / 25.4

// Rect is a rectangle in millimetres, measured from the top-left corner of
// the page as displayed: X to the right, Y downwards.
type Rect struct {
	X float64 `yaml:"x" json:"x"`
	Y float64 `yaml:"y" json:"y"`
	W float64 `yaml:"w" json:"w"`
	H float64 `yaml:"h" json:"h"`
}

// X1 returns the right edge.
func (r Rect) X1() float64 { return r.X + r.W }

// Y1 returns the bottom edge.
func (r Rect) Y1() float64 { return r.Y + r.H }

// Empty reports whether r has no area.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// Intersect returns the overlap of r and s, which is empty when they do not
// overlap.
func (r Rect) Intersect(s Rect) Rect {
	x0, y0 := math.Max(r.X, s.X), math.Max(r.Y, s.Y)
	x1, y1 := math.Min(r.X1(), s.X1()), math.Min(r.Y1(), s.Y1())
	if x1 <= x0 || y1 <= y0 {
		return Rect{}
	}
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// Overlaps reports whether r and s share some area.
func (r Rect) Overlaps(s Rect) bool { return !r.Intersect(s).Empty() }

// Contains reports whether s lies entirely inside r.
func (r Rect) Contains(s Rect) bool {
	return s.X >= r.X && s.Y >= r.Y && s.X1() <= r.X1() && s.Y1() <= r.Y1()
}

// Union returns the smallest rectangle holding r and s. An empty operand is
// ignored.
func (r Rect) Union(s Rect) Rect {
	if r.Empty() {
		return s
	}
	if s.Empty() {
		return r
	}
	x0, y0 := math.Min(r.X, s.X), math.Min(r.Y, s.Y)
	x1, y1 := math.Max(r.X1(), s.X1()), math.Max(r.Y1(), s.Y1())
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// Subtract returns the parts of r not covered by s, as at most four
// non-overlapping rectangles (top and bottom bands at full width, then the
// left and right pieces between them).
func (r Rect) Subtract(s Rect) []Rect {
	in := r.Intersect(s)
	if in.Empty() {
		return []Rect{r}
	}
	var out []Rect
	add := func(x0, y0, x1, y1 float64) {
		if x1 > x0 && y1 > y0 {
			out = append(out, Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0})
		}
	}
	add(r.X, r.Y, r.X1(), in.Y)
	add(r.X, in.Y1(), r.X1(), r.Y1())
	add(r.X, in.Y, in.X, in.Y1())
	add(in.X1(), in.Y, r.X1(), in.Y1())
	return out
}

// String formats r as "x 22.0, y 60.0, 85.5 x 25.5 mm".
func (r Rect) String() string {
	return fmt.Sprintf("x %.1f, y %.1f, %.1f x %.1f mm", r.X, r.Y, r.W, r.H)
}
