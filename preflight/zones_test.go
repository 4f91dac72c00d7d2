package preflight

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// zpage is one page of a hand-made test PDF: content, and Form XObjects
// by name (their whole dictionary entries and content).
type zpage struct {
	content string
	forms   map[string][2]string // name -> {dict entries, content}
}

// zonePDF writes a PDF of A4 pages; /F1 is Helvetica.
func zonePDF(pages ...zpage) []byte {
	var b bytes.Buffer
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	add("") // catalog
	add("") // pages
	add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, p := range pages {
		xo := ""
		names := make([]string, 0, len(p.forms))
		for n := range p.forms {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			f := p.forms[n]
			id := add(fmt.Sprintf("<< /Type /XObject /Subtype /Form %s /Resources << /Font << /F1 3 0 R >> >> /Length %d >>\nstream\n%s\nendstream", f[0], len(f[1])+1, f[1]))
			xo += fmt.Sprintf(" /%s %d 0 R", n, id)
		}
		c := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(p.content)+1, p.content))
		pg := add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.2756 841.8898] /Resources << /Font << /F1 3 0 R >> /XObject <<%s >> >> /Contents %d 0 R >>", xo, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	objs[0] = "<< /Type /Catalog /Pages 2 0 R >>"
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

const a4H = 841.8898

func ptOf(mm float64) float64 { return mm * rules.PointsPerMM }

// zrect is a filled rectangle in mm from the top-left of the page.
func zrect(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf("%.4f %.4f %.4f %.4f re f\n", ptOf(x0), a4H-ptOf(y1), ptOf(x1-x0), ptOf(y1-y0))
}

func pingen(t testing.TB) (*rules.Profile, rules.Window) {
	t.Helper()
	p, err := rules.Builtin("pingen")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := p.Window("left")
	return p, w
}

