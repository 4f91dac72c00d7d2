package preflight

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// maxZoneFindings bounds the findings of one zone on one page; further
// objects are summed up in one more finding.
const maxZoneFindings = 8

// placedObject is a page object with its visible box in millimetres.
type placedObject struct {
	obj pdfdoc.Object
	box rules.Rect
}

func placeObjects(list []pdfdoc.Object, g pdfdoc.Geometry) []placedObject {
	out := make([]placedObject, len(list))
	for i, o := range list {
		out[i] = placedObject{obj: o, box: g.BoxToMM(o.Box)}
	}
	return out
}

// inkGroup is the ink of one zone explained by one object (or by a line or
// block of text objects, merged), or the ink nothing explains (objs empty).
type inkGroup struct {
	objs  []int              // indexes into the placed objects
	ink   rules.Rect         // the ink in the zone
	parts map[int]rules.Rect // the ink per zone part
	box   rules.Rect         // the objects' visible box (whole, not only in the zone)
	text  string             // merged text
	first int                // order of appearance

	lastX, lastY1 float64 // left edge and bottom of a text block's last line
}

// explainZone turns the ink of one zone into findings: it gives each ink
// pixel to the topmost object that can have painted it, groups the pixels
// by object, and describes each group. unlisted says the page's objects
// were not listed (too many), so none can be named.
func explainZone(zk *zoneInk, objs []placedObject, zones []*zone, page int, unlisted bool) []Finding {
	groups := attribute(zk, objs)
	groups = mergeTextLines(groups, objs)
	groups = mergeTextBlocks(groups, objs)
	sort.SliceStable(groups, func(i, j int) bool {
		gi, gj := groups[i], groups[j]
		if (len(gi.objs) == 0) != (len(gj.objs) == 0) {
			return len(gj.objs) == 0 // unexplained ink last
		}
		if yi, yj := round1(gi.ink.Y), round1(gj.ink.Y); yi != yj {
			return yi < yj
		}
		return gi.ink.X < gj.ink.X
	})
	z := zk.zone
	var out []Finding
	for i, g := range groups {
		if i == maxZoneFindings && len(groups) > maxZoneFindings+1 {
			rest := groups[i:]
			var box rules.Rect
			for _, r := range rest {
				box = box.Union(r.ink)
			}
			out = append(out, Finding{Rule: z.rule, Severity: Error, Page: page, Zone: z.id, Box: BoxOf(box),
				Message: fmt.Sprintf("%d more objects print in %s", len(rest), z.what),
				Fix:     "move them out of the zone as well"})
			break
		}
		out = append(out, describe(g, objs, z, zones, page, unlisted))
	}
	return out
}

// attribute gives every ink pixel of zk to an object and groups them.
// Objects are tried topmost first (the last painted wins), objects that
// can paint ink before those that cannot be seen (invisible text, white
// shapes: never), content on layers after the rest, and forms only for
// what their own objects do not explain.
func attribute(zk *zoneInk, objs []placedObject) []*inkGroup {
	var order []int
	for pass := 0; pass < 3; pass++ {
		for i := len(objs) - 1; i >= 0; i-- {
			o := objs[i].obj
			if o.Invisible() {
				continue
			}
			p := 0
			switch {
			case o.Kind == pdfdoc.KindForm:
				p = 2
			case o.Optional:
				p = 1
			}
			if p == pass {
				order = append(order, i)
			}
		}
	}
	groups := map[int]*inkGroup{}
	var list []*inkGroup
	group := func(owner int) *inkGroup {
		g, ok := groups[owner]
		if !ok {
			g = &inkGroup{parts: map[int]rules.Rect{}, first: len(list)}
			if owner >= 0 {
				g.objs = []int{owner}
				g.box = objs[owner].box
				g.text = objs[owner].obj.Text
			}
			groups[owner] = g
			list = append(list, g)
		}
		return g
	}
	for _, a := range zk.areas {
		if a.ink == nil {
			continue
		}
		im := a.img.Image
		w := im.Rect.Dx()
		owner := make([]int32, len(a.ink))
		for i := range owner {
			owner[i] = -1
		}
		// One pixel of slack for anti-aliasing around each object's box.
		slack := 1/a.img.PerMMX + 0.01
		for _, oi := range order {
			b := objs[oi].box
			b = rules.Rect{X: b.X - slack, Y: b.Y - slack, W: b.W + 2*slack, H: b.H + 2*slack}
			x0, y0, x1, y1 := a.img.PixelSpan(b)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					if i := y*w + x; a.ink[i] && owner[i] < 0 {
						owner[i] = int32(oi)
					}
				}
			}
		}
		part := zk.zone.parts[a.part]
		for i, on := range a.ink {
			if !on {
				continue
			}
			g := group(int(owner[i]))
			px := a.img.PixelRect(i%w, i/w).Intersect(part)
			g.ink = g.ink.Union(px)
			g.parts[a.part] = g.parts[a.part].Union(px)
		}
	}
	return list
}

