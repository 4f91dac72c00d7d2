package address

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/lettergate/lettergate/rules"
	"golang.org/x/text/unicode/norm"
)

const (
	mmPerPt = 25.4 / 72
	// stripMargin is how far above and below the reserved block glyphs are
	// kept: enough for the lines that share a band with the block's edges.
	stripMargin = 15.0
	// maxGlyphs bounds the glyphs looked at, so that a hostile page cannot
	// make grouping, quadratic at worst, slow. The strip near the window is
	// some 18 lines of 100 characters at most on a letter.
	maxGlyphs = 5000
	// coreSamples is how many glyphs set a band's core; later ones only
	// join it, which keeps adding a glyph cheap.
	coreSamples = 32
	// maxCoord bounds plausible coordinates (mm); beyond is garbage.
	maxCoord = 1e5
)

// bounds accumulates a bounding box, keeping zero-width or zero-height
// boxes (a hyphen, a glyph an engine could not measure) that rules.Rect's
// Union drops.
type bounds struct {
	x0, y0, x1, y1 float64
	ok             bool
}

func (b *bounds) add(r bounds) {
	if !r.ok {
		return
	}
	if !b.ok {
		*b = r
		return
	}
	b.x0, b.y0 = math.Min(b.x0, r.x0), math.Min(b.y0, r.y0)
	b.x1, b.y1 = math.Max(b.x1, r.x1), math.Max(b.y1, r.y1)
}

func (b bounds) rect() rules.Rect {
	if !b.ok {
		return rules.Rect{}
	}
	return rules.Rect{X: b.x0, Y: b.y0, W: b.x1 - b.x0, H: b.y1 - b.y0}
}

// meets reports whether b and r share some area; a box without width or
// height meets r when it lies on or in it.
func (b bounds) meets(r rules.Rect) bool {
	return b.ok && meets1(b.x0, b.x1, r.X, r.X1()) && meets1(b.y0, b.y1, r.Y, r.Y1())
}

func meets1(a0, a1, b0, b1 float64) bool {
	if a1 > a0 {
		return math.Min(a1, b1)-math.Max(a0, b0) > 0
	}
	return a0 >= b0 && a0 <= b1
}

// glyph is a drawn glyph being grouped.
type glyph struct {
	Glyph
	idx      int     // in the input, for space hints and stable order
	bounds           // its box
	em       float64 // font size in mm; 0 when unknown
	marks    []rune  // accents drawn as separate glyphs over this one
	absorbed bool    // an accent put on its letter, or a double: geometry only
}

func (g *glyph) cy() float64 { return (g.y0 + g.y1) / 2 }
func (g *glyph) cx() float64 { return (g.x0 + g.x1) / 2 }

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.Abs(v) > maxCoord {
			return false
		}
	}
	return true
}

// spaces are the word breaks of the input. A drawn space with a box breaks
// the line where it is drawn, whatever order the producer wrote glyphs in.
// Other spaces (generated ones, whose boxes engines leave empty or
// misplace, and drawn ones without width) break the line between the drawn
// glyphs written before and after them.
type spaces struct {
	after map[[2]int]bool // input indexes of drawn glyphs with a space between them
	boxes []bounds
}

// between reports whether there is a space between glyphs a and b, in
// this order on the line.
func (s *spaces) between(a, b *glyph) bool {
	if s.after[[2]int{min(a.idx, b.idx), max(a.idx, b.idx)}] {
		return true
	}
	lo, hi := a.cx(), b.cx()
	for _, sp := range s.boxes {
		c := (sp.x0 + sp.x1) / 2
		if c > lo && c < hi && overlapRatio(sp.y0, sp.y1, math.Min(a.y0, b.y0), math.Max(a.y1, b.y1)) >= 0.5 {
			return true
		}
	}
	return false
}

func box(r rules.Rect) (bounds, bool) {
	if !finite(r.X, r.Y, r.W, r.H) {
		return bounds{}, false
	}
	return bounds{x0: math.Min(r.X, r.X1()), y0: math.Min(r.Y, r.Y1()), x1: math.Max(r.X, r.X1()), y1: math.Max(r.Y, r.Y1()), ok: true}, true
}

