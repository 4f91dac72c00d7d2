package preflight

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// The zone rules judge a zone by its pixels and explain it by its objects.
//
// Verdict: each zone rectangle is rendered as it prints (grayscale, at
// zoneDPI, annotations that print included, layers in their print state)
// and a pixel darker than inkLevel in it is ink. That judges white boxes,
// clipped content, invisible text and hidden layers as the printer does.
//
// Speed: before rendering, the bounds of the page's top-level objects and
// printing annotations are compared with the zones. Bounds hold everything
// an object can paint (paths include their line width, forms their
// content, annotations their rectangle), so a zone that no bounds meet is
// blank, and only zones that some object meets are rendered.
//
// Explanation: the page's objects (forms followed, clipped) are matched to
// the ink pixels; each finding names the object, where its ink is and the
// shortest move that clears the zone.

const (
	// zoneDPI resolves 0.2 mm with more than two pixels (one is 0.085 mm).
	zoneDPI = 300
	// inkLevel: a pixel below it (of 255) is ink: 2 % darker than white.
	// 85 % grey (217) is ink; the noise of a JPEG's white (251-254) is not.
	inkLevel = 250
	// edgeTolerance is how far ink may reach into a zone, from the edge it
	// shares with printable area, before it counts: a pixel counts only
	// when it lies entirely more than this from printable area. Anti-
	// aliasing darkens at most the one pixel (0.085 mm) that an edge
	// crosses, so content that ends at or outside a zone's edge never
	// counts, while anything reaching 0.2 mm into a zone does. The fixtures
	// edge_outside (bars ending 0.3 mm outside every zone edge: pass) and
	// dot_inside (0.3 mm dots 0.3 mm inside every zone edge: all found) and
	// TestEdgeTolerance (edges swept from -0.3 to +0.3 mm) hold it to that.
	edgeTolerance = 0.1
	// filterMargin widens every object's bounds before they are compared
	// with the zones, for anti-aliasing and for what bounds can miss (the
	// stroke of outlined text).
	filterMargin = 1.0
)

// zonePageTimeout is how long the zone checks of one page may take before
// the page is given up and reported; a variable for tests.
var zonePageTimeout = 20 * time.Second

// The zone rules. They share one pass over the pages (see zoneFindings).
var (
	ZoneBorder = &Rule{
		ID: rules.ZoneBorder, Severity: Error, Pixels: true, Run: reportZones(rules.ZoneBorder),
		Doc: `Ink within the border band along the page edges, on any page.

Pingen's printers need 5 mm along every edge clear ("5 mm zum äusseren Rand")
and remove what is there when asked to fix the letter. The band is rendered
as it prints (300 dpi, annotations and form fields that print included):
white boxes, clipped content, invisible text and hidden layers do not count;
light grey does (any pixel 2 % darker than white).

Tolerance: content that ends at a zone's edge or outside it never counts;
content reaching 0.2 mm or more into a zone always does. In between lies the
anti-aliasing of the edge (0.1 mm plus part of a pixel). Distances in fixes
are rounded up to the next 0.1 mm.`,
	}
	ZoneCorner = &Rule{
		ID: rules.ZoneCorner, Severity: Error, Pixels: true, Run: reportZones(rules.ZoneCorner),
		Doc: `Ink in the corner zone, on any page.

Pingen's print automation needs the 15 x 15 mm at the bottom left of every
page clear (pingen-fr: 20 x 20 mm at the top right).`,
	}
	ZoneReserved = &Rule{
		ID: rules.ZoneReserved, Severity: Error, Pixels: true, Run: reportZones(rules.ZoneReserved),
		Doc: `Page 1: ink in the reserved block of the address window, outside the address area.

The block around the envelope window (postage area above the address, and a
2 mm margin beside and below it) must be white apart from the recipient
address in the address area. Ink inside the address area is judged by the
address rules, and so is the recipient address's own ink where it reaches
out of the area into the block: it is reported once, as address.outside.`,
	}
	ZoneBlank = &Rule{
		ID: rules.ZoneBlank, Severity: Error, Pixels: true, Run: reportZones(rules.ZoneBlank),
		Doc: `Ink in a blank zone that a custom profile declares.

A profile may list further zones (rule zone.blank, the default) on all pages,
the first, or the rest; they are checked like the border.`,
	}
)

// reportZones returns a rule's Run: it reports the zone findings of its
// rule ID, working them out for all zone rules on first use.
func reportZones(id string) func(*Pass) error {
	return func(p *Pass) error {
		fs, err := p.zoneFindings()
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f.Rule == id {
				p.Report(f)
			}
		}
		return nil
	}
}

