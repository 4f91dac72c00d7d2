package pdfdoc

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/lettergate/lettergate/rules"
)

// renderFlags render a page as it prints: optional content by its print
// state (FPDF_PRINTING) and annotations (FPDF_ANNOT; which annotations
// show is set up by prepareAnnots, because PDFium draws annotations for the
// screen into a bitmap, whatever their print flag says).
const renderFlags = enums.FPDF_RENDER_FLAG_ANNOT | enums.FPDF_RENDER_FLAG_PRINTING

// GrayArea is a grayscale rendering of part of a page. Pixel (x, y) of
// Image covers [GrayArea.PixelRect](x, y) on the page.
type GrayArea struct {
	Image *image.Gray // owned by the caller
	DPI   float64
	// The image's pixel (0, 0) is pixel (X0, Y0) of a rendering of the
	// whole page, which has PerMMX x PerMMY pixels per millimetre: the page
	// is scaled to a whole number of pixels, so the two differ slightly from
	// DPI/25.4 and from each other.
	X0, Y0         int
	PerMMX, PerMMY float64
}

// PixelRect returns the part of the page, in millimetres, that pixel
// (x, y) of the image covers.
func (g *GrayArea) PixelRect(x, y int) rules.Rect {
	return rules.Rect{
		X: float64(g.X0+x) / g.PerMMX, Y: float64(g.Y0+y) / g.PerMMY,
		W: 1 / g.PerMMX, H: 1 / g.PerMMY,
	}
}

// PixelSpan returns the pixel columns [x0, x1) and rows [y0, y1) of the
// image that cover area, clipped to the image.
func (g *GrayArea) PixelSpan(area rules.Rect) (x0, y0, x1, y1 int) {
	b := g.Image.Bounds()
	x0 = clampInt(int(math.Floor(area.X*g.PerMMX+1e-9))-g.X0, 0, b.Dx())
	x1 = clampInt(int(math.Ceil(area.X1()*g.PerMMX-1e-9))-g.X0, 0, b.Dx())
	y0 = clampInt(int(math.Floor(area.Y*g.PerMMY+1e-9))-g.Y0, 0, b.Dy())
	y1 = clampInt(int(math.Ceil(area.Y1()*g.PerMMY-1e-9))-g.Y0, 0, b.Dy())
	return
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// RenderGray renders the part of page n (1-based) within area (mm of the
// displayed page, widened to whole pixels) in grayscale at dpi, as it
// prints: annotations with the print flag included, optional content in
// its print state.
func (r *Raster) RenderGray(ctx context.Context, n int, area rules.Rect, dpi float64) (*GrayArea, error) {
	if dpi <= 0 || area.Empty() {
		return nil, fmt.Errorf("page %d: render %v at %v dpi: nothing to render", n, area, dpi)
	}
	return call(ctx, r, n, "render", func(s *session, page requests.Page) (*GrayArea, error) {
		g, err := s.geometry(page)
		if err != nil {
			return nil, err
		}
		if err := s.prepareAnnots(page); err != nil {
			return nil, err
		}
		return renderGray(s, page, g, area, dpi)
	})
}

// renderGray renders area of the loaded page. go-pdfium renders a crop by
// drawing the whole page at ceil(size*dpi/72) pixels and cutting out
// round(crop*dpi/72); the crop asked for here starts and ends on whole
// pixels of that rendering, so that every pixel's place on the page is
// known exactly (TestRenderCalibration guards this).
func renderGray(s *session, page requests.Page, g Geometry, area rules.Rect, dpi float64) (*GrayArea, error) {
	wmm, hmm := g.SizeMM()
	scale := dpi / 72
	wpt, hpt := wmm*rules.PointsPerMM, hmm*rules.PointsPerMM
	fullW, fullH := math.Ceil(wpt*scale), math.Ceil(hpt*scale)
	perMMX, perMMY := fullW/wmm, fullH/hmm
	x0 := clampInt(int(math.Floor(area.X*perMMX+1e-9)), 0, int(fullW))
	x1 := clampInt(int(math.Ceil(area.X1()*perMMX-1e-9)), 0, int(fullW))
	y0 := clampInt(int(math.Floor(area.Y*perMMY+1e-9)), 0, int(fullH))
	y1 := clampInt(int(math.Ceil(area.Y1()*perMMY-1e-9)), 0, int(fullH))
	if x1 <= x0 || y1 <= y0 {
		return nil, fmt.Errorf("render %v: outside the %.1f x %.1f mm page", area, wmm, hmm)
	}
	res, err := s.inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        page,
		DPI:         int(math.Round(dpi)),
		RenderFlags: renderFlags,
		RenderForm:  s.widgets[s.cur.n],
		Document:    &s.doc,
		ImageFormat: requests.RenderImageFormatGrayscale,
		Crop: &requests.RenderPageCrop{
			X: float64(x0) / scale, Y: float64(y0) / scale,
			Width: float64(x1-x0) / scale, Height: float64(y1-y0) / scale,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer res.Cleanup()
	src, ok := res.Result.RenderedImage.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("render: got %T, want a grayscale image", res.Result.RenderedImage)
	}
	w, h := x1-x0, y1-y0
	if src.Rect.Dx() != w || src.Rect.Dy() != h {
		return nil, fmt.Errorf("render: got %d x %d pixels, want %d x %d", src.Rect.Dx(), src.Rect.Dy(), w, h)
	}
	// The pixels live in WebAssembly memory until Cleanup: copy them.
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(img.Pix[y*img.Stride:y*img.Stride+w], src.Pix[y*src.Stride:y*src.Stride+w])
	}
	return &GrayArea{Image: img, DPI: dpi, X0: x0, Y0: y0, PerMMX: perMMX, PerMMY: perMMY}, nil
}

