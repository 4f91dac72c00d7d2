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

// zonePageStarted, when set, is called before the zones of page n are
// checked, for several pages at once on a long file: a seam for tests.
var zonePageStarted func(n int)

// zoneRunPages is how many pages in a row one PDFium instance checks
// before it takes the next run: a file of more than two runs is checked
// on as many cores as the pool has free (see Raster.EachPage). A
// variable for tests.
var zoneRunPages = 20

// zoneRasters, when set, is told how many Rasters checked the pages of a
// file: a seam for tests.
var zoneRasters func(n int)

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
out of the area into the block: it is reported once, as address.outside. In a
file split into letters (--split), page 1 is the first page of each letter.`,
	}
	ZoneBlank = &Rule{
		ID: rules.ZoneBlank, Severity: Error, Pixels: true, Run: reportZones(rules.ZoneBlank),
		Doc: `Ink in a blank zone that a custom profile declares.

A profile may list further zones (rule zone.blank, the default) on all pages,
the first, or the rest; they are checked like the border.`,
	}
)

// reportZones returns a rule's Run: it reports the zone findings of its
// rule ID, working them out for all zone rules on first use. When the
// pass over the pages stopped early (the file's time limit), the findings
// of the pages checked are reported with its error.
func reportZones(id string) func(*Pass) error {
	return func(p *Pass) error {
		fs, err := p.zoneFindings()
		for _, f := range fs {
			// The first zone rule also reports the pages that break a
			// limit (pdf.unreadable).
			if f.Rule == id || id == rules.ZoneBorder && f.Rule == Unreadable.ID {
				p.Report(f)
			}
		}
		return err
	}
}

// zoneFindings checks every zone of every page once per check, letter by
// letter. The recipient address of each letter is read first: its ink
// beyond the address area is reported by address.outside, so the reserved
// block leaves it out. For a split by address, the same pass over the
// pages finds the letters (see Letters), so that each page is loaded once.
func (p *Pass) zoneFindings() ([]Finding, error) {
	s := &p.check.pixels
	if s.zonesDone {
		return s.zones, s.zonesErr
	}
	s.zonesDone = true
	byAddress := p.check.split.Address
	r, err := p.Raster()
	lf := letterFinder{address: p.letterAddress, keep: p.keepAddress}
	switch {
	case err != nil:
	case byAddress:
		lf.starts = func(r *pdfdoc.Raster, n int) (bool, *addressState, error) {
			a, ok, err := p.startsLetter(r, n)
			if err != nil && p.Ctx.Err() == nil {
				// A page that cannot be read does not start a letter;
				// its zone check reports it.
				return false, nil, nil
			}
			if !ok {
				a = nil
			}
			return ok, a, err
		}
	default:
		var letters []LetterPages
		if letters, err = p.Letters(); err == nil {
			lf.starts = startsOf(letters)
		}
	}
	if err == nil {
		var letters []LetterPages
		s.zones, letters, p.check.pagesDone, err = checkZones(p.Ctx, r, p.Profile, p.Window, lf)
		if byAddress {
			p.check.letters = letterState{done: true, list: letters, err: err}
		}
	} else if byAddress {
		p.check.letters = letterState{done: true, err: err}
	}
	s.zonesErr = err
	return s.zones, s.zonesErr
}

// startsOf returns whether a page is the first of one of letters.
func startsOf(letters []LetterPages) func(r *pdfdoc.Raster, n int) (bool, *addressState, error) {
	first := map[int]bool{}
	for _, l := range letters {
		first[l.First] = true
	}
	return func(_ *pdfdoc.Raster, n int) (bool, *addressState, error) { return first[n], nil, nil }
}

// letterFinder says how checkZones finds the letters of a file and their
// recipient addresses. starts and address may be called for several pages
// at once, each with the Raster to use, and must change nothing shared;
// keep is called once they are done, letter by letter.
type letterFinder struct {
	// starts reports whether page n > 1 begins a letter, with the address
	// read from it when it does; nil: only page 1 does.
	starts func(r *pdfdoc.Raster, n int) (bool, *addressState, error)
	// address reads the address of the letter that begins on page n when
	// starts did not; nil: none is read.
	address func(r *pdfdoc.Raster, n int) *addressState
	// keep records the address read for a letter; nil: none is kept.
	keep func(letter int, a *addressState)
}

// pageCheck is what checking the zones of one page found.
type pageCheck struct {
	checked bool
	// startErr stopped the decision whether the page begins a letter: the
	// pass ends before the page.
	startErr error
	starts   bool          // the page begins a letter
	addr     *addressState // the address of the letter it begins, when read
	fs       []Finding
	err      error // the pass ends at the page
}

// checkZones checks the zones of every page of r, letter by letter, as
// lf finds the letters. On the first page of each letter the reserved
// block is checked too, leaving out the ink of the glyphs of the
// letter's address that reach out of the address area, and zones for the
// first or the other pages count pages within the letter. It returns the
// findings and the letters of the pages checked, and how many were, also
// when ctx ends before the last (the last letter then ends at the last
// page checked). A long file's pages are checked on several cores and
// the results put together in page order: the outcome is that of a check
// page by page, as far as the pages checked before a time limit go.
func checkZones(ctx context.Context, r *pdfdoc.Raster, prof *rules.Profile, win rules.Window, lf letterFinder) ([]Finding, []LetterPages, int, error) {
	checks := make([]pageCheck, r.PageCount())
	used := r.EachPage(ctx, zoneRunPages, func(r *pdfdoc.Raster, n int) bool {
		c := checkPage(ctx, r, prof, win, lf, n)
		checks[n-1] = c
		return c.startErr != nil || c.err != nil
	})
	if zoneRasters != nil {
		zoneRasters(used)
	}
	var out []Finding
	var letters []LetterPages
	done := 0
	for i, c := range checks {
		n := i + 1
		if !c.checked { // cannot happen: EachPage does every page before a stop
			return out, closeLetters(letters, done), done, fmt.Errorf("page %d was not checked", n)
		}
		if c.startErr != nil {
			return out, closeLetters(letters, done), done, c.startErr
		}
		if c.starts {
			letters = append(letters, LetterPages{Letter: len(letters) + 1, First: n})
		}
		if c.addr != nil && lf.keep != nil {
			lf.keep(len(letters), c.addr)
		}
		if c.err != nil {
			return out, closeLetters(letters, done), done, c.err
		}
		out = append(out, c.fs...)
		done = n
	}
	return out, closeLetters(letters, done), done, nil
}

// checkPage checks the zones of page n on r: whether it begins a letter,
// the address of the letter it begins, and its zones. It changes nothing
// shared, so that pages can be checked at the same time.
func checkPage(ctx context.Context, r *pdfdoc.Raster, prof *rules.Profile, win rules.Window, lf letterFinder, n int) pageCheck {
	c := pageCheck{checked: true, starts: n == 1}
	if n > 1 && lf.starts != nil {
		if c.starts, c.addr, c.startErr = lf.starts(r, n); c.startErr != nil {
			return c
		}
	}
	if zonePageStarted != nil {
		zonePageStarted(n)
	}
	var kept []rules.Rect
	k := 2 // a later page of its letter: zones tell only the first from the rest
	if c.starts {
		k = 1
		if c.addr == nil && lf.address != nil {
			c.addr = lf.address(r, n)
		}
		if c.addr != nil {
			// An address that cannot be read excludes nothing; the
			// address rules report why.
			kept = c.addr.glyphBoxes()
		}
	}
	fs, err := checkPageZones(ctx, r, prof, win, n, k, kept)
	var ke *pdfdoc.KilledError
	if err != nil && ctx.Err() == nil && (errors.As(err, &ke) || errors.Is(err, context.DeadlineExceeded)) {
		// The page is given up, not the file: say so and go on.
		fs = []Finding{{Rule: rules.ZoneBorder, Severity: Error, Page: n,
			Message: fmt.Sprintf("page %d could not be checked for blank zones: PDFium took longer than %v on it and was stopped", n, zonePageTimeout),
			Fix:     "export the PDF again, simplifying this page (very large images or many thousands of shapes)"}}
		err = nil
	}
	c.fs, c.err = fs, err
	return c
}

// closeLetters sets the last page of each letter: the page before the next
// one's first, and for the last letter, last.
func closeLetters(letters []LetterPages, last int) []LetterPages {
	for i := range letters {
		if i+1 < len(letters) {
			letters[i].Last = letters[i+1].First - 1
		} else {
			letters[i].Last = max(last, letters[i].First)
		}
	}
	return letters
}

// footprintMM returns the bounds of what page n can print (see
// Raster.Footprint) in millimetres, each widened by filterMargin.
func footprintMM(ctx context.Context, r *pdfdoc.Raster, n int, g pdfdoc.Geometry) ([]rules.Rect, error) {
	boxes, err := r.Footprint(ctx, n)
	if err != nil {
		return nil, err
	}
	marks := make([]rules.Rect, 0, len(boxes))
	for _, b := range boxes {
		m := g.BoxToMM(b)
		marks = append(marks, rules.Rect{X: m.X - filterMargin, Y: m.Y - filterMargin, W: m.W + 2*filterMargin, H: m.H + 2*filterMargin})
	}
	return marks, nil
}

// checkPageZones checks the zones of page n, page k of its letter, under
// the page time limit. A page with more objects than the limit is judged
// by rendering its zones whole, its ink reported without naming objects,
// and the limit is reported.
func checkPageZones(ctx context.Context, r *pdfdoc.Raster, prof *rules.Profile, win rules.Window, n, k int, keep []rules.Rect) ([]Finding, error) {
	ctx, cancel := context.WithTimeout(ctx, zonePageTimeout)
	defer cancel()
	g, err := r.Geometry(ctx, n)
	if err != nil {
		return nil, err
	}
	zones := pageZones(prof, win, k, g, keep)
	if len(zones) == 0 {
		return nil, nil
	}
	var over *pdfdoc.LimitError
	marks, err := footprintMM(ctx, r, n, g)
	if errors.As(err, &over) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	inks, err := scanMarked(ctx, r, n, zones, marks, over == nil)
	if err != nil {
		return nil, err
	}
	var fs []Finding
	var objs []placedObject
	listed := over != nil
	for _, ink := range inks {
		if ink.count == 0 {
			continue
		}
		if !listed {
			listed = true
			list, err := r.Objects(ctx, n)
			if errors.As(err, &over) {
				list, err = nil, nil
			}
			if err != nil {
				return nil, err
			}
			objs = placeObjects(list, g)
		}
		fs = append(fs, explainZone(ink, objs, zones, n, over != nil)...)
	}
	if over != nil {
		fs = append(fs, limitFinding(over))
	}
	return fs, nil
}

// limitFinding reports a page that breaks a limit when PDFium reads it.
func limitFinding(e *pdfdoc.LimitError) Finding {
	fix := "export it again from the program that made it"
	if flag := LimitFlags[e.Limit]; flag != "" {
		fix = "if the file is genuine, raise the limit with " + flag + "; otherwise " + fix
	}
	return Finding{Rule: Unreadable.ID, Severity: Error, Page: e.Page,
		Message: e.Error() + ": its blank zones were judged by their pixels alone, and what prints in them is not named",
		Fix:     fix}
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

// pageZones returns the zones that apply to page k of a letter, with
// geometry g: the profile's zones for the page, then on the letter's first
// page the reserved block. In the reserved block, the ink of the glyph
// boxes in keep (the recipient address) does not count: address.outside
// reports it.
func pageZones(prof *rules.Profile, win rules.Window, k int, g pdfdoc.Geometry, keep []rules.Rect) []*zone {
	w, h := g.SizeMM()
	page := rules.Rect{W: w, H: h}
	var out []*zone
	for _, pz := range prof.Zones {
		if !pz.Pages.Has(k) {
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
		if len(z.parts) == 0 {
			continue
		}
		z.allowed = widen(complement(page, z.parts), edgeTolerance)
		out = append(out, z)
	}
	if k == 1 {
		if z := reservedZone(win, page, keep); z != nil {
			out = append(out, z)
		}
	}
	return out
}

// reservedZone returns the reserved block of win on a first page as a
// zone, the ink of the boxes in keep not counting; nil when it is empty.
func reservedZone(win rules.Window, page rules.Rect, keep []rules.Rect) *zone {
	if win.Reserved.Empty() {
		return nil
	}
	w := win
	z := &zone{rule: rules.ZoneReserved, id: "reserved", page: page, win: &w,
		parts: clipRects(win.Reserved.Subtract(win.Address), page),
		block: win.Reserved.Intersect(page),
		what:  "the reserved block around the address window"}
	if len(z.parts) == 0 {
		return nil
	}
	z.allowed = widen(append(complement(page, z.parts), keep...), edgeTolerance)
	return z
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
		var err error
		if marks, err = footprintMM(ctx, r, n, g); err != nil {
			return nil, err
		}
	}
	return scanMarked(ctx, r, n, zones, marks, filter)
}

// scanMarked is scanZones with the page's bounds (footprintMM) given.
func scanMarked(ctx context.Context, r *pdfdoc.Raster, n int, zones []*zone, marks []rules.Rect, filter bool) ([]*zoneInk, error) {
	out := make([]*zoneInk, len(zones))
	for zi, z := range zones {
		zk := &zoneInk{zone: z}
		out[zi] = zk
		for pi, part := range z.parts {
			area := part
			if filter {
				var ok bool
				if area, ok = markedArea(part, marks); !ok {
					continue
				}
			}
			img, err := r.RenderGray(ctx, n, area, zoneDPI)
			if err != nil {
				return nil, err
			}
			a := &inkArea{part: pi, img: img}
			zk.count += a.find(z, part, 0)
			zk.areas = append(zk.areas, a)
		}
	}
	return out, nil
}

// markedArea returns where some object can paint in part: the box around
// the marks that meet it; false when none does.
func markedArea(part rules.Rect, marks []rules.Rect) (rules.Rect, bool) {
	var hit rules.Rect
	for _, m := range marks {
		if c := m.Intersect(part); !c.Empty() {
			hit = hit.Union(c)
		}
	}
	return hit, !hit.Empty()
}

// anyInk reports whether zone z of page n has ink that counts, looking
// where scanMarked looks with a filter and stopping at the first pixel:
// deciding whether a page starts a letter needs no more.
func anyInk(ctx context.Context, r *pdfdoc.Raster, n int, z *zone, marks []rules.Rect) (bool, error) {
	for pi, part := range z.parts {
		area, ok := markedArea(part, marks)
		if !ok {
			continue
		}
		img, err := r.RenderGray(ctx, n, area, zoneDPI)
		if err != nil {
			return false, err
		}
		a := &inkArea{part: pi, img: img}
		if a.find(z, part, 1) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// find marks the pixels of a that are ink and count in zone z: darker
// than inkLevel, centred in part, and clear of the printable area. It
// stops once it has found limit of them, unless limit is 0.
func (a *inkArea) find(z *zone, part rules.Rect, limit int) int {
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
			if n == limit {
				return n
			}
		}
	}
	return n
}

// mmCeil rounds a distance up to the 0.1 mm the reports show, so that
// following the advice always clears the zone.
func mmCeil(d float64) float64 { return math.Ceil(d*10-1e-6) / 10 }