// zoneFindings checks every zone of every page once per check. The
// recipient address is read first: its ink beyond the address area is
// reported by address.outside, so the reserved block leaves it out.
func (p *Pass) zoneFindings() ([]Finding, error) {
	s := &p.check.pixels
	if !s.zonesDone {
		s.zonesDone = true
		r, err := p.Raster()
		if err != nil {
			s.zonesErr = err
		} else {
			// An address that cannot be read excludes nothing; the
			// address rules report why.
			a, _ := p.recipient()
			s.zones, s.zonesErr = checkZones(p.Ctx, r, p.Profile, p.Window, a.glyphBoxes())
		}
	}
	return s.zones, s.zonesErr
}

// checkZones checks the zones of every page of r. keep are the boxes of
// the recipient address's glyphs on page 1, whose ink the reserved block
// leaves to the address rules.
func checkZones(ctx context.Context, r *pdfdoc.Raster, prof *rules.Profile, win rules.Window, keep []rules.Rect) ([]Finding, error) {
	var out []Finding
	for n := 1; n <= r.PageCount(); n++ {
		fs, err := checkPageZones(ctx, r, prof, win, n, keep)
		var ke *pdfdoc.KilledError
		if err != nil && ctx.Err() == nil && (errors.As(err, &ke) || errors.Is(err, context.DeadlineExceeded)) {
			// The page is given up, not the file: say so and go on.
			out = append(out, Finding{Rule: rules.ZoneBorder, Severity: Error, Page: n,
				Message: fmt.Sprintf("page %d could not be checked for blank zones: PDFium took longer than %v on it and was stopped", n, zonePageTimeout),
				Fix:     "export the PDF again, simplifying this page (very large images or many thousands of shapes)"})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// checkPageZones checks the zones of page n under the page time limit.
func checkPageZones(ctx context.Context, r *pdfdoc.Raster, prof *rules.Profile, win rules.Window, n int, keep []rules.Rect) ([]Finding, error) {
	ctx, cancel := context.WithTimeout(ctx, zonePageTimeout)
	defer cancel()
	g, err := r.Geometry(ctx, n)
	if err != nil {
		return nil, err
	}
	zones := pageZones(prof, win, n, g, keep)
	if len(zones) == 0 {
		return nil, nil
	}
	inks, err := scanZones(ctx, r, n, g, zones, true)
	if err != nil {
		return nil, err
	}
	var fs []Finding
	var objs []placedObject
	for _, ink := range inks {
		if ink.count == 0 {
			continue
		}
		if objs == nil {
			list, err := r.Objects(ctx, n)
			if err != nil {
				return nil, err
			}
			objs = placeObjects(list, g)
		}
		fs = append(fs, explainZone(ink, objs, zones, n)...)
	}
	return fs, nil
}

// zone is one blank zone as it applies to one page, in millimetres of the
// page as displayed.
type zone struct {
	rule, id string
	parts    []rules.Rect // the zone: disjoint rectangles
	// allowed is the printable area next to the zone (the page outside
	// it), and for the reserved block the recipient's glyph boxes, each
	// rectangle widened by edgeTolerance: a pixel that meets it does not
	// count.
	allowed []rules.Rect
	page    rules.Rect
	// edges is set for a zone of bands along the page edges: a finding says
	// how far ink reaches in from the band's inner edge.
	edges *rules.Edges
	// block is the rectangle a finding's object must leave (rect zones):
	// the zone's own rectangle, or for the reserved block the whole block
	// with the address area.
	block rules.Rect
	// what names the zone in messages: "the 15 x 15 mm corner at the bottom left".
	what string
	win  *rules.Window // the reserved zone's window
}

// pageZones returns the zones that apply to page n with geometry g: the
// profile's zones for the page, then on page 1 the reserved block. In the
// reserved block, the ink of the glyph boxes in keep (the recipient
// address) does not count: address.outside reports it.
func pageZones(prof *rules.Profile, win rules.Window, n int, g pdfdoc.Geometry, keep []rules.Rect) []*zone {
	w, h := g.SizeMM()
	page := rules.Rect{W: w, H: h}
	var out []*zone
	for _, pz := range prof.Zones {
		if !pz.Pages.Has(n) {
			continue
		}
		z := &zone{rule: pz.RuleID(), id: pz.ID, parts: clipRects(pz.Rects(w, h), page), page: page}
		if pz.Edges != nil {
			z.edges = pz.Edges
			z.what = bandsName(*pz.Edges)
		} else {
			z.block = pz.Rect.Intersect(page)
			z.what = rectZoneName(pz, z.block, page)
		}
		out = append(out, z)
	}
	if n == 1 && !win.Reserved.Empty() {
		w := win
		out = append(out, &zone{rule: rules.ZoneReserved, id: "reserved", page: page, win: &w,
			parts: clipRects(win.Reserved.Subtract(win.Address), page),
			block: win.Reserved.Intersect(page),
			what:  "the reserved block around the address window"})
	}
	var kept []*zone
	for _, z := range out {
		if len(z.parts) == 0 {
			continue
		}
		free := complement(page, z.parts)
		if z.rule == rules.ZoneReserved {
			free = append(free, keep...)
		}
		z.allowed = widen(free, edgeTolerance)
		kept = append(kept, z)
	}
	return kept
}

func clipRects(rs []rules.Rect, page rules.Rect) []rules.Rect {
	var out []rules.Rect
	for _, r := range rs {
		if c := r.Intersect(page); !c.Empty() {
			out = append(out, c)
		}
	}
	return out
}

// complement returns the parts of page outside all of rs.
func complement(page rules.Rect, rs []rules.Rect) []rules.Rect {
	out := []rules.Rect{page}
	for _, r := range rs {
		var next []rules.Rect
		for _, o := range out {
			next = append(next, o.Subtract(r)...)
		}
		out = next
	}
	return out
}

func widen(rs []rules.Rect, d float64) []rules.Rect {
	out := make([]rules.Rect, len(rs))
	for i, r := range rs {
		out[i] = rules.Rect{X: r.X - d, Y: r.Y - d, W: r.W + 2*d, H: r.H + 2*d}
	}
	return out
}

// counts reports whether ink in pixel rectangle px inside the zone counts:
// it must not meet the printable area widened by the tolerance.
func (z *zone) counts(px rules.Rect) bool {
	for _, a := range z.allowed {
		if px.Overlaps(a) {
			return false
		}
	}
	return true
}

// inkArea is one rendered piece of a zone part.
type inkArea struct {
	part int // index into zone.parts
	img  *pdfdoc.GrayArea
	// ink[i] is true for pixel i (y*w+x) when it is ink that counts.
	ink []bool
}

// zoneInk is the ink found in one zone of a page.
type zoneInk struct {
	zone  *zone
	areas []*inkArea
	count int // ink pixels
}

// scanZones renders what it must of every zone of page n and collects
// the ink. With filter, only the parts of zone rectangles that some
// object's bounds meet are rendered; without, every zone rectangle is
// (the tests compare the two).
func scanZones(ctx context.Context, r *pdfdoc.Raster, n int, g pdfdoc.Geometry, zones []*zone, filter bool) ([]*zoneInk, error) {
	var marks []rules.Rect
	if filter {
		boxes, err := r.Footprint(ctx, n)
		if err != nil {
			return nil, err
		}
		marks = make([]rules.Rect, 0, len(boxes))
		for _, b := range boxes {
			m := g.BoxToMM(b)
			marks = append(marks, rules.Rect{X: m.X - filterMargin, Y: m.Y - filterMargin, W: m.W + 2*filterMargin, H: m.H + 2*filterMargin})
		}
	}
	out := make([]*zoneInk, len(zones))
	for zi, z := range zones {
		zk := &zoneInk{zone: z}
		out[zi] = zk
		for pi, part := range z.parts {
			area := part
			if filter {
				// Render only where some object can paint: the box around
				// the marks that meet this part.
				var hit rules.Rect
				for _, m := range marks {
					if c := m.Intersect(part); !c.Empty() {
						hit = hit.Union(c)
					}
				}
				if hit.Empty() {
					continue
				}
				area = hit
			}
			img, err := r.RenderGray(ctx, n, area, zoneDPI)
			if err != nil {
				return nil, err
			}
			a := &inkArea{part: pi, img: img}
			zk.count += a.find(z, part)
			zk.areas = append(zk.areas, a)
		}
	}
	return out, nil
}

// find marks the pixels of a that are ink and count in zone z: darker
// than inkLevel, centred in part, and clear of the printable area.
func (a *inkArea) find(z *zone, part rules.Rect) int {
	im := a.img.Image
	w, h := im.Rect.Dx(), im.Rect.Dy()
	n := 0
	for y := 0; y < h; y++ {
		row := im.Pix[y*im.Stride : y*im.Stride+w]
		for x, v := range row {
			if v >= inkLevel {
				continue
			}
			px := a.img.PixelRect(x, y)
			cx, cy := px.X+px.W/2, px.Y+px.H/2
			if cx < part.X || cx >= part.X1() || cy < part.Y || cy >= part.Y1() || !z.counts(px) {
				continue
			}
			if a.ink == nil {
				a.ink = make([]bool, w*h)
			}
			a.ink[y*w+x] = true
			n++
		}
	}
	return n
}

// mmCeil rounds a distance up to the 0.1 mm the reports show, so that
// following the advice always clears the zone.
func mmCeil(d float64) float64 { return math.Ceil(d*10-1e-6) / 10 }
