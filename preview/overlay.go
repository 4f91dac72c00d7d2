package preview

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/rules"
)

// The overlay's colours. Zones are light, so the page stays readable;
// findings are strong, so they are found at a glance.
var (
	colorReserved = color.NRGBA{220, 30, 30, 70}  // reserved block outside the address area
	colorZone     = color.NRGBA{230, 90, 0, 150}  // hatching of border and corner zones
	colorZoneTint = color.NRGBA{230, 90, 0, 28}   // under the hatching
	colorAddress  = color.NRGBA{0, 150, 60, 255}  // address area outline
	colorWindow   = color.NRGBA{30, 90, 220, 255} // envelope window outline
	colorFinding  = color.NRGBA{230, 0, 150, 255} // finding boxes and labels
	colorLabelTxt = color.NRGBA{255, 255, 255, 255}
)

// overlay draws onto a rendering of one page; perMM converts millimetres
// from the top-left corner to pixels.
type overlay struct {
	img    draw.Image
	perMM  float64
	labels []image.Rectangle // numbered labels placed so far, kept apart
}

func (o *overlay) px(mm float64) int { return int(math.Round(mm * o.perMM)) }

func (o *overlay) rect(r rules.Rect) image.Rectangle {
	return image.Rect(o.px(r.X), o.px(r.Y), o.px(r.X1()), o.px(r.Y1())).Intersect(o.img.Bounds())
}

// draw draws the profile's zones for page n of a w x h mm page, page k of
// its letter (the window's reserved block on a letter's first page), then
// the findings of rep on that page.
func (o *overlay) draw(n, k int, w, h float64, prof *rules.Profile, win rules.Window, rep *preflight.Report) {
	if k == 1 {
		for _, part := range win.Reserved.Subtract(win.Address) {
			o.fill(o.rect(part), colorReserved)
		}
		o.outline(o.rect(win.Reserved), colorWindow, 1, true)
		o.outline(o.rect(win.Address), colorAddress, 2, false)
		o.label(o.px(win.Address.X)+2, o.px(win.Address.Y1())-2, "address area", colorAddress, false)
		o.label(o.px(win.Reserved.X)+2, o.px(win.Reserved.Y)+o.px(3), "window / reserved block", colorWindow, false)
	}
	for _, z := range prof.Zones {
		if !z.Pages.Has(k) {
			continue
		}
		for _, r := range z.Rects(w, h) {
			o.hatch(o.rect(r))
		}
	}
	if rep == nil {
		return
	}
	// Findings without a box (the page size, a font) are listed at the
	// top left, below the border, so their numbers are still on the page.
	legendY := o.px(7)
	for i, f := range rep.Findings {
		num := fmt.Sprint(i + 1)
		if !onPage(f, n) {
			continue
		}
		if f.Box == nil {
			o.label(o.px(6), legendY, num+"  "+f.Rule, colorFinding, true)
			legendY += o.px(5)
			continue
		}
		// A tiny box (a dot, a hairline) is grown so the eye finds it.
		const grow = 1.0 // mm
		r := rules.Rect{X: f.Box.X0 - grow, Y: f.Box.Y0 - grow, W: f.Box.X1 - f.Box.X0 + 2*grow, H: f.Box.Y1 - f.Box.Y0 + 2*grow}
		box := o.rect(r)
		o.outline(box, colorFinding, 3, false)
		// The label sits above the box, or below it at the top of the page.
		ly := box.Min.Y - 3
		if ly < o.px(6) {
			ly = box.Max.Y + o.px(4)
		}
		o.label(box.Min.X, ly, num, colorFinding, true)
	}
}

// onPage reports whether finding f points at page n.
func onPage(f preflight.Finding, n int) bool {
	if f.Page == n {
		return true
	}
	for _, p := range f.Pages {
		if p == n {
			return true
		}
	}
	return false
}

func (o *overlay) fill(r image.Rectangle, c color.NRGBA) {
	draw.Draw(o.img, r, image.NewUniform(c), image.Point{}, draw.Over)
}

// outline draws a frame of width px inside r; dashed frames leave gaps.
func (o *overlay) outline(r image.Rectangle, c color.NRGBA, width int, dashed bool) {
	if r.Empty() {
		return
	}
	on := func(i int) bool { return !dashed || (i/8)%2 == 0 }
	for k := 0; k < width; k++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if on(x) {
				o.blend(x, r.Min.Y+k, c)
				o.blend(x, r.Max.Y-1-k, c)
			}
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			if on(y) {
				o.blend(r.Min.X+k, y, c)
				o.blend(r.Max.X-1-k, y, c)
			}
		}
	}
}

// hatch tints r and draws diagonal lines over it, the way drawings mark an
// area to keep clear.
func (o *overlay) hatch(r image.Rectangle) {
	o.fill(r, colorZoneTint)
	spacing := max(6, o.px(2))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if (x+y)%spacing == 0 {
				o.blend(x, y, colorZone)
			}
		}
	}
}

func (o *overlay) blend(x, y int, c color.NRGBA) {
	if !(image.Point{x, y}.In(o.img.Bounds())) {
		return
	}
	if c.A == 255 {
		o.img.Set(x, y, c)
		return
	}
	r, g, b, _ := o.img.At(x, y).RGBA()
	a := uint32(c.A)
	mix := func(bg uint32, fg uint8) uint8 { return uint8((bg>>8*(255-a) + uint32(fg)*a) / 255) }
	o.img.Set(x, y, color.NRGBA{mix(r, c.R), mix(g, c.G), mix(b, c.B), 255})
}

var (
	faceOnce sync.Once
	labelTTF *opentype.Font
)

// face returns the label font at a size that reads well at the overlay's
// resolution: about 7 pt on paper.
func (o *overlay) face() font.Face {
	faceOnce.Do(func() { labelTTF, _ = opentype.Parse(gobold.TTF) })
	if labelTTF == nil {
		return nil
	}
	f, err := opentype.NewFace(labelTTF, &opentype.FaceOptions{Size: 7, DPI: o.perMM * 25.4, Hinting: font.HintingFull})
	if err != nil {
		return nil
	}
	return f
}

// label writes s with its baseline at (x, y); boxed labels are white on c,
// the others c on a white ground.
func (o *overlay) label(x, y int, s string, c color.NRGBA, boxed bool) {
	face := o.face()
	if face == nil {
		return
	}
	defer face.Close()
	d := font.Drawer{Dst: o.img, Face: face}
	adv := d.MeasureString(s).Ceil()
	m := face.Metrics()
	pad := 2
	bg := image.Rect(x-pad, y-m.Ascent.Ceil()-pad, x+adv+pad, y+m.Descent.Ceil()+pad)
	if boxed {
		// Findings close together (a line of text and its underline) would
		// stack their numbers; move a label right until it stands free.
		for moved := true; moved; {
			moved = false
			for _, l := range o.labels {
				if bg.Overlaps(l) {
					shift := l.Max.X - bg.Min.X + 2
					bg, x = bg.Add(image.Pt(shift, 0)), x+shift
					moved = true
				}
			}
		}
		o.labels = append(o.labels, bg)
		o.fill(bg, c)
		d.Src = image.NewUniform(colorLabelTxt)
	} else {
		o.fill(bg, color.NRGBA{255, 255, 255, 200})
		d.Src = image.NewUniform(c)
	}
	d.Dot = fixed.P(x, y)
	d.DrawString(s)
}
