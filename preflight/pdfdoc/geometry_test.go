package pdfdoc

import (
	"math"
	"testing"

	"github.com/lettergate/lettergate/rules"
)

func TestGeometry(t *testing.T) {
	a4 := Box{0, 0, 595.276, 841.89}
	landscape := Box{10, 20, 10 + 841.89, 20 + 595.276}
	tests := []struct {
		name   string
		g      Geometry
		w, h   float64
		pt     [2]float64 // a user-space point
		mm     [2]float64 // where it shows
		rotate int
	}{
		{"portrait", Geometry{a4, 0}, 210, 297, [2]float64{0, 841.89}, [2]float64{0, 0}, 0},
		{"portrait bottom right", Geometry{a4, 0}, 210, 297, [2]float64{595.276, 0}, [2]float64{210, 297}, 0},
		// Landscape media turned clockwise: its lower-left corner shows top-left.
		{"rotate 90", Geometry{landscape, 90}, 210, 297, [2]float64{10, 20}, [2]float64{0, 0}, 90},
		{"rotate 90 top-left", Geometry{landscape, 90}, 210, 297, [2]float64{10, 20 + 595.276}, [2]float64{210, 0}, 90},
		{"rotate 180", Geometry{a4, 180}, 210, 297, [2]float64{595.276, 0}, [2]float64{0, 0}, 180},
		{"rotate 270", Geometry{landscape, 270}, 210, 297, [2]float64{10 + 841.89, 20 + 595.276}, [2]float64{0, 0}, 270},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h := tt.g.SizeMM()
			if math.Abs(w-tt.w) > 0.01 || math.Abs(h-tt.h) > 0.01 {
				t.Errorf("SizeMM = %.2f x %.2f, want %v x %v", w, h, tt.w, tt.h)
			}
			x, y := tt.g.PointToMM(tt.pt[0], tt.pt[1])
			if math.Abs(x-tt.mm[0]) > 0.01 || math.Abs(y-tt.mm[1]) > 0.01 {
				t.Errorf("PointToMM%v = %.2f, %.2f, want %v", tt.pt, x, y, tt.mm)
			}
			r := rules.Rect{X: 22, Y: 60, W: 85.5, H: 25.5}
			back := tt.g.BoxToMM(tt.g.RectToBox(r))
			if math.Abs(back.X-r.X) > 1e-9 || math.Abs(back.Y-r.Y) > 1e-9 || math.Abs(back.W-r.W) > 1e-9 || math.Abs(back.H-r.H) > 1e-9 {
				t.Errorf("round trip %v -> %v", r, back)
			}
		})
	}
	for in, want := range map[int]int{0: 0, 90: 90, -90: 270, 450: 90, 360: 0, -180: 180, 45: 0} {
		if got := NormalizeRotation(in); got != want {
			t.Errorf("NormalizeRotation(%d) = %d, want %d", in, got, want)
		}
	}
}
