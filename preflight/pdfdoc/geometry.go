package pdfdoc

import (
	"math"

	"github.com/lettergate/lettergate/rules"
)

// Box is a rectangle in PDF user space, in points: lower-left and upper-right
// corners.
type Box struct {
	LLX, LLY, URX, URY float64
}

// Width returns the box's width in points.
func (b Box) Width() float64 { return b.URX - b.LLX }

// Height returns the box's height in points.
func (b Box) Height() float64 { return b.URY - b.LLY }

// Normalize returns the box with its corners ordered, as PDF allows any two
// opposite corners.
func (b Box) Normalize() Box {
	return Box{math.Min(b.LLX, b.URX), math.Min(b.LLY, b.URY), math.Max(b.LLX, b.URX), math.Max(b.LLY, b.URY)}
}

// Geometry maps PDF user space to the page as displayed, in millimetres from
// the top-left corner: the crop box, turned clockwise by Rotate degrees.
// It is the one place where points become millimetres.
type Geometry struct {
	CropBox Box
	Rotate  int // 0, 90, 180 or 270
}

// NormalizeRotation maps any multiple of 90 (negative too) to 0, 90, 180 or
// 270, as /Rotate allows.
func NormalizeRotation(deg int) int {
	r := deg % 360
	if r < 0 {
		r += 360
	}
	return r - r%90
}

// SizeMM returns the displayed width and height in millimetres.
func (g Geometry) SizeMM() (w, h float64) {
	w, h = g.CropBox.Width()/rules.PointsPerMM, g.CropBox.Height()/rules.PointsPerMM
	if g.Rotate == 90 || g.Rotate == 270 {
		w, h = h, w
	}
	return w, h
}

// PointToMM maps a point of user space to displayed millimetres.
func (g Geometry) PointToMM(x, y float64) (xmm, ymm float64) {
	c := g.CropBox
	switch g.Rotate {
	case 90:
		xmm, ymm = y-c.LLY, x-c.LLX
	case 180:
		xmm, ymm = c.URX-x, y-c.LLY
	case 270:
		xmm, ymm = c.URY-y, c.URX-x
	default:
		xmm, ymm = x-c.LLX, c.URY-y
	}
	return xmm / rules.PointsPerMM, ymm / rules.PointsPerMM
}

// BoxToMM maps a user-space box to a displayed rectangle in millimetres.
func (g Geometry) BoxToMM(b Box) rules.Rect {
	x0, y0 := g.PointToMM(b.LLX, b.LLY)
	x1, y1 := g.PointToMM(b.URX, b.URY)
	return rules.Rect{X: math.Min(x0, x1), Y: math.Min(y0, y1), W: math.Abs(x1 - x0), H: math.Abs(y1 - y0)}
}

// RectToBox maps a displayed rectangle in millimetres to user space.
func (g Geometry) RectToBox(r rules.Rect) Box {
	x0, y0 := g.mmToPoint(r.X, r.Y)
	x1, y1 := g.mmToPoint(r.X1(), r.Y1())
	return Box{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)}
}

func (g Geometry) mmToPoint(xmm, ymm float64) (x, y float64) {
	c := g.CropBox
	u, v := xmm*rules.PointsPerMM, ymm*rules.PointsPerMM
	switch g.Rotate {
	case 90:
		return c.LLX + v, c.LLY + u
	case 180:
		return c.URX - u, c.LLY + v
	case 270:
		return c.URX - v, c.URY - u
	default:
		return c.LLX + u, c.URY - v
	}
}