// mergeTextLines joins the groups of text objects that form one line
// (same font and size, side by side), as producers split lines into many
// objects.
func mergeTextLines(groups []*inkGroup, objs []placedObject) []*inkGroup {
	isText := func(g *inkGroup) bool {
		return len(g.objs) > 0 && objs[g.objs[0]].obj.Kind == pdfdoc.KindText
	}
	var texts, rest []*inkGroup
	for _, g := range groups {
		if isText(g) {
			texts = append(texts, g)
		} else {
			rest = append(rest, g)
		}
	}
	sort.SliceStable(texts, func(i, j int) bool { return texts[i].box.X < texts[j].box.X })
	var lines []*inkGroup
	for _, t := range texts {
		o := objs[t.objs[0]].obj
		merged := false
		for _, l := range lines {
			lo := objs[l.objs[len(l.objs)-1]].obj
			if lo.Font != o.Font || math.Abs(lo.SizePt-o.SizePt) > 0.25 {
				continue
			}
			em := o.SizePt / rules.PointsPerMM
			gap := t.box.X - l.box.X1()
			overlap := math.Min(l.box.Y1(), t.box.Y1()) - math.Max(l.box.Y, t.box.Y)
			if gap > 1.5*em || gap < -0.5*em || overlap < 0.5*math.Min(l.box.H, t.box.H) {
				continue
			}
			sep := ""
			if gap > 0.15*em && !strings.HasSuffix(l.text, " ") && !strings.HasPrefix(t.text, " ") {
				sep = " "
			}
			l.text += sep + t.text
			l.objs = append(l.objs, t.objs...)
			l.box = l.box.Union(t.box)
			l.ink = l.ink.Union(t.ink)
			for k, v := range t.parts {
				l.parts[k] = l.parts[k].Union(v)
			}
			l.first = min(l.first, t.first)
			merged = true
			break
		}
		if !merged {
			lines = append(lines, t)
		}
	}
	out := append(rest, lines...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].first < out[j].first })
	return out
}

// mergeTextBlocks joins lines of text set one below the other in the same
// font and size with their left edges aligned, such as an address or a
// two-line footer: one finding for the block, its lines joined by " / ".
func mergeTextBlocks(groups []*inkGroup, objs []placedObject) []*inkGroup {
	var out []*inkGroup
	var blocks []*inkGroup
	for _, g := range groups {
		if len(g.objs) == 0 || objs[g.objs[0]].obj.Kind != pdfdoc.KindText {
			out = append(out, g)
			continue
		}
		blocks = append(blocks, g)
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].box.Y < blocks[j].box.Y })
	var merged []*inkGroup
	for _, t := range blocks {
		o := objs[t.objs[0]].obj
		joined := false
		for _, b := range merged {
			bo := objs[b.objs[len(b.objs)-1]].obj
			em := o.SizePt / rules.PointsPerMM
			if bo.Font != o.Font || math.Abs(bo.SizePt-o.SizePt) > 0.25 || math.Abs(b.lastX-t.box.X) > 1 {
				continue
			}
			if gap := t.box.Y - b.lastY1; gap < -0.2*em || gap > em {
				continue
			}
			b.text += " / " + t.text
			b.objs = append(b.objs, t.objs...)
			b.box = b.box.Union(t.box)
			b.ink = b.ink.Union(t.ink)
			for k, v := range t.parts {
				b.parts[k] = b.parts[k].Union(v)
			}
			b.first = min(b.first, t.first)
			b.lastX, b.lastY1 = t.box.X, t.box.Y1()
			joined = true
			break
		}
		if !joined {
			t.lastX, t.lastY1 = t.box.X, t.box.Y1()
			merged = append(merged, t)
		}
	}
	out = append(out, merged...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].first < out[j].first })
	return out
}