// prepare keeps the drawn glyphs whose boxes reach into [y0, y1] and
// returns them with the spaces of the input.
func prepare(in []Glyph, y0, y1 float64) ([]*glyph, *spaces) {
	var ink []*glyph
	sp := &spaces{after: map[[2]int]bool{}}
	last, space := -1, false
	for i, g := range in {
		switch classify(g.Rune) {
		case runeSkip:
			continue
		case runeSpace:
			if b, ok := box(g.Box); ok && !g.Generated && b.x1 > b.x0 {
				if b.y1 >= y0 && b.y0 <= y1 && len(sp.boxes) < maxGlyphs {
					sp.boxes = append(sp.boxes, b)
				}
				continue
			}
			space = true
			continue
		}
		if g.Generated {
			continue // inferred, not drawn
		}
		if space && last >= 0 {
			sp.after[[2]int{last, i}] = true
		}
		last, space = i, false
		b, ok := box(g.Box)
		if !ok || b.y1 < y0 || b.y0 > y1 || len(ink) >= maxGlyphs {
			continue
		}
		em := 0.0
		if g.SizePt > 0 && g.SizePt < 5000 {
			em = g.SizePt * mmPerPt
		}
		ink = append(ink, &glyph{Glyph: g, idx: i, bounds: b, em: em})
	}
	return ink, sp
}

// band is a set of glyphs whose boxes overlap vertically: a line of text
// across the whole width of the page.
type band struct {
	gs         []*glyph
	tops, bots []float64 // sorted
	top, bot   float64   // the core: median top and bottom of its first glyphs
	ems        []float64 // sorted
	em         float64   // median font size of its first glyphs; 0 when unknown
}

func (b *band) add(g *glyph) {
	b.gs = append(b.gs, g)
	// A glyph much taller than the core (a big heading beside a line of
	// text) joins without moving the core onto the next line.
	if len(b.tops) < coreSamples && (len(b.tops) == 0 || g.y1-g.y0 <= 1.6*(b.bot-b.top)) {
		b.tops, b.bots = insertSorted(b.tops, g.y0), insertSorted(b.bots, g.y1)
		b.top, b.bot = medianSorted(b.tops), medianSorted(b.bots)
	}
	if g.em > 0 && len(b.ems) < coreSamples {
		b.ems = insertSorted(b.ems, g.em)
		b.em = medianSorted(b.ems)
	}
}

// insertSorted inserts v into the sorted s: median costs a copy and a
// sort on every glyph a band takes, this a search.
func insertSorted(s []float64, v float64) []float64 {
	i, _ := slices.BinarySearch(s, v)
	return slices.Insert(s, i, v)
}

// overlapRatio is the vertical overlap of a glyph and a band's core as a
// fraction of the lower of the two: 1 for a superscript inside a line of
// capitals, 0 for lines apart. A span without height counts as inside or
// outside.
func overlapRatio(g0, g1, c0, c1 float64) float64 {
	gh, ch := g1-g0, c1-c0
	switch {
	case gh <= 0:
		if g0 >= c0 && g0 <= c1 {
			return 1
		}
		return 0
	case ch <= 0:
		if c0 >= g0 && c0 <= g1 {
			return 1
		}
		return 0
	}
	ov := math.Min(g1, c1) - math.Max(g0, c0)
	if ov <= 0 {
		return 0
	}
	return ov / math.Min(gh, ch)
}

// bestBand returns the band g overlaps most, by at least half of the lower
// of the two; ties go to the nearer core. The glyph must also be of a size
// that can share a line with the band's text: from 0.4 times (a
// superscript) to 2.2 times its font size, or, when sizes are unknown, no
// more than three times as tall as its core (nor less than a third, unless
// it is punctuation). So a large heading beside the window keeps to itself.
func bestBand(bs []*band, g *glyph, punct bool) *band {
	var best *band
	bestR, bestD := 0.0, 0.0
	gh := g.y1 - g.y0
	for _, b := range bs {
		r := overlapRatio(g.y0, g.y1, b.top, b.bot)
		if r < 0.5 {
			continue
		}
		if g.em > 0 && b.em > 0 {
			if q := g.em / b.em; q < 0.4 || q > 2.2 {
				continue
			}
		} else if ch := b.bot - b.top; ch > 0 && (gh > 3*ch || !punct && 3*gh < ch) {
			continue
		}
		d := math.Abs(g.cy() - (b.top+b.bot)/2)
		if best == nil || r > bestR+1e-9 || r > bestR-1e-9 && d < bestD {
			best, bestR, bestD = b, r, d
		}
	}
	return best
}

