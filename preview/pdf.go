package preview

import (
	"bytes"
	"context"
	"fmt"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// PDF returns a copy of the PDF in data with the overlay of Render on every
// page, as vector graphics that stay sharp at any zoom. data itself is not
// changed.
func PDF(ctx context.Context, data []byte, rep *preflight.Report, opts Options) (out []byte, err error) {
	o, win, err := opts.resolve(rep)
	if err != nil {
		return nil, err
	}
	doc, err := pdfdoc.Open(ctx, data, pdfdoc.Limits{})
	if err != nil {
		return nil, err
	}
	if doc.PageCount == 0 {
		return nil, fmt.Errorf("the file has no pages")
	}
	overlay, err := overlayPDF(doc, o.Profile, win, rep)
	if err != nil {
		return nil, fmt.Errorf("draw the overlay: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stamp the overlay: %v", r)
		}
	}()
	// A stamp is a Form XObject inside q/Q: whatever state the page's own
	// content leaves behind cannot shift it.
	wm, err := api.PDFMultiWatermarkForReadSeeker(bytes.NewReader(overlay), 1, 1, "scalefactor:1 abs, position:bl, rotation:0", true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("stamp the overlay: %w", err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var b bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(data), &b, nil, wm, conf); err != nil {
		return nil, fmt.Errorf("stamp the overlay: %w", err)
	}
	return b.Bytes(), nil
}

// overlayPDF draws one page per page of doc, each the size of that page as
// displayed, holding the zones and findings.
func overlayPDF(doc *pdfdoc.Document, prof *rules.Profile, win rules.Window, rep *preflight.Report) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetCreator("lettergate preview", true)
	for _, pg := range doc.Pages {
		w, h := pg.Geometry.SizeMM()
		pdf.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
		vectorOverlay(pdf, pg.Number, PageInLetter(rep, pg.Number), w, h, prof, win, rep)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// vectorOverlay draws the overlay of page n, page k of its letter.
func vectorOverlay(pdf *fpdf.Fpdf, n, k int, w, h float64, prof *rules.Profile, win rules.Window, rep *preflight.Report) {
	rgb := func(c interface{ RGBA() (r, g, b, a uint32) }) (int, int, int) {
		r, g, b, _ := c.RGBA()
		return int(r >> 8), int(g >> 8), int(b >> 8)
	}
	if k == 1 {
		pdf.SetAlpha(0.25, "Normal")
		pdf.SetFillColor(rgb(colorReserved))
		for _, part := range win.Reserved.Subtract(win.Address) {
			pdf.Rect(part.X, part.Y, part.W, part.H, "F")
		}
		pdf.SetAlpha(1, "Normal")
		pdf.SetDrawColor(rgb(colorWindow))
		pdf.SetLineWidth(0.2)
		pdf.SetDashPattern([]float64{1.5, 1}, 0)
		pdf.Rect(win.Reserved.X, win.Reserved.Y, win.Reserved.W, win.Reserved.H, "D")
		pdf.SetDashPattern(nil, 0)
		pdf.SetDrawColor(rgb(colorAddress))
		pdf.SetLineWidth(0.4)
		pdf.Rect(win.Address.X, win.Address.Y, win.Address.W, win.Address.H, "D")
		pdf.SetFont("Helvetica", "B", 6)
		pdf.SetTextColor(rgb(colorAddress))
		pdf.Text(win.Address.X+0.5, win.Address.Y1()-0.7, "address area")
		pdf.SetTextColor(rgb(colorWindow))
		pdf.Text(win.Reserved.X+0.5, win.Reserved.Y+2.5, "window / reserved block")
	}
	pdf.SetDrawColor(rgb(colorZone))
	pdf.SetLineWidth(0.15)
	for _, z := range prof.Zones {
		if !z.Pages.Has(k) {
			continue
		}
		for _, r := range z.Rects(w, h) {
			pdf.SetAlpha(0.12, "Normal")
			pdf.SetFillColor(rgb(colorZone))
			pdf.Rect(r.X, r.Y, r.W, r.H, "F")
			pdf.SetAlpha(0.6, "Normal")
			pdf.ClipRect(r.X, r.Y, r.W, r.H, false)
			for d := -r.H; d < r.W; d += 2 {
				pdf.Line(r.X+d, r.Y1(), r.X+d+r.H, r.Y)
			}
			pdf.ClipEnd()
			pdf.SetAlpha(1, "Normal")
		}
	}
	if rep == nil {
		return
	}
	pdf.SetDrawColor(rgb(colorFinding))
	pdf.SetFillColor(rgb(colorFinding))
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont("Helvetica", "B", 7)
	legendY := 7.0
	for i, f := range rep.Findings {
		if !onPage(f, n) {
			continue
		}
		num := fmt.Sprint(i + 1)
		if f.Box == nil {
			tag := num + "  " + f.Rule
			pdf.Rect(6, legendY-2.6, pdf.GetStringWidth(tag)+1.6, 3.4, "F")
			pdf.Text(6.8, legendY, tag)
			legendY += 4.5
			continue
		}
		const grow = 1.0
		x0, y0 := f.Box.X0-grow, f.Box.Y0-grow
		pdf.SetLineWidth(0.5)
		pdf.Rect(x0, y0, f.Box.X1-f.Box.X0+2*grow, f.Box.Y1-f.Box.Y0+2*grow, "D")
		ly := y0 - 1
		if ly < 6 {
			ly = f.Box.Y1 + grow + 3.4
		}
		pdf.Rect(x0, ly-2.6, pdf.GetStringWidth(num)+1.6, 3.4, "F")
		pdf.Text(x0+0.8, ly, num)
	}
}