// describe writes the finding for one group: what it is, where its ink
// is, and the shortest move that clears the zone.
func describe(g *inkGroup, objs []placedObject, z *zone, zones []*zone, page int, unlisted bool) Finding {
	f := Finding{Rule: z.rule, Severity: Error, Page: page, Zone: z.id, Box: BoxOf(g.ink)}
	var kind pdfdoc.ObjectKind
	what := "ink that no page object explains"
	if unlisted {
		what = "ink"
	}
	if len(g.objs) > 0 {
		o := objs[g.objs[0]].obj
		kind = o.Kind
		ref := &ObjectRef{Kind: string(o.Kind)}
		if o.Kind == pdfdoc.KindText {
			ref.Text = strings.TrimSpace(g.text)
			ref.Font = o.Font
			ref.SizePt = round1(o.SizePt)
		}
		f.Object = ref
		what = objectName(o, g.box)
	}

	if z.edges != nil {
		f.Message, f.Fix = describeBands(g, z, zones, what, kind)
	} else {
		f.Message, f.Fix = describeRect(g, z, zones, what, kind)
	}
	switch {
	case unlisted:
		f.Fix = "move what prints there out of the zone (the page has too many objects for lettergate to name it)"
	case len(g.objs) == 0:
		f.Fix = "find what prints there and remove it: no object of the page covers this ink (it may be an annotation's appearance, or a glyph drawn outside its font's box)"
	}
	return f
}

// objectName names an object's kind for a message ("text", "an image",
// "a line", "a Square annotation"); the report carries its text, font and
// box separately.
func objectName(o pdfdoc.Object, box rules.Rect) string {
	switch o.Kind {
	case pdfdoc.KindText:
		return "text"
	case pdfdoc.KindImage:
		return "an image"
	case pdfdoc.KindPath:
		switch {
		case box.W < 1 && box.H < 1:
			return "a dot"
		case box.W < 1 || box.H < 1:
			return "a line"
		}
		return "a shape"
	case pdfdoc.KindShading:
		return "a colour gradient (shading)"
	case pdfdoc.KindForm:
		return "a form XObject"
	case pdfdoc.KindAnnotation:
		if o.Subtype != "" {
			return "a " + o.Subtype + " annotation"
		}
		return "an annotation"
	}
	return "an object"
}

// band is a side of a zone of bands along the page edges.
type band struct {
	side  string  // "top", "bottom", "left", "right"
	width float64 // mm
	move  string  // the direction that leaves it: "down", "up", "right", "left"
}

// bandOf tells which side of the page part (a band of z) lies on.
func bandOf(part rules.Rect, z *zone) band {
	const eps = 0.01
	e := *z.edges
	full := part.W >= z.page.W-eps
	switch {
	case full && part.Y <= eps:
		return band{"top", e.Top, "down"}
	case full && part.Y1() >= z.page.H-eps:
		return band{"bottom", e.Bottom, "up"}
	case part.X <= eps:
		return band{"left", e.Left, "right"}
	}
	return band{"right", e.Right, "left"}
}