// bands groups glyphs into lines by vertical overlap. Glyphs are taken
// top to bottom, whatever order the producer wrote them in. Punctuation
// and accents drawn as glyphs of their own come last, so that they neither
// seed a line nor shift its core; a comma, mostly below the baseline, then
// joins the line beside it, and an accent the line whose letter it sits on.
func bands(ink []*glyph) []*band {
	var main, late []*glyph
	maxH := 0.0
	for _, g := range ink {
		if combining(g.Rune) != 0 || unicode.IsPunct(g.Rune) {
			late = append(late, g)
		} else {
			main = append(main, g)
		}
		maxH = math.Max(maxH, g.y1-g.y0)
	}
	byY := func(a, b *glyph) int {
		if c := cmpFloat(a.cy(), b.cy()); c != 0 {
			return c
		}
		if c := cmpFloat(a.cx(), b.cx()); c != 0 {
			return c
		}
		return a.idx - b.idx
	}
	slices.SortFunc(main, byY)
	slices.SortFunc(late, byY)
	var all, open []*band
	for _, g := range main {
		// A band whose core ends above the highest top a glyph from here
		// on can have is closed.
		k := 0
		for _, b := range open {
			if b.bot >= g.cy()-maxH/2-1e-9 {
				open[k] = b
				k++
			}
		}
		open = open[:k]
		b := bestBand(open, g, false)
		if b == nil {
			b = &band{}
			all = append(all, b)
			open = append(open, b)
		}
		b.add(g)
	}
	for _, g := range late {
		b := bestBand(all, g, true)
		if b == nil {
			b = nearBand(all, g)
		}
		if b != nil {
			b.gs = append(b.gs, g)
			continue
		}
		b = &band{}
		b.add(g)
		all = append(all, b)
	}
	for _, b := range all {
		slices.SortFunc(b.gs, func(a, c *glyph) int {
			if d := cmpFloat(a.cx(), c.cx()); d != 0 {
				return d
			}
			return a.idx - c.idx
		})
		dropDoubles(b.gs)
		attachAccents(b.gs)
	}
	slices.SortFunc(all, func(a, b *band) int { return cmpFloat(a.top+a.bot, b.top+b.bot) })
	return all
}

// nearBand returns the band nearest to g, a punctuation mark or an accent
// that overlaps none: for an accent, the band with a letter under it (over
// it for a cedilla or an ogonek) within the band's core height; for
// punctuation, one within half that with a glyph beside it.
func nearBand(bs []*band, g *glyph) *band {
	c := combining(g.Rune)
	below := c == '\u0327' || c == '\u0328'
	var best *band
	bestD := 0.0
	for _, b := range bs {
		ch := b.bot - b.top
		d := math.Max(b.top-g.y1, g.y0-b.bot)
		limit := 0.5 * ch
		if c != 0 {
			limit = ch // over a capital, an accent is well above the x-height
		}
		if d > math.Max(limit, 0.5) {
			continue
		}
		var near func(o *glyph) bool
		switch {
		case c != 0 && (b.top+b.bot)/2 < g.cy() != below:
			continue
		case c != 0:
			near = func(o *glyph) bool { return unicode.IsLetter(o.Rune) && g.cx() >= o.x0 && g.cx() <= o.x1 }
		default:
			near = func(o *glyph) bool { return o.x0-g.x1 <= ch && g.x0-o.x1 <= ch }
		}
		if !slices.ContainsFunc(b.gs, near) {
			continue
		}
		if best == nil || d < bestD {
			best, bestD = b, d
		}
	}
	return best
}

// dropDoubles keeps the text of a glyph drawn twice at almost the same
// place once: producers fake bold that way, or stack a text layer on its
// copy. Characters that follow each other in the input with the very same
// box are one glyph that maps to several characters (PDFium splits an "ff"
// ligature into two f's with the ligature's box): they all count.
func dropDoubles(gs []*glyph) {
	for i, g := range gs {
		tol := 0.08 * math.Max(g.em, g.y1-g.y0)
		for j := i - 1; j >= 0 && j >= i-4; j-- {
			o := gs[j]
			if !o.absorbed && o.Rune == g.Rune && math.Abs(o.x0-g.x0) <= tol && math.Abs(o.y0-g.y0) <= tol && !splitGlyph(o, g) {
				g.absorbed = true
				break
			}
		}
	}
}

