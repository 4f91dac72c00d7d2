// Package preview draws a page the way the checker sees it: the page as it
// prints, with the address area, the reserved postal block, the blank zones
// and the box of every finding drawn over it, numbered as in the text
// report.
package preview

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"slices"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// DefaultDPI is sharp enough to read 8 pt text and small enough to encode
// in a few milliseconds.
const DefaultDPI = 100

// Options say what to draw.
type Options struct {
	Profile *rules.Profile // nil: the built-in "pingen"
	Window  string         // "": the report's window, else the profile's default
	DPI     float64        // 0: DefaultDPI
}

func (o Options) resolve(rep *preflight.Report) (Options, rules.Window, error) {
	if o.Profile == nil {
		p, err := rules.Builtin("pingen")
		if err != nil {
			return o, rules.Window{}, err
		}
		o.Profile = p
	}
	if o.Window == "" && rep != nil {
		o.Window = rep.Window
	}
	if o.Window == "" {
		o.Window = o.Profile.DefaultWindow()
	}
	w, err := o.Profile.Window(o.Window)
	if o.DPI <= 0 {
		o.DPI = DefaultDPI
	}
	if o.DPI > 600 {
		return o, w, fmt.Errorf("%v dpi: at most 600", o.DPI)
	}
	return o, w, err
}

// Page is one rendered page with its overlay.
type Page struct {
	Number int // 1-based
	Image  *image.RGBA
}

// Render renders the given pages (1-based; none: all) of the PDF in data and
// draws the zones of the profile and the findings of rep over them. rep may
// be nil, for a picture of the zones alone. When rep is of a split file,
// the zones of a first page are drawn on each letter's first page.
func Render(ctx context.Context, data []byte, rep *preflight.Report, pages []int, opts Options) ([]Page, error) {
	o, win, err := opts.resolve(rep)
	if err != nil {
		return nil, err
	}
	r, err := pdfdoc.OpenRaster(ctx, data, pdfdoc.RasterOptions{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if len(pages) == 0 {
		for n := 1; n <= r.PageCount(); n++ {
			pages = append(pages, n)
		}
	}
	var out []Page
	for _, n := range pages {
		if n < 1 || n > r.PageCount() {
			return nil, fmt.Errorf("page %d: the file has %d %s", n, r.PageCount(), plural(r.PageCount(), "page", "pages"))
		}
		g, err := r.Geometry(ctx, n)
		if err != nil {
			return nil, err
		}
		img, err := r.RenderRGBA(ctx, n, o.DPI)
		if err != nil {
			return nil, err
		}
		w, h := g.SizeMM()
		// PDFium renders at whole dpi and rounds the image size up, so the
		// scale comes from the dpi, not from the width in pixels.
		ov := overlay{img: img, perMM: math.Round(o.DPI) / 25.4}
		ov.draw(n, PageInLetter(rep, n), w, h, o.Profile, win, rep)
		out = append(out, Page{Number: n, Image: img})
	}
	return out, nil
}

// EncodePNG writes img as PNG at the best speed: the default compression
// costs ten times as long for a few per cent smaller files.
func EncodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// PageInLetter returns which page of its letter page n is, by the letters
// of a split file's report; without them (rep nil, or a file checked as one
// letter) it is n.
func PageInLetter(rep *preflight.Report, n int) int {
	if rep == nil {
		return n
	}
	for _, l := range rep.Letters {
		if n >= l.FirstPage && n < l.FirstPage+l.Pages {
			return n - l.FirstPage + 1
		}
	}
	return n
}

// PagesWithFindings lists the pages that findings of rep point at.
func PagesWithFindings(rep *preflight.Report) []int {
	seen := map[int]bool{}
	var out []int
	for _, f := range rep.Findings {
		pages := f.Pages
		if len(pages) == 0 && f.Page > 0 {
			pages = []int{f.Page}
		}
		for _, p := range pages {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