// describeBands: "<what> reaches 2.7 mm into the 5 mm bottom border" and
// "move it up by at least 2.7 mm".
func describeBands(g *inkGroup, z *zone, zones []*zone, what string, kind pdfdoc.ObjectKind) (msg, fix string) {
	type reach struct {
		b     band
		depth float64
	}
	var reaches []reach
	for _, ink := range sortedParts(g.parts) {
		b := bandOf(z.parts[ink.part], z)
		var d float64
		switch b.side {
		case "top":
			d = b.width - ink.r.Y
		case "bottom":
			d = ink.r.Y1() - (z.page.H - b.width)
		case "left":
			d = b.width - ink.r.X
		default:
			d = ink.r.X1() - (z.page.W - b.width)
		}
		reaches = append(reaches, reach{b, mmCeil(d)})
	}
	name := "border"
	if z.id != "border" {
		name = fmt.Sprintf("band of zone %q", z.id)
	}
	var parts, moves []string
	var dx, dy float64
	for i, r := range reaches {
		if i == 0 {
			parts = append(parts, fmt.Sprintf("%.1f mm into the %g mm %s %s", r.depth, r.b.width, r.b.side, name))
		} else {
			parts = append(parts, fmt.Sprintf("%.1f mm into the %s %s", r.depth, r.b.side, name))
		}
		moves = append(moves, fmt.Sprintf("%s by at least %.1f mm", r.b.move, r.depth))
		switch r.b.move {
		case "down":
			dy += r.depth
		case "up":
			dy -= r.depth
		case "right":
			dx += r.depth
		case "left":
			dx -= r.depth
		}
	}
	msg = fmt.Sprintf("%s reaches %s", what, joinAnd(parts))
	if len(g.objs) == 0 {
		return msg, ""
	}
	opposite := false
	for _, a := range reaches {
		for _, b := range reaches {
			opposite = opposite || a.b.move == "up" && b.b.move == "down" || a.b.move == "left" && b.b.move == "right"
		}
	}
	if opposite || !fits(g, dx, dy, z, zones) {
		return msg, "shrink or crop it: " + keepClear(z)
	}
	fix = "move it " + joinAnd(moves)
	if kind == pdfdoc.KindImage || kind == pdfdoc.KindForm || kind == pdfdoc.KindShading {
		fix = "shrink it or " + fix
	}
	return msg, fix
}

type partInk struct {
	part int
	r    rules.Rect
}

func sortedParts(m map[int]rules.Rect) []partInk {
	out := make([]partInk, 0, len(m))
	for k, v := range m {
		out = append(out, partInk{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].part < out[j].part })
	return out
}

// keepClear says how far from the edges content must stay.
func keepClear(z *zone) string {
	e := *z.edges
	if e.Top == e.Right && e.Top == e.Bottom && e.Top == e.Left {
		return fmt.Sprintf("everything must stay at least %g mm from every page edge", e.Top)
	}
	return fmt.Sprintf("everything must stay at least %g mm from the top, %g mm from the right, %g mm from the bottom and %g mm from the left edge", e.Top, e.Right, e.Bottom, e.Left)
}

// describeRect: "<what> prints in the 15 x 15 mm corner zone at the bottom
// left, at x ..." and the shortest single move out of the zone's block.
func describeRect(g *inkGroup, z *zone, zones []*zone, what string, kind pdfdoc.ObjectKind) (msg, fix string) {
	if z.win != nil && len(g.objs) > 0 && g.box.Overlaps(z.win.Address) {
		msg = fmt.Sprintf("%s reaches out of the address area into the reserved block around it, which must stay white", what)
		return msg, intoAddressArea(g, z.win.Address)
	}
	zoneName := z.what
	if z.win != nil {
		zoneName = reservedPartName(g, z)
	}
	msg = fmt.Sprintf("%s prints in %s", what, zoneName)
	if z.win != nil {
		msg += ", which must stay blank: only the recipient address may print there, inside the address area"
	}
	if len(g.objs) == 0 {
		return msg, ""
	}
	b := z.block
	type move struct {
		dir    string
		d      float64
		dx, dy float64
	}
	cands := []move{
		{dir: "up", d: g.ink.Y1() - b.Y},
		{dir: "down", d: b.Y1() - g.ink.Y},
		{dir: "left", d: g.ink.X1() - b.X},
		{dir: "right", d: b.X1() - g.ink.X},
	}
	best := -1
	for i := range cands {
		c := &cands[i]
		c.d = mmCeil(c.d)
		switch c.dir {
		case "up":
			c.dy = -c.d
		case "down":
			c.dy = c.d
		case "left":
			c.dx = -c.d
		case "right":
			c.dx = c.d
		}
		if !fits(g, c.dx, c.dy, z, zones) {
			continue
		}
		if best < 0 || c.d < cands[best].d {
			best = i
		}
	}
	if best < 0 {
		return msg, "shrink or move it so that nothing of it prints in " + zoneName
	}
	fix = fmt.Sprintf("move it %s by at least %.1f mm", cands[best].dir, cands[best].d)
	if kind == pdfdoc.KindImage || kind == pdfdoc.KindForm || kind == pdfdoc.KindShading {
		fix = "shrink it or " + fix
	}
	return msg, fix
}