func openZoneRaster(t testing.TB, data []byte) *pdfdoc.Raster {
	t.Helper()
	r, err := pdfdoc.OpenRaster(context.Background(), data, pdfdoc.RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// inkByZone scans page n and returns the ink pixel count per zone id.
func inkByZone(t testing.TB, r *pdfdoc.Raster, n int, filter bool) map[string]int {
	t.Helper()
	prof, win := pingen(t)
	ctx := context.Background()
	g, err := r.Geometry(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	inks, err := scanZones(ctx, r, n, g, pageZones(prof, win, n, g, nil), filter)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, k := range inks {
		if k.count > 0 {
			out[k.zone.id] += k.count
		}
	}
	return out
}

// TestEdgeTolerance sweeps the edge of content across every kind of zone
// edge: content that ends at or outside a zone must never count, content
// that reaches 0.2 mm or more into it must always count. In between is the
// tolerance (edgeTolerance plus up to one pixel), logged.
func TestEdgeTolerance(t *testing.T) {
	type edge struct {
		name, zone string
		bar        func(d float64) string // content reaching d mm into the zone
	}
	edges := []edge{
		{"bottom border", "border", func(d float64) string { return zrect(50, 285, 70, 292+d) }},
		{"right border", "border", func(d float64) string { return zrect(195, 150, 205+d, 170) }},
		{"left border", "border", func(d float64) string { return zrect(5-d, 150, 15, 170) }},
		{"top border", "border", func(d float64) string { return zrect(60, 5-d, 80, 15) }},
		{"corner top", "corner", func(d float64) string { return zrect(6, 275, 12, 282+d) }},
		{"corner right", "corner", func(d float64) string { return zrect(15-d, 284, 25, 290) }},
		{"reserved top", "reserved", func(d float64) string { return zrect(40, 30, 60, 40+d) }},
		{"reserved left", "reserved", func(d float64) string { return zrect(10, 45, 20+d, 55) }},
		{"reserved right", "reserved", func(d float64) string { return zrect(109.5-d, 45, 120, 55) }},
		{"reserved bottom", "reserved", func(d float64) string { return zrect(40, 87.5-d, 60, 95) }},
		// From inside the address area (where ink is allowed) into the
		// reserved block's margin around it.
		{"address left", "reserved", func(d float64) string { return zrect(22-d, 65, 40, 75) }},
		{"address right", "reserved", func(d float64) string { return zrect(90, 65, 107.5+d, 75) }},
		{"address bottom", "reserved", func(d float64) string { return zrect(40, 75, 60, 85.5+d) }},
		{"address top", "reserved", func(d float64) string { return zrect(40, 60-d, 60, 70) }},
	}
	// Offsets into the zone, in mm; odd hundredths vary the pixel phase.
	offsets := []float64{-0.3, -0.2, -0.1, -0.03, 0, 0.03, 0.07, 0.1, 0.13, 0.17, 0.2, 0.23, 0.3}
	var pages []zpage
	for _, e := range edges {
		for _, d := range offsets {
			pages = append(pages, zpage{content: e.bar(d)})
		}
	}
	r := openZoneRaster(t, zonePDF(pages...))
	n := 0
	for _, e := range edges {
		var row []string
		for _, d := range offsets {
			n++
			ink := inkByZone(t, r, n, true)
			// Page 1 has the reserved block; only it is meant here.
			got := ink[e.zone] > 0
			for z, c := range ink {
				if z != e.zone && c > 0 && n != 1 {
					t.Errorf("%s at %+.2f mm: ink in zone %s too", e.name, d, z)
				}
			}
			if e.zone == "reserved" {
				// The reserved block is on page 1 only: check it there.
				got = reservedInk(t, r, n)
			}
			switch {
			case d <= 0 && got:
				t.Errorf("%s: content ending %.2f mm outside counts as ink (false alarm)", e.name, -d)
			case d >= 0.2 && !got:
				t.Errorf("%s: content reaching %.2f mm in is not found (hidden)", e.name, d)
			}
			mark := "."
			if got {
				mark = "X"
			}
			row = append(row, fmt.Sprintf("%+.2f:%s", d, mark))
		}
		t.Logf("%-16s %s", e.name, strings.Join(row, " "))
	}
}

// reservedInk scans page n of r as if it were page 1 (where the reserved
// block applies) and reports whether the block has ink.
func reservedInk(t testing.TB, r *pdfdoc.Raster, n int) bool {
	t.Helper()
	prof, win := pingen(t)
	ctx := context.Background()
	g, _ := r.Geometry(ctx, n)
	zs := pageZones(prof, win, 1, g, nil)
	inks, err := scanZones(ctx, r, n, g, zs, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range inks {
		if k.zone.id == "reserved" && k.count > 0 {
			return true
		}
	}
	return false
}

// TestSmallDots: dots of 0.2 and 0.3 mm, 0.2 and 0.3 mm inside each zone,
// are found; the same dots 0.2 mm outside are not.
func TestSmallDots(t *testing.T) {
	type spot struct{ x, y float64 } // a point just inside a zone edge, and the direction into it
	type probe struct {
		name   string
		zone   string
		at     func(size, depth float64) (x0, y0 float64) // top-left of a dot reaching depth into the zone
		inward [2]float64
	}
	probes := []probe{
		{"bottom border", "border", func(s, d float64) (float64, float64) { return 100, 292 + d - s }, [2]float64{0, 1}},
		{"left border", "border", func(s, d float64) (float64, float64) { return 5 - d, 100 }, [2]float64{-1, 0}},
		{"corner", "corner", func(s, d float64) (float64, float64) { return 15 - d, 288 }, [2]float64{-1, 0}},
		{"postage area", "reserved", func(s, d float64) (float64, float64) { return 60, 40 + d - s }, [2]float64{0, 1}},
	}
	var pages []zpage
	type want struct {
		name  string
		zone  string
		found bool
	}
	var wants []want
	for _, p := range probes {
		for _, size := range []float64{0.2, 0.3} {
			for _, depth := range []float64{size + 0.2, size + 0.3, -0.2} {
				x, y := p.at(size, depth)
				pages = append(pages, zpage{content: zrect(x, y, x+size, y+size)})
				wants = append(wants, want{fmt.Sprintf("%s: %.1f mm dot reaching %+.1f mm", p.name, size, depth), p.zone, depth > 0})
			}
		}
	}
	r := openZoneRaster(t, zonePDF(pages...))
	for i, w := range wants {
		var got bool
		if w.zone == "reserved" {
			got = reservedInk(t, r, i+1)
		} else {
			got = inkByZone(t, r, i+1, true)[w.zone] > 0
		}
		if got != w.found {
			t.Errorf("%s: found %v, want %v", w.name, got, w.found)
		}
	}
}

// TestFilterAgreesWithRender places random objects near zone edges and
// checks that the bounds filter never changes the verdict: the ink found
// when only the zones that some object meets are rendered is, pixel for
// pixel, the ink found when every zone is rendered.
func TestFilterAgreesWithRender(t *testing.T) {
	seeds := 6
	if testing.Short() {
		seeds = 1
	}
	for seed := 1; seed <= seeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 2026))
		var pages []zpage
		for i := 0; i < 50; i++ {
			pages = append(pages, randomPage(rng))
		}
		data := zonePDF(pages...)
		r, err := pdfdoc.OpenRaster(context.Background(), data, pdfdoc.RasterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		inked := 0
		for n := 1; n <= len(pages); n++ {
			prof, win := pingen(t)
			ctx := context.Background()
			g, _ := r.Geometry(ctx, n)
			zs := pageZones(prof, win, n, g, nil)
			filtered, err := scanZones(ctx, r, n, g, zs, true)
			if err != nil {
				t.Fatal(err)
			}
			full, err := scanZones(ctx, r, n, g, zs, false)
			if err != nil {
				t.Fatal(err)
			}
			for zi := range zs {
				a, b := inkPixels(filtered[zi]), inkPixels(full[zi])
				if d := inkDiff(a, b); d != "" || (len(a) > 0) != (len(b) > 0) {
					t.Errorf("seed %d page %d zone %s: filtered %d ink pixels, full render %d: %s", seed, n, zs[zi].id, len(a), len(b), d)
					if os.Getenv("LETTERGATE_KEEP") != "" {
						os.WriteFile(filepath.Join(os.TempDir(), fmt.Sprintf("filter-seed%d.pdf", seed)), data, 0o644)
					}
				}
				if len(b) > 0 {
					inked++
				}
			}
			// The explanation must cope with whatever was drawn.
			if objs, err := r.Objects(ctx, n); err == nil {
				for _, k := range full {
					if k.count > 0 {
						explainZone(k, placeObjects(objs, g), zs, n, false)
					}
				}
			}
		}
		r.Close() // the pool holds as many instances as cores; do not hoard them
		t.Logf("seed %d: %d pages, %d zones with ink", seed, len(pages), inked)
		if inked == 0 {
			t.Errorf("seed %d: no zone got ink; the test draws too little", seed)
		}
	}
}

// inkPixels maps the ink pixels of a scan, by their place in the page's
// pixel grid, to their grey value.
func inkPixels(k *zoneInk) map[[2]int]uint8 {
	out := map[[2]int]uint8{}
	for _, a := range k.areas {
		if a.ink == nil {
			continue
		}
		w := a.img.Image.Rect.Dx()
		for i, on := range a.ink {
			if on {
				out[[2]int{a.img.X0 + i%w, a.img.Y0 + i/w}] = a.img.Image.Pix[(i/w)*a.img.Image.Stride+i%w]
			}
		}
	}
	return out
}

// inkDiff describes the ink pixels found in only one of two scans, leaving
// out those within two grey levels of inkLevel: PDFium's anti-aliasing
// varies by one level with the origin of the rendered area, which turns
// pixels at the threshold on and off. "" when they agree.
func inkDiff(a, b map[[2]int]uint8) string {
	var only []string
	for _, m := range [2][2]map[[2]int]uint8{{a, b}, {b, a}} {
		for p, v := range m[0] {
			if _, ok := m[1][p]; !ok && v < inkLevel-2 {
				only = append(only, fmt.Sprintf("%d,%d=%d", p[0], p[1], v))
			}
		}
	}
	sort.Strings(only)
	return strings.Join(only, " ")
}

// randomPage draws 1-6 objects close to the edge of some zone: rectangles
// filled or stroked (hairlines to thick lines, with caps and joins that
// stick out), text in any render mode and turned, grey and white, clipped
// and unclipped, images, and forms with their own matrix.
func randomPage(rng *rand.Rand) zpage {
	// Points near zone edges: border (5 / 205 / 292), corner (15 / 282),
	// reserved block (20 / 109.5 / 40 / 87.5), address area (22 / 107.5 / 60 / 85.5).
	xs := []float64{5, 205, 15, 20, 109.5, 22, 107.5, 0.5, 209.5}
	ys := []float64{5, 292, 282, 40, 87.5, 60, 85.5, 0.5, 296.5}
	near := func(vs []float64) float64 { return vs[rng.IntN(len(vs))] + (rng.Float64()*6 - 3) }
	grey := func() string {
		return []string{"0 g 0 G", "0.85 g 0.85 G", "1 g 1 G", "0.5 g 0.2 G", "1 0 0 rg 0 0 1 RG"}[rng.IntN(5)]
	}
	p := zpage{forms: map[string][2]string{}}
	var b strings.Builder
	for i, n := 0, 1+rng.IntN(6); i < n; i++ {
		x, y := near(xs), near(ys)
		b.WriteString("q " + grey() + "\n")
		if rng.IntN(4) == 0 { // a clip
			cx, cy := near(xs), near(ys)
			fmt.Fprintf(&b, "%.3f %.3f %.3f %.3f re W n\n", ptOf(cx-20), a4H-ptOf(cy+20), ptOf(40), ptOf(40))
		}
		switch rng.IntN(6) {
		case 0: // filled rectangle
			w, h := rng.Float64()*8+0.1, rng.Float64()*8+0.1
			b.WriteString(zrect(x, y, x+w, y+h))
		case 1: // stroked path with caps and joins
			lw := []float64{0, 0.05, 0.1, 0.5, 2, 6}[rng.IntN(6)]
			fmt.Fprintf(&b, "%g w %d J %d j %.3f %.3f m %.3f %.3f l %.3f %.3f l S\n", lw, rng.IntN(3), rng.IntN(3),
				ptOf(x), a4H-ptOf(y), ptOf(x+rng.Float64()*6-3), a4H-ptOf(y+rng.Float64()*6-3), ptOf(x+rng.Float64()*6-3), a4H-ptOf(y))
		case 2: // text, any render mode, sometimes turned
			rot := [][4]int{{1, 0, 0, 1}, {0, 1, -1, 0}, {-1, 0, 0, -1}}[rng.IntN(3)]
			fmt.Fprintf(&b, "BT /F1 %g Tf %d Tr 0.3 w %d %d %d %d %.3f %.3f Tm (Zone %d) Tj ET\n",
				float64(4+rng.IntN(14)), rng.IntN(8), rot[0], rot[1], rot[2], rot[3], ptOf(x), a4H-ptOf(y), i)
		case 3: // inline image with white and dark pixels
			var px strings.Builder
			for k := 0; k < 16; k++ {
				fmt.Fprintf(&px, "%02x", []int{255, 255, 0, 128}[rng.IntN(4)])
			}
			fmt.Fprintf(&b, "%.3f 0 0 %.3f %.3f %.3f cm BI /W 4 /H 4 /CS /G /BPC 8 /F /AHx ID %s> EI\n",
				ptOf(rng.Float64()*5+0.5), ptOf(rng.Float64()*5+0.5), ptOf(x), a4H-ptOf(y), px.String())
		case 4: // a form with its own matrix, BBox and content
			name := fmt.Sprintf("Fm%d", i)
			inner := fmt.Sprintf("%s 0 0 %.3f %.3f re f BT /F1 6 Tf 1 1 Td (in form) Tj ET", grey(), ptOf(rng.Float64()*6+0.2), ptOf(rng.Float64()*6+0.2))
			p.forms[name] = [2]string{fmt.Sprintf("/BBox [-5 -5 %d %d] /Matrix [%.2f 0 0 %.2f %.2f %.2f]", 10+rng.IntN(20), 10+rng.IntN(20),
				0.5+rng.Float64(), 0.5+rng.Float64(), rng.Float64()*4-2, rng.Float64()*4-2), inner}
			fmt.Fprintf(&b, "1 0 0 1 %.3f %.3f cm /%s Do\n", ptOf(x), a4H-ptOf(y), name)
		case 5: // white patch over whatever is there
			b.WriteString("1 g\n" + zrect(x-2, y-2, x+2, y+2))
		}
		b.WriteString("Q\n")
	}
	p.content = b.String()
	return p
}

func TestPageZones(t *testing.T) {
	prof, win := pingen(t)
	g := pdfdoc.Geometry{CropBox: pdfdoc.Box{URX: 595.2756, URY: 841.8898}}
	z1 := pageZones(prof, win, 1, g, nil)
	z2 := pageZones(prof, win, 2, g, nil)
	ids := func(zs []*zone) (out []string) {
		for _, z := range zs {
			out = append(out, z.rule+"/"+z.id)
		}
		return out
	}
	// Ink that no object explains is reported with the zone, without a fix
	// that names an object.
	ug := &inkGroup{ink: rules.Rect{X: 100, Y: 1, W: 1, H: 1}, parts: map[int]rules.Rect{0: {X: 100, Y: 1, W: 1, H: 1}}}
	if f := describe(ug, nil, z1[0], z1, 1, false); f.Object != nil || f.Message != "ink that no page object explains reaches 4.0 mm into the 5 mm top border" || !strings.HasPrefix(f.Fix, "find what prints there") {
		t.Errorf("unexplained ink: %+v", f)
	}
	if got := strings.Join(ids(z1), " "); got != "zone.border/border zone.corner/corner zone.reserved/reserved" {
		t.Errorf("page 1 zones: %s", got)
	}
	if got := strings.Join(ids(z2), " "); got != "zone.border/border zone.corner/corner" {
		t.Errorf("page 2 zones: %s", got)
	}
	if z := z1[1]; z.what != "the 15 x 15 mm corner zone at the bottom left" {
		t.Errorf("corner named %q", z.what)
	}
	res := z1[2]
	if len(res.parts) != 4 || res.block != win.Reserved {
		t.Errorf("reserved parts %v block %v", res.parts, res.block)
	}
	// Ink in the address area is the address rules' business.
	if !res.counts(rules.Rect{X: 21, Y: 50, W: 0.08, H: 0.08}) || res.counts(rules.Rect{X: 50, Y: 70, W: 0.08, H: 0.08}) {
		t.Error("reserved zone: wrong pixels count")
	}
}

// TestZoneMessages checks the wording of findings against hand-built ink.
func TestZoneMessages(t *testing.T) {
	prof, win := pingen(t)
	g := pdfdoc.Geometry{CropBox: pdfdoc.Box{URX: 595.2756, URY: 841.8898}}
	zs := pageZones(prof, win, 1, g, nil)
	border, corner := zs[0], zs[1]
	footer := placedObject{obj: pdfdoc.Object{Kind: pdfdoc.KindText, Text: "Muster AG", Font: "Helvetica", SizePt: 8, Filled: true, Fill: [4]uint8{0, 0, 0, 255}},
		box: rules.Rect{X: 25, Y: 291, W: 60, H: 2.9}}
	logo := placedObject{obj: pdfdoc.Object{Kind: pdfdoc.KindImage}, box: rules.Rect{X: 3, Y: 250, W: 40, H: 40}}
	wide := placedObject{obj: pdfdoc.Object{Kind: pdfdoc.KindPath, Filled: true, Fill: [4]uint8{0, 0, 0, 255}}, box: rules.Rect{X: 2, Y: 100, W: 206, H: 20}}
	tests := []struct {
		name     string
		z        *zone
		g        *inkGroup
		obj      placedObject
		msg, fix string
	}{
		{"footer", border, &inkGroup{ink: rules.Rect{X: 25.1, Y: 292.1, W: 59, H: 1.8}, parts: map[int]rules.Rect{1: {X: 25.1, Y: 292.1, W: 59, H: 1.8}}}, footer,
			`text reaches 1.9 mm into the 5 mm bottom border`,
			"move it up by at least 1.9 mm"},
		{"logo in two bands", border, &inkGroup{ink: rules.Rect{X: 3, Y: 250, W: 2, H: 40}, parts: map[int]rules.Rect{2: {X: 3, Y: 250, W: 2, H: 40}}}, logo,
			`an image reaches 2.0 mm into the 5 mm left border`,
			"shrink it or move it right by at least 2.0 mm"},
		{"logo in the corner", corner, &inkGroup{ink: rules.Rect{X: 3, Y: 282, W: 12, H: 8}, parts: map[int]rules.Rect{0: {X: 3, Y: 282, W: 12, H: 8}}}, logo,
			`an image prints in the 15 x 15 mm corner zone at the bottom left`,
			"shrink it or move it up by at least 8.0 mm"},
		{"too wide", border, &inkGroup{ink: rules.Rect{X: 2, Y: 100, W: 3, H: 20}, parts: map[int]rules.Rect{2: {X: 2, Y: 100, W: 3, H: 20}, 3: {X: 205, Y: 100, W: 3, H: 20}}}, wide,
			`a shape reaches 3.0 mm into the 5 mm left border and 3.0 mm into the right border`,
			"shrink or crop it: everything must stay at least 5 mm from every page edge"},
	}
	res := zs[2]
	address := placedObject{obj: pdfdoc.Object{Kind: pdfdoc.KindText, Text: "Frau Laura Brunner", Font: "Helvetica", SizePt: 11, Filled: true},
		box: rules.Rect{X: 20.1, Y: 64.7, W: 33, H: 12.6}}
	stamp := placedObject{obj: pdfdoc.Object{Kind: pdfdoc.KindText, Text: "P.P.", Font: "Helvetica", SizePt: 9, Filled: true},
		box: rules.Rect{X: 24, Y: 47, W: 40, H: 3}}
	tests = append(tests, []struct {
		name     string
		z        *zone
		g        *inkGroup
		obj      placedObject
		msg, fix string
	}{
		{"address strays left", res, &inkGroup{ink: rules.Rect{X: 20.1, Y: 64.8, W: 1.8, H: 12.5}, parts: map[int]rules.Rect{2: {X: 20.1, Y: 64.8, W: 1.8, H: 12.5}}}, address,
			"text reaches out of the address area into the reserved block around it, which must stay white",
			"move it right by at least 1.9 mm, into the address area (x 22.0–107.5, y 60.0–85.5 mm)"},
		{"postage area", res, &inkGroup{ink: rules.Rect{X: 24.1, Y: 47.2, W: 39, H: 2.6}, parts: map[int]rules.Rect{0: {X: 24.1, Y: 47.2, W: 39, H: 2.6}}}, stamp,
			"text prints in the postage area above the address area, which must stay blank: only the recipient address may print there, inside the address area",
			"move it up by at least 9.8 mm"},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.g.objs = []int{0}
			tt.g.box = tt.obj.box
			tt.g.text = tt.obj.obj.Text
			f := describe(tt.g, []placedObject{tt.obj}, tt.z, zs, 1, false)
			if f.Message != tt.msg || f.Fix != tt.fix {
				t.Errorf("got\n  %s\n  %s\nwant\n  %s\n  %s", f.Message, f.Fix, tt.msg, tt.fix)
			}
		})
	}
}

func TestMMCeil(t *testing.T) {
	for in, want := range map[float64]float64{1.4: 1.4, 1.41: 1.5, 2.6000001: 2.6, 0.04: 0.1, 3: 3} {
		if got := mmCeil(in); math.Abs(got-want) > 1e-9 {
			t.Errorf("mmCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

// TestPageTimeout: a page that takes longer than the limit is given up
// and reported; the next page is still checked.
func TestPageTimeout(t *testing.T) {
	var heavy strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&heavy, "%d %d m %d %d l ", i%590, (i*7)%840, (i*13)%590, (i*29)%840)
	}
	heavy.WriteString("0.3 w S\n")
	data := zonePDF(zpage{content: heavy.String()}, zpage{content: zrect(50, 290, 100, 294)})
	r, err := pdfdoc.OpenRaster(context.Background(), data, pdfdoc.RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	old := zonePageTimeout
	zonePageTimeout = time.Millisecond
	defer func() { zonePageTimeout = old }()
	prof, win := pingen(t)
	fs, _, _, err := checkZones(context.Background(), r, prof, win, letterFinder{})
	zonePageTimeout = old
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 || fs[0].Page != 1 || !strings.HasPrefix(fs[0].Message, "page 1 could not be checked for blank zones") {
		t.Fatalf("findings = %+v", fs)
	}
	// Page 2 is checked again with the normal limit.
	fs2, err := checkPageZones(context.Background(), r, prof, win, 2, 2, nil)
	if err != nil || len(fs2) != 1 || fs2[0].Rule != rules.ZoneBorder || fs2[0].Message != "a shape reaches 2.1 mm into the 5 mm bottom border" {
		t.Fatalf("page 2: %+v, %v", fs2, err)
	}
}

// TestBlankZone checks a custom profile's blank zone on the pages it names.
func TestBlankZone(t *testing.T) {
	prof, err := rules.Parse([]byte(`
name: custom
page: {width_mm: 210, height_mm: 297, tolerance_mm: 1}
file: {max_bytes: 8000000}
pages: {max: 10}
domestic_country: DE
windows:
  left: {address: {x: 20, y: 45, w: 85, h: 40}, reserved: {x: 20, y: 45, w: 85, h: 45}}
zones:
  - {id: logo, pages: rest, rect: {x: 150, y: 10, w: 50, h: 20}}
  - {id: corner, rule: zone.corner, pages: all, rect: {x: 190, y: 0, w: 20, h: 20}}
address: {min_lines: 3, max_lines: 6, font_pt: [8, 12]}
`))
	if err != nil {
		t.Fatal(err)
	}
	logo := zrect(160, 15, 180, 25)
	r := openZoneRaster(t, zonePDF(zpage{content: logo}, zpage{content: logo}))
	fs, _, _, err := checkZones(context.Background(), r, prof, prof.Windows["left"], letterFinder{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Page != 2 || fs[0].Rule != rules.ZoneBlank || fs[0].Zone != "logo" ||
		fs[0].Message != `a shape prints in the blank zone "logo" (x 150.0, y 10.0, 50.0 x 20.0 mm)` || fs[0].Fix != "move it down by at least 15.1 mm" {
		t.Fatalf("findings = %+v", fs)
	}
	g := pdfdoc.Geometry{CropBox: pdfdoc.Box{URX: 595.2756, URY: 841.8898}}
	if z := pageZones(prof, prof.Windows["left"], 1, g, nil); len(z) != 2 || z[0].what != "the 20 x 20 mm corner zone at the top right" {
		t.Errorf("corner named %q", z[0].what)
	}
}