// splitGlyph reports whether a and b are characters of one glyph: next to
// each other in the input, with the same box.
func splitGlyph(a, b *glyph) bool {
	return (a.idx+1 == b.idx || b.idx+1 == a.idx) && a.bounds == b.bounds
}

// attachAccents puts each accent glyph on the letter it is drawn over.
func attachAccents(gs []*glyph) {
	for i, g := range gs {
		c := combining(g.Rune)
		if c == 0 || g.absorbed {
			continue
		}
		var base *glyph
		for _, step := range []int{-1, 1} {
			j := i + step
			for j >= 0 && j < len(gs) && gs[j].absorbed {
				j += step
			}
			if j < 0 || j >= len(gs) {
				continue
			}
			o := gs[j]
			if combining(o.Rune) != 0 || !unicode.IsLetter(o.Rune) {
				continue
			}
			tol := 0.1 * (o.x1 - o.x0)
			if g.cx() < o.x0-tol || g.cx() > o.x1+tol {
				continue
			}
			if base == nil || math.Abs(o.cx()-g.cx()) < math.Abs(base.cx()-g.cx()) {
				base = o
			}
		}
		if base != nil {
			base.marks = append(base.marks, c)
			g.absorbed = true
		}
	}
}

// seg is a run of glyphs of one band without a wide gap: a line of text,
// or the part of one on one side of a tab or column gap.
type seg struct {
	gs   []*glyph
	band int
	box  bounds
	base float64 // baseline estimate
	em   float64 // font size in mm
}

// segments cuts each band where the gap between glyphs is wider than 2.5
// times the font size: wider than any word space, even in justified text,
// and narrower than the gap to a date or a mark beside the address.
func segments(bs []*band) []*seg {
	var out []*seg
	for i, b := range bs {
		_, _, bandEm := measure(b.gs)
		emOf := func(g *glyph) float64 {
			if g.em > 0 {
				return g.em
			}
			return bandEm
		}
		var cur *seg
		right := 0.0
		for _, g := range b.gs {
			if cur != nil && g.x0-right > 2.5*math.Max(emOf(g), emOf(cur.gs[len(cur.gs)-1])) {
				cur = nil
			}
			if cur == nil {
				cur = &seg{band: i}
				out = append(out, cur)
				right = g.x1
			}
			cur.gs = append(cur.gs, g)
			right = math.Max(right, g.x1)
		}
	}
	for _, s := range out {
		s.box, s.base, s.em = measure(s.gs)
	}
	return out
}

