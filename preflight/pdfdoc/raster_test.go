package pdfdoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/rules"
)

// testPage is one page of a hand-made test PDF.
type testPage struct {
	content  string
	mediaBox string // "" is A4
	extra    string // more page entries, e.g. "/Rotate 90"
}

// testPDF writes a PDF with the given pages; /F1 is Helvetica.
func testPDF(pages ...testPage) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(body string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	b.WriteString("%PDF-1.7\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, p := range pages {
		mb := p.mediaBox
		if mb == "" {
			mb = "[0 0 595.2756 841.8898]"
		}
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R %s >>", mb, 5+2*i, p.extra))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(p.content)+1, p.content))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func mmPt(mm float64) float64 { return mm * rules.PointsPerMM }

// rectMM is a filled rectangle given in mm from the top-left of an A4 page.
func rectMM(x, y, w, h float64) string {
	return fmt.Sprintf("%.4f %.4f %.4f %.4f re f\n", mmPt(x), 841.8898-mmPt(y+h), mmPt(w), mmPt(h))
}

func openTest(t testing.TB, data []byte) *Raster {
	t.Helper()
	r, err := OpenRaster(context.Background(), data, RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func readTrap(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "traps", name+".pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestEngineStart starts the pool and reports what it cost: the first
// start in a process is "cold" without a compilation cache and "warm"
// with one.
func TestEngineStart(t *testing.T) {
	if err := StartEngine(context.Background()); err != nil {
		t.Fatal(err)
	}
	info := Engine()
	if !info.Started || info.Instances != runtime.GOMAXPROCS(0) {
		t.Fatalf("Engine() = %+v", info)
	}
	t.Logf("engine start %v, %s mode, cache %q (error %v), %d instances", info.StartTime, info.Mode, info.CacheDir, info.CacheErr, info.Instances)
}

func TestCompilationCacheDir(t *testing.T) {
	// A cache folder that cannot be made: lettergate runs without a cache.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", filepath.Join(file, "sub"))
	t.Setenv("HOME", filepath.Join(file, "sub"))
	if dir, err := compilationCacheDir(); err == nil {
		t.Fatalf("compilationCacheDir() = %q, want an error", dir)
	}
	ok := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", ok)
	dir, err := compilationCacheDir()
	if err != nil || dir != filepath.Join(ok, "lettergate", "wazero") {
		t.Fatalf("compilationCacheDir() = %q, %v", dir, err)
	}
}

// TestRenderCalibration checks that every pixel of a crop is where
// GrayArea says: black squares with edges on odd millimetres near all four
// corners of portrait and turned pages must cover exactly the pixels
// inside them, at several resolutions.
func TestRenderCalibration(t *testing.T) {
	type sq struct{ x, y float64 } // top-left, mm; 3.3 mm squares
	squares := []sq{{2.1, 2.3}, {204.6, 1.7}, {1.3, 291.9}, {203.9, 292.4}, {100.05, 150.15}}
	portrait := ""
	for _, s := range squares {
		portrait += rectMM(s.x, s.y, 3.3, 3.3)
	}
	// The same squares on a landscape media box shown with /Rotate 90:
	// displayed (x, y) is user space (y, x) there.
	turned := ""
	for _, s := range squares {
		turned += fmt.Sprintf("%.4f %.4f %.4f %.4f re f\n", mmPt(s.y), mmPt(s.x), mmPt(3.3), mmPt(3.3))
	}
	// And with /Rotate 270 on a crop box that does not start at 0 0.
	turned270 := ""
	for _, s := range squares {
		// displayed (x, y) -> user (URX - y, URY - x) for 270, with the crop box 10 20 851.89 615.28
		turned270 += fmt.Sprintf("%.4f %.4f %.4f %.4f re f\n", 851.8898-mmPt(s.y)-mmPt(3.3), 615.2756-mmPt(s.x)-mmPt(3.3), mmPt(3.3), mmPt(3.3))
	}
	data := testPDF(
		testPage{content: portrait},
		testPage{content: turned, mediaBox: "[0 0 841.8898 595.2756]", extra: "/Rotate 90"},
		testPage{content: turned270, mediaBox: "[0 0 900 700]", extra: "/CropBox [10 20 851.8898 615.2756] /Rotate 270"},
	)
	r := openTest(t, data)
	for page := 1; page <= 3; page++ {
		for _, dpi := range []float64{150, 300, 600} {
			for _, s := range squares {
				area := rules.Rect{X: s.x - 1, Y: s.y - 1, W: 5.3, H: 5.3}
				g, err := r.RenderGray(context.Background(), page, area, dpi)
				if err != nil {
					t.Fatal(err)
				}
				in := rules.Rect{X: s.x, Y: s.y, W: 3.3, H: 3.3}
				b := g.Image.Bounds()
				bad := 0
				for y := 0; y < b.Dy(); y++ {
					for x := 0; x < b.Dx(); x++ {
						px := g.PixelRect(x, y)
						v := g.Image.GrayAt(x, y).Y
						switch {
						case in.Contains(px) && v > 40:
							bad++
						case !px.Overlaps(in) && v < 255:
							bad++
						}
					}
				}
				if bad > 0 {
					t.Errorf("page %d, %v dpi, square at %v: %d pixels not where GrayArea puts them", page, dpi, s, bad)
				}
			}
		}
	}
	for page, want := range map[int]Geometry{
		1: {CropBox: Box{0, 0, 595.2756, 841.8898}},
		2: {CropBox: Box{0, 0, 841.8898, 595.2756}, Rotate: 90},
		3: {CropBox: Box{10, 20, 851.8898, 615.2756}, Rotate: 270},
	} {
		g, err := r.Geometry(context.Background(), page)
		if err != nil {
			t.Fatal(err)
		}
		c := g.CropBox
		if g.Rotate != want.Rotate || math.Abs(c.LLX-want.CropBox.LLX) > 0.01 || math.Abs(c.URY-want.CropBox.URY) > 0.01 || math.Abs(c.URX-want.CropBox.URX) > 0.01 {
			t.Errorf("page %d: Geometry = %+v, want %+v", page, g, want)
		}
	}
}

func TestObjects(t *testing.T) {
	ctx := context.Background()
	mm := func(g Geometry, b Box) rules.Rect { return g.BoxToMM(b) }
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.6 }

	t.Run("form children in page space", func(t *testing.T) {
		r := openTest(t, readTrap(t, "form_footer"))
		objs, err := r.Objects(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := r.Geometry(ctx, 1)
		var found bool
		for i, o := range objs {
			if o.Kind != KindText || !strings.HasPrefix(o.Text, "Muster AG \u00b7 Bahnhof") {
				continue
			}
			found = true
			b := mm(g, o.Box)
			if o.Depth != 1 || o.Parent < 0 || objs[o.Parent].Kind != KindForm || o.Parent >= i {
				t.Errorf("footer: depth %d parent %d", o.Depth, o.Parent)
			}
			// Baseline at y 294 mm, x from 25 mm (form at 20 mm plus its
			// matrix's 5 mm); 8 pt.
			if !near(b.X, 25) || b.Y < 291 || b.Y > 292.5 || !near(b.Y1(), 294.6) || math.Abs(o.SizePt-8) > 0.01 {
				t.Errorf("footer at %v, %v pt", b, o.SizePt)
			}
			if o.Font != "Go-Regular" || o.Invisible() || o.Optional {
				t.Errorf("footer: font %q invisible %v optional %v", o.Font, o.Invisible(), o.Optional)
			}
		}
		if !found {
			t.Fatalf("no footer among %d objects", len(objs))
		}
	})

	t.Run("clip applied", func(t *testing.T) {
		r := openTest(t, readTrap(t, "clipped_panel"))
		objs, err := r.Objects(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := r.Geometry(ctx, 1)
		p := objs[0]
		vis, all := mm(g, p.Box), mm(g, p.Unclipped)
		if p.Kind != KindPath || !near(vis.X, 20) || !near(vis.Y, 100) || !near(vis.W, 170) || !near(vis.H, 160) || !near(all.W, 210) || !near(all.H, 297) {
			t.Errorf("panel: kind %s, visible %v, unclipped %v", p.Kind, vis, all)
		}
		fp, err := r.Footprint(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if b := mm(g, fp[0]); !near(b.W, 210) || !near(b.H, 297) {
			t.Errorf("footprint of the panel = %v, want the whole page (bounds ignore clips)", b)
		}
	})

	t.Run("invisible and layered text", func(t *testing.T) {
		for _, tt := range []struct {
			trap      string
			invisible bool
			optional  bool
		}{
			{"render_mode3", true, false},
			{"white_text", true, false},
			{"hidden_layer", false, true},
			{"watermark_grey", false, false},
		} {
			r := openTest(t, readTrap(t, tt.trap))
			objs, err := r.Objects(ctx, 1)
			r.Close() // the pool may hold only two
			if err != nil {
				t.Fatal(err)
			}
			last := objs[len(objs)-1]
			if last.Kind != KindText || last.Invisible() != tt.invisible || last.Optional != tt.optional {
				t.Errorf("%s: last object %s %q mode %d fill %v: invisible %v optional %v, want %v %v",
					tt.trap, last.Kind, last.Text, last.RenderMode, last.Fill, last.Invisible(), last.Optional, tt.invisible, tt.optional)
			}
		}
	})

	t.Run("text size through the text matrix", func(t *testing.T) {
		r := openTest(t, testPDF(testPage{content: "BT /F1 1 Tf 8 0 0 8 100 400 Tm (Hello) Tj ET q 2 0 0 2 0 0 cm BT /F1 5 Tf 50 100 Td (World) Tj ET Q"}))
		objs, err := r.Objects(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 || objs[0].Text != "Hello" || math.Abs(objs[0].SizePt-8) > 0.01 || objs[1].Text != "World" || math.Abs(objs[1].SizePt-10) > 0.01 {
			for _, o := range objs {
				t.Logf("%s %q %v pt", o.Kind, o.Text, o.SizePt)
			}
			t.Error("want Hello at 8 pt and World at 10 pt")
		}
	})

	t.Run("annotations", func(t *testing.T) {
		r := openTest(t, readTrap(t, "square_annot"))
		as, err := r.Annotations(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := r.Geometry(ctx, 1)
		if len(as) != 1 || as[0].Subtype != "Square" || !as[0].Print || as[0].Hidden {
			t.Fatalf("Annotations = %+v", as)
		}
		if b := mm(g, as[0].Rect); !near(b.X, 80) || !near(b.Y, 1) || !near(b.W, 50) || !near(b.H, 3) {
			t.Errorf("annotation at %v", b)
		}
		objs, _ := r.Objects(ctx, 1)
		if last := objs[len(objs)-1]; last.Kind != KindAnnotation || last.Subtype != "Square" {
			t.Errorf("last object = %+v, want the annotation", last)
		}
	})
}

func TestChars(t *testing.T) {
	r := openTest(t, testPDF(testPage{content: "BT /F1 10 Tf 100 700 Td (Hi you) Tj ET"}))
	cs, err := r.Chars(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	for _, c := range cs {
		s.WriteRune(c.Rune)
	}
	if s.String() != "Hi you" {
		t.Fatalf("text %q", s.String())
	}
	h := cs[0]
	if h.Font != "Helvetica" || math.Abs(h.SizePt-10) > 0.01 || math.Abs(h.Box.LLX-100.7) > 0.5 || math.Abs(h.Box.LLY-700) > 0.2 ||
		h.Loose.URY <= h.Box.URY || h.Loose.LLY >= h.Box.LLY {
		t.Errorf("H = %+v", h)
	}
}

// TestCharsScaledSize checks that a character's size is the one it shows
// at: Tf times the text matrix and the CTM, as producers that set 1 pt
// text and scale it with Tm write (GOV.UK Notify's letters).
func TestCharsScaledSize(t *testing.T) {
	for _, content := range []string{
		"BT /F1 1 Tf 10 0 0 10 100 700 Tm (Hi) Tj ET",
		"q 2 0 0 2 0 0 cm BT /F1 5 Tf 50 350 Td (Hi) Tj ET Q",
	} {
		r := openTest(t, testPDF(testPage{content: content}))
		cs, err := r.Chars(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || math.Abs(cs[0].SizePt-10) > 0.01 {
			t.Errorf("%s: chars %+v, want size 10", content, cs)
		}
	}
}

// TestWatchdog stops a render that runs past the call limit, then checks
// that the Raster goes on with a new instance and that the pool is whole
// again. In Fast mode the render is abandoned and its instance destroyed
// when it returns; in Interruptible mode it is stopped at once.
func TestWatchdog(t *testing.T) {
	ctx := context.Background()
	var heavy strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&heavy, "%d %d m %d %d l ", i%590, (i*7)%840, (i*13)%590, (i*29)%840)
	}
	heavy.WriteString("0.3 w S")
	data := testPDF(testPage{content: heavy.String()}, testPage{content: rectMM(100, 100, 10, 10)})
	r, err := OpenRaster(ctx, data, RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.opts.CallTimeout = time.Millisecond
	mode := Engine().Mode
	t0 := time.Now()
	_, err = r.RenderRGBA(ctx, 1, 300)
	took := time.Since(t0)
	var ke *KilledError
	if !errors.As(err, &ke) || !errors.Is(err, ErrCallTimeout) || ke.Page != 1 || ke.Op != "render" || ke.Abandoned != (mode == Fast) {
		t.Fatalf("%s mode: RenderRGBA error = %v, want a KilledError for page 1", mode, err)
	}
	t.Logf("%s mode: %v, returned after %v", mode, err, took)
	if took > time.Second {
		t.Errorf("the watchdog took %v to give up", took)
	}
	r.opts.CallTimeout = DefaultCallTimeout
	g, err := r.RenderGray(ctx, 2, rules.Rect{X: 99, Y: 99, W: 12, H: 12}, 72)
	if err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	if v := g.Image.GrayAt(g.Image.Bounds().Dx()/2, g.Image.Bounds().Dy()/2).Y; v != 0 {
		t.Errorf("page 2 centre = %d, want black", v)
	}

	// A cancelled context stops a call the same way.
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(2*time.Millisecond, cancel)
	_, err = r.RenderRGBA(cctx, 1, 300)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled render error = %v", err)
	}
	r.Close()

	// Abandoned calls finish and give their instances back.
	deadline := time.Now().Add(30 * time.Second)
	for Engine().Abandoned > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := Engine().Abandoned; n != 0 {
		t.Fatalf("%d abandoned calls still running", n)
	}
	// Every instance is back: as many rasters as the pool holds open at once.
	var open []*Raster
	for i := 0; i < Engine().Instances; i++ {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		o, err := OpenRaster(wctx, data, RasterOptions{})
		cancel()
		if err != nil {
			t.Fatalf("raster %d: %v", i+1, err)
		}
		open = append(open, o)
	}
	for _, o := range open {
		o.Close()
	}
}

// TestWatchdogInterruptible runs TestWatchdog in a process whose engine
// runs in Interruptible mode.
func TestWatchdogInterruptible(t *testing.T) {
	if testing.Short() || os.Getenv(EngineModeEnv) != "" {
		t.Skip("runs only from a plain go test")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdog$", "-test.v")
	cmd.Env = append(os.Environ(), EngineModeEnv+"="+string(Interruptible))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "interruptible mode: page 1: render stopped after") {
		t.Fatalf("%v:\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "mode:") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

func TestSetEngineMode(t *testing.T) {
	if err := StartEngine(context.Background()); err != nil {
		t.Fatal(err)
	}
	running := Engine().Mode
	if err := SetEngineMode(running); err != nil {
		t.Errorf("SetEngineMode(%s) while running in it: %v", running, err)
	}
	other := Fast
	if running == Fast {
		other = Interruptible
	}
	if err := SetEngineMode(other); err == nil || !strings.Contains(err.Error(), "already runs in "+string(running)) {
		t.Errorf("SetEngineMode(%s) = %v", other, err)
	}
	if err := SetEngineMode("turbo"); err == nil {
		t.Error("SetEngineMode(turbo): no error")
	}
}

func TestRasterErrors(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, testPDF(testPage{content: ""}))
	if _, err := r.RenderGray(ctx, 2, rules.Rect{W: 1, H: 1}, 300); err == nil || !strings.Contains(err.Error(), "page 2: out of range 1-1") {
		t.Errorf("page 2 of 1: %v", err)
	}
	if _, err := r.RenderGray(ctx, 1, rules.Rect{X: 300, Y: 10, W: 5, H: 5}, 300); err == nil {
		t.Error("render off the page: no error")
	}
	if _, err := OpenRaster(ctx, []byte("%PDF-1.4 garbage"), RasterOptions{}); err == nil {
		t.Error("OpenRaster(garbage): no error")
	}
	r.Close()
	if _, err := r.Objects(ctx, 1); err == nil {
		t.Error("Objects after Close: no error")
	}
}

// TestRecycle: a session that has loaded recyclePages pages is replaced by
// a fresh one when the next page is loaded, and reads the same.
func TestRecycle(t *testing.T) {
	var pages []testPage
	for i := 0; i < 5; i++ {
		pages = append(pages, testPage{content: fmt.Sprintf("BT /F1 10 Tf 100 700 Td (Page %d) Tj ET\n", i+1) + rectMM(10+float64(i), 20, 5, 5)})
	}
	data := testPDF(pages...)
	ctx := context.Background()
	read := func(r *Raster) string {
		var b strings.Builder
		for _, n := range []int{1, 2, 3, 3, 5, 4, 1, 2, 5} {
			cs, err := r.Chars(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			fp, err := r.Footprint(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				b.WriteRune(c.Rune)
			}
			fmt.Fprintf(&b, " %d objects %.1f; ", len(fp), fp[len(fp)-1].LLX)
		}
		return b.String()
	}
	want := read(openTest(t, data))
	old := recyclePages
	recyclePages = 2
	defer func() { recyclePages = old }()
	r := openTest(t, data)
	if got := read(r); got != want {
		t.Errorf("with a fresh session every 2 pages:\n%s\nwant\n%s", got, want)
	}
	if r.s == nil || r.s.loads > 2 {
		t.Errorf("session after 9 page changes: %+v", r.s)
	}
}

// TestObjectLimit: a page with more objects than the limit is an error
// naming the limit, from Footprint (top-level objects) and from Objects
// (forms' objects counted), never a shortened list.
func TestObjectLimit(t *testing.T) {
	ctx := context.Background()
	var many strings.Builder
	for i := 0; i < 30; i++ {
		many.WriteString(rectMM(20+float64(i), 100, 0.5, 0.5))
	}
	data := testPDF(testPage{content: many.String()}, testPage{content: rectMM(20, 100, 5, 5)})
	for _, tt := range []struct {
		limit        int
		footprintErr string
		objectsErr   string
	}{
		{0, "", ""}, // the default, 20,000
		{30, "", ""},
		{29, "page 1 has 30 objects, more than the limit of 29", "page 1 has 30 objects, more than the limit of 29"},
	} {
		r, err := OpenRaster(ctx, data, RasterOptions{MaxObjects: tt.limit})
		if err != nil {
			t.Fatal(err)
		}
		_, ferr := r.Footprint(ctx, 1)
		_, oerr := r.Objects(ctx, 1)
		msg := func(err error) string {
			var le *LimitError
			if err == nil {
				return ""
			}
			if !errors.As(err, &le) || le.Limit != "MaxObjects" || le.Page != 1 {
				return "not a LimitError: " + err.Error()
			}
			return err.Error()
		}
		if msg(ferr) != tt.footprintErr || msg(oerr) != tt.objectsErr {
			t.Errorf("limit %d: Footprint %q, Objects %q; want %q, %q", tt.limit, msg(ferr), msg(oerr), tt.footprintErr, tt.objectsErr)
		}
		if _, err := r.Objects(ctx, 2); err != nil {
			t.Errorf("limit %d, page 2: %v", tt.limit, err)
		}
		r.Close()
	}
}

// TestCharsIn: the characters near an area are those of the page that
// lie there, in the page's order, with a generated space where others
// are left out.
func TestCharsIn(t *testing.T) {
	var content strings.Builder
	for i := 0; i < 40; i++ {
		// Lines 10 mm apart from y 20 mm down, each its own text object.
		fmt.Fprintf(&content, "BT /F1 10 Tf %.2f %.2f Td (Line %02d of the page with some words) Tj ET\n", mmPt(25), 841.8898-mmPt(20+float64(i)*6), i)
	}
	r := openTest(t, testPDF(testPage{content: content.String()}))
	ctx := context.Background()
	all, err := r.Chars(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	near, err := r.CharsIn(ctx, 1, rules.Rect{X: 0, Y: 120, W: 210, H: 20})
	if err != nil {
		t.Fatal(err)
	}
	text := func(cs []Char) string {
		var b strings.Builder
		for _, c := range cs {
			b.WriteRune(c.Rune)
		}
		return b.String()
	}
	got := text(near)
	// Lines 17 to 20 (y 122 to 140 mm) must be there whole, with what
	// PDFium reads between them; lines far away must not.
	whole := text(all)
	from, to := strings.Index(whole, "Line 17"), strings.Index(whole, "Line 20")+len("Line 20 of the page with some words")
	if !strings.Contains(got, whole[from:to]) || strings.Contains(got, "Line 05") || strings.Contains(got, "Line 35") {
		t.Errorf("CharsIn read %q", got)
	}
	if len(near) >= len(all)/2 {
		t.Errorf("CharsIn described %d of %d characters", len(near), len(all))
	}
	for _, c := range near {
		if !c.Generated && (c.Box.Width() <= 0 || c.SizePt != 10 || c.Font != "Helvetica") {
			t.Fatalf("character %+v", c)
		}
	}
	none, err := r.CharsIn(ctx, 1, rules.Rect{X: 0, Y: 285, W: 210, H: 10})
	if err != nil || len(none) != 0 {
		t.Errorf("CharsIn at the foot of the page: %q, %v", text(none), err)
	}
}