// intoAddressArea advises text that strays from the address area into the
// reserved block around it (usually the address itself) to move back in.
func intoAddressArea(g *inkGroup, addr rules.Rect) string {
	var moves []string
	var dx, dy float64
	if d := addr.X - g.ink.X; g.ink.X < addr.X {
		dx = mmCeil(d)
		moves = append(moves, fmt.Sprintf("right by at least %.1f mm", dx))
	}
	if d := g.ink.X1() - addr.X1(); d > 0 {
		dx = -mmCeil(d)
		moves = append(moves, fmt.Sprintf("left by at least %.1f mm", -dx))
	}
	if d := addr.Y - g.ink.Y; d > 0 {
		dy = mmCeil(d)
		moves = append(moves, fmt.Sprintf("down by at least %.1f mm", dy))
	}
	if d := g.ink.Y1() - addr.Y1(); d > 0 {
		dy = -mmCeil(d)
		moves = append(moves, fmt.Sprintf("up by at least %.1f mm", -dy))
	}
	moved := rules.Rect{X: g.box.X + dx, Y: g.box.Y + dy, W: g.box.W, H: g.box.H}
	area := fmt.Sprintf("the address area (x %s, y %s mm)", span(addr.X, addr.X1()), span(addr.Y, addr.Y1()))
	if len(moves) == 0 || !addr.Contains(moved) && moved.W <= addr.W && moved.H <= addr.H {
		return "keep it inside " + area
	}
	if !addr.Contains(moved) {
		return "make it smaller so that it fits inside " + area
	}
	return "move it " + joinAnd(moves) + ", into " + area
}

// reservedPartName names the part of the reserved block the ink is in.
func reservedPartName(g *inkGroup, z *zone) string {
	addr := z.win.Address
	if g.ink.Y1() <= addr.Y+1e-6 {
		return "the postage area above the address area"
	}
	return "the reserved block around the address area"
}

// fits reports whether the group's objects, moved by (dx, dy) mm, stay on
// the page and out of the parts of other zones they do not already meet.
func fits(g *inkGroup, dx, dy float64, z *zone, zones []*zone) bool {
	const eps = 0.05
	m := rules.Rect{X: g.box.X + dx, Y: g.box.Y + dy, W: g.box.W, H: g.box.H}
	if m.X < -eps || m.Y < -eps || m.X1() > z.page.W+eps || m.Y1() > z.page.H+eps {
		return false
	}
	for _, o := range zones {
		if o == z {
			continue // the ink leaves z by construction of the move
		}
		for _, p := range o.parts {
			core := rules.Rect{X: p.X + edgeTolerance, Y: p.Y + edgeTolerance, W: p.W - 2*edgeTolerance, H: p.H - 2*edgeTolerance}
			if core.Empty() || !m.Overlaps(core) {
				continue
			}
			if !g.box.Overlaps(core) {
				return false
			}
		}
	}
	return true
}

func span(a, b float64) string {
	return fmt.Sprintf("%.1f–%.1f", round1(a), round1(b))
}

// bandsName names a zone of bands: "the 5 mm border".
func bandsName(e rules.Edges) string {
	if e.Top == e.Right && e.Top == e.Bottom && e.Top == e.Left {
		return fmt.Sprintf("the %g mm border", e.Top)
	}
	return "the border"
}

// rectZoneName names a rectangular zone: "the 15 x 15 mm corner zone at the
// bottom left" or `the blank zone "logo" (x 150.0, y 10.0, 50.0 x 20.0 mm)`.
func rectZoneName(pz rules.Zone, r, page rules.Rect) string {
	if pz.RuleID() == rules.ZoneCorner {
		const eps = 0.01
		v, h := "", ""
		switch {
		case r.Y <= eps:
			v = "top"
		case r.Y1() >= page.H-eps:
			v = "bottom"
		}
		switch {
		case r.X <= eps:
			h = "left"
		case r.X1() >= page.W-eps:
			h = "right"
		}
		if v != "" && h != "" {
			return fmt.Sprintf("the %g x %g mm corner zone at the %s %s", r.W, r.H, v, h)
		}
		return fmt.Sprintf("the corner zone %q (%s)", pz.ID, r)
	}
	return fmt.Sprintf("the blank zone %q (%s)", pz.ID, r)
}