// joinSplitLines puts back together lines that banding split. Bands span
// the width of the page, so a line of another column set a little higher
// can take the tall glyphs of a line (capitals, ascenders, digits) into
// its band while the short ones start a band of their own: ReportLab's
// letter with reference lines in 8 pt beside the right window read
// "Lidtß 8" and "n ensra e" for "Lindenstraße 8". Segments of different
// bands are one line when their baselines lie within a quarter of the
// smaller font size, their sizes are alike (within a factor of 4/3) and
// their spans overlap or are no further apart than a segment cut.
func joinSplitLines(segs []*seg) []*seg {
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(segs[a].base, segs[b].base) })
	parent := make([]int, len(segs))
	for i := range parent {
		parent[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	joined := false
	for k, i := range order {
		a := segs[i]
		for _, j := range order[k+1:] {
			b := segs[j]
			if b.base-a.base > 0.25*a.em {
				break
			}
			if a.band == b.band || b.base-a.base > 0.25*math.Min(a.em, b.em) {
				continue
			}
			if r := a.em / b.em; r > 4.0/3 || r < 3.0/4 {
				continue
			}
			gap := math.Max(a.box.x0, b.box.x0) - math.Min(a.box.x1, b.box.x1)
			if gap > 2.5*math.Max(a.em, b.em) {
				continue
			}
			if ra, rb := root(i), root(j); ra != rb {
				parent[max(ra, rb)] = min(ra, rb)
				joined = true
			}
		}
	}
	if !joined {
		return segs
	}
	var out []*seg
	grown := map[*seg]bool{}
	for i, s := range segs {
		r := root(i)
		if r == i {
			out = append(out, s)
			continue
		}
		t := segs[r] // r < i: already in out
		t.gs = append(t.gs, s.gs...)
		t.band = min(t.band, s.band)
		grown[t] = true
	}
	for s := range grown {
		slices.SortFunc(s.gs, func(a, c *glyph) int {
			if d := cmpFloat(a.cx(), c.cx()); d != 0 {
				return d
			}
			return a.idx - c.idx
		})
		dropDoubles(s.gs)
		attachAccents(s.gs)
		s.box, s.base, s.em = measure(s.gs)
	}
	return out
}

// measure returns the box of glyphs, their baseline (the median bottom of
// letters and digits without descenders) and their font size in mm (the
// median size, or the height of letters when the engine gave no sizes).
func measure(gs []*glyph) (bounds, float64, float64) {
	var box bounds
	var bases, all, ems, heights []float64
	for _, g := range gs {
		box.add(g.bounds)
		if g.absorbed {
			continue
		}
		all = append(all, g.y1)
		if g.em > 0 {
			ems = append(ems, g.em)
		}
		if unicode.IsLetter(g.Rune) || unicode.IsDigit(g.Rune) {
			heights = append(heights, g.y1-g.y0)
			if !descends(g.Rune) {
				bases = append(bases, g.y1)
			}
		}
	}
	if len(bases) == 0 {
		bases = all
	}
	base := box.y1
	if len(bases) > 0 {
		base = median(bases)
	}
	em := 0.0
	switch {
	case len(ems) > 0:
		em = median(ems)
	case len(heights) > 0:
		em = median(heights) / 0.7 // capitals and digits are about 0.7 em tall
	}
	return box, base, math.Max(em, 0.5)
}

// descends reports whether r reaches below the baseline.
func descends(r rune) bool {
	d := norm.NFD.String(string(r))
	return strings.ContainsAny(d, "gjpqyQµ\u0326\u0327\u0328")
}

// aline is a line of the address being assembled.
type aline struct {
	segs   []*seg
	box    bounds
	base   float64
	em     float64
	inArea bool // picked for its body in the area, not added as a continuation
}

func newLine(segs []*seg) *aline {
	sort.Slice(segs, func(i, j int) bool { return segs[i].box.x0 < segs[j].box.x0 })
	var gs []*glyph
	for _, s := range segs {
		gs = append(gs, s.gs...)
	}
	l := &aline{segs: segs}
	l.box, l.base, l.em = measure(gs)
	return l
}

// pick chooses the lines of the address; see [Find].
func pick(segs []*seg, area, reserved rules.Rect) []*aline {
	used := map[*seg]bool{}
	byBand := map[int][]*seg{}
	var order []int
	for _, s := range segs {
		body := s.box
		body.y0 = math.Max(body.y0, s.base-0.5*s.em)
		body.y1 = math.Max(body.y0, s.base)
		if !body.meets(area) {
			continue
		}
		if byBand[s.band] == nil {
			order = append(order, s.band)
		}
		byBand[s.band] = append(byBand[s.band], s)
		used[s] = true
	}
	if len(order) == 0 {
		return nil
	}
	var lines []*aline
	for _, b := range order {
		l := newLine(byBand[b])
		l.inArea = true
		lines = append(lines, l)
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].base < lines[j].base })

	var pitches, lefts, ems []float64
	for i, l := range lines {
		if i > 0 {
			pitches = append(pitches, l.base-lines[i-1].base)
		}
		lefts = append(lefts, l.box.x0)
		ems = append(ems, l.em)
	}
	em, left := median(ems), median(lefts)
	pitch := 1.2 * em
	if len(pitches) > 0 {
		pitch = math.Max(median(pitches), 0.5*em)
	}
	// next returns the segment that continues the block from line l in
	// direction dir (-1 up, +1 down), or nil.
	next := func(l *aline, dir float64) *seg {
		var best *seg
		for _, s := range segs {
			if used[s] || !s.box.meets(reserved) {
				continue
			}
			d := dir * (s.base - l.base)
			if d < 0.6*pitch || d > 1.6*pitch {
				continue
			}
			if math.Abs(s.box.x0-left) > math.Max(em, 2) {
				continue
			}
			if r := s.em / em; r > 4.0/3 || r < 3.0/4 {
				continue
			}
			if best == nil || dir*(s.base-best.base) < 0 {
				best = s
			}
		}
		return best
	}
	for s := next(lines[0], -1); s != nil; s = next(lines[0], -1) {
		used[s] = true
		lines = append([]*aline{newLine([]*seg{s})}, lines...)
	}
	for s := next(lines[len(lines)-1], 1); s != nil; s = next(lines[len(lines)-1], 1) {
		used[s] = true
		lines = append(lines, newLine([]*seg{s}))
	}
	return lines
}