// RenderRGBA renders the whole of page n in colour at dpi, as it prints,
// for previews.
func (r *Raster) RenderRGBA(ctx context.Context, n int, dpi float64) (*image.RGBA, error) {
	if dpi <= 0 {
		return nil, fmt.Errorf("page %d: render at %v dpi", n, dpi)
	}
	return call(ctx, r, n, "render", func(s *session, page requests.Page) (*image.RGBA, error) {
		if err := s.prepareAnnots(page); err != nil {
			return nil, err
		}
		res, err := s.inst.RenderPageInDPI(&requests.RenderPageInDPI{
			Page: page, DPI: int(math.Round(dpi)), RenderFlags: renderFlags,
			RenderForm: s.widgets[s.cur.n], Document: &s.doc,
			ImageFormat: requests.RenderImageFormatRGBA,
		})
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		defer res.Cleanup()
		src, ok := res.Result.RenderedImage.(*image.RGBA)
		if !ok {
			return nil, fmt.Errorf("render: got %T, want an RGBA image", res.Result.RenderedImage)
		}
		out := image.NewRGBA(src.Rect)
		for y := 0; y < src.Rect.Dy(); y++ {
			copy(out.Pix[y*out.Stride:(y+1)*out.Stride], src.Pix[y*src.Stride:y*src.Stride+out.Stride])
		}
		return out, nil
	})
}

// prepareAnnots makes PDFium draw the loaded page's annotations as a
// printer would. Into a bitmap PDFium draws them as for the screen: it
// skips those flagged NoView and draws those without the Print flag. So
// each annotation that prints (Print set, Hidden not) loses NoView, and
// every other one is flagged Hidden. Only the copy in memory changes.
// Form fields (widgets) are drawn only by PDFium's form filler, so a page
// with a printing widget is rendered with it (Pingen flattens forms before
// printing).
func (s *session) prepareAnnots(page requests.Page) error {
	if s.annots[s.cur.n] {
		return nil
	}
	inst := s.inst
	cnt, err := inst.FPDFPage_GetAnnotCount(&requests.FPDFPage_GetAnnotCount{Page: page})
	if err != nil {
		return fmt.Errorf("annotations: %w", err)
	}
	for i := 0; i < cnt.Count; i++ {
		a, err := inst.FPDFPage_GetAnnot(&requests.FPDFPage_GetAnnot{Page: page, Index: i})
		if err != nil {
			continue
		}
		fl, err := inst.FPDFAnnot_GetFlags(&requests.FPDFAnnot_GetFlags{Annotation: a.Annotation})
		if err == nil {
			flags := fl.Flags
			want := flags | enums.FPDF_ANNOT_FLAG_HIDDEN
			if printable(flags) {
				want = flags &^ enums.FPDF_ANNOT_FLAG_NOVIEW
				if st, err := inst.FPDFAnnot_GetSubtype(&requests.FPDFAnnot_GetSubtype{Annotation: a.Annotation}); err == nil && st.Subtype == enums.FPDF_ANNOT_SUBTYPE_WIDGET {
					s.widgets[s.cur.n] = true
				}
			}
			if want != flags {
				_, err = inst.FPDFAnnot_SetFlags(&requests.FPDFAnnot_SetFlags{Annotation: a.Annotation, Flags: want})
			}
		}
		inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: a.Annotation})
		if err != nil {
			return fmt.Errorf("annotation %d: %w", i+1, err)
		}
	}
	s.annots[s.cur.n] = true
	return nil
}

// printable reports whether an annotation with these flags appears on
// paper.
func printable(f enums.FPDF_ANNOT_FLAG) bool {
	return f&enums.FPDF_ANNOT_FLAG_PRINT != 0 && f&enums.FPDF_ANNOT_FLAG_HIDDEN == 0
}