// build turns an assembled line into a Line: its glyphs in reading order
// and its text, with a space between two glyphs when the input had one
// there, or when the gap between them is a word gap.
//
// A word gap is at least 0.2 em, a little less than the narrowest word
// space; in letter-spaced text (the median gap above 0.1 em, over at least
// five gaps) it is twice the median gap. Digits are measured as if 0.5 em
// wide, as fonts give them equal advances: the tight box of a "1" would
// otherwise leave a word-sized gap inside "8011".
func (l *aline) build(sp *spaces) Line {
	var out Line
	out.Box = l.box.rect()
	out.InArea = l.inArea
	local := &spaces{after: sp.after}
	for _, b := range sp.boxes {
		if b.meets(out.Box) {
			local.boxes = append(local.boxes, b)
		}
	}
	type item struct {
		g        *glyph
		x0, x1   float64
		newSeg   bool
		gapAfter float64
	}
	var seq []item
	var gaps []float64
	for _, s := range l.segs {
		first := true
		right := math.Inf(-1)
		for _, g := range s.gs {
			out.Glyphs = append(out.Glyphs, g.Glyph)
			if g.absorbed {
				continue
			}
			x0, x1 := g.x0, g.x1
			em := g.em
			if em == 0 {
				em = l.em
			}
			if unicode.IsDigit(g.Rune) && x1-x0 < 0.5*em {
				c := (x0 + x1) / 2
				x0, x1 = c-0.25*em, c+0.25*em
			}
			if !first {
				gap := x0 - right
				seq[len(seq)-1].gapAfter = gap
				gaps = append(gaps, gap)
			}
			seq = append(seq, item{g: g, x0: x0, x1: x1, newSeg: first})
			right = math.Max(right, x1)
			first = false
		}
	}
	word := 0.2 * l.em
	if len(gaps) >= 5 {
		if m := median(gaps); m > 0.1*l.em {
			word = math.Max(word, 2*m)
		}
	}
	var b strings.Builder
	for i, it := range seq {
		if i > 0 {
			prev := seq[i-1]
			if it.newSeg || prev.gapAfter >= word || local.between(prev.g, it.g) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(runeText(it.g.Rune))
		for _, m := range it.g.marks {
			b.WriteRune(m)
		}
	}
	out.Text = clean(b.String())
	out.SizePt, out.MinPt, out.MaxPt = sizes(out.Glyphs)
	out.Font = font(out.Glyphs)
	return out
}

// sizes returns the most common glyph size (the larger on a tie), the
// smallest and the largest, ignoring unknown sizes.
func sizes(gs []Glyph) (common, lo, hi float64) {
	count := map[float64]int{}
	for _, g := range gs {
		if !(g.SizePt > 0 && g.SizePt < 5000) {
			continue
		}
		s := math.Round(g.SizePt*10) / 10
		count[s]++
		if lo == 0 || s < lo {
			lo = s
		}
		hi = math.Max(hi, s)
	}
	n := 0
	for s, c := range count {
		if c > n || c == n && s > common {
			common, n = s, c
		}
	}
	return common, lo, hi
}

// font returns the most common font name, the first seen on a tie.
func font(gs []Glyph) string {
	count := map[string]int{}
	best, n := "", 0
	for _, g := range gs {
		count[g.Font]++
	}
	for _, g := range gs {
		if c := count[g.Font]; c > n {
			best, n = g.Font, c
		}
	}
	return best
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return medianSorted(s)
}

// medianSorted is median of values already sorted.
func medianSorted(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
