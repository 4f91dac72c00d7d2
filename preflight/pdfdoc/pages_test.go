package pdfdoc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pagesPDF is a file of n pages, each with a square of its own.
func pagesPDF(n int) []byte {
	pages := make([]testPage, n)
	for i := range pages {
		pages[i] = testPage{content: rectMM(20+float64(i%100), 50, 5, 5)}
	}
	return testPDF(pages...)
}

// eachPage runs EachPage on a fresh Raster of data, reading every page's
// footprint, and returns how often each page was done and by how many
// Rasters; f may stop or panic on a page.
func eachPage(t *testing.T, data []byte, run int, f func(n int) bool) (map[int]int, int, *Raster) {
	t.Helper()
	ctx := context.Background()
	r := openTest(t, data)
	var mu sync.Mutex
	done := map[int]int{}
	used := r.EachPage(ctx, run, func(r *Raster, n int) bool {
		if _, err := r.Footprint(ctx, n); err != nil {
			t.Errorf("page %d: %v", n, err)
		}
		mu.Lock()
		done[n]++
		mu.Unlock()
		return f != nil && f(n)
	})
	return done, used, r
}

// slotsInUse is how many instances of the pool are held.
func slotsInUse(t *testing.T) int {
	t.Helper()
	_, slots, err := enginePool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(slots)
}

func TestEachPage(t *testing.T) {
	if err := StartEngine(context.Background()); err != nil {
		t.Fatal(err)
	}
	data := pagesPDF(50)
	before := slotsInUse(t)

	t.Run("every page once", func(t *testing.T) {
		done, used, r := eachPage(t, data, 4, nil)
		for n := 1; n <= 50; n++ {
			if done[n] != 1 {
				t.Errorf("page %d done %d times", n, done[n])
			}
		}
		if Engine().Instances > 1 && used < 2 {
			t.Errorf("%d Rasters did the work with %d instances free", used, Engine().Instances-before)
		}
		// The Rasters gave their instances back; r opens the file again.
		if n := slotsInUse(t); n != before {
			t.Errorf("%d instances held after EachPage, %d before", n, before)
		}
		if _, err := r.Footprint(context.Background(), 7); err != nil {
			t.Errorf("r after EachPage: %v", err)
		}
	})

	t.Run("short file in order on r", func(t *testing.T) {
		var order []int
		_, used, _ := eachPage(t, pagesPDF(8), 4, func(n int) bool { order = append(order, n); return false })
		if used != 1 || !reflect.DeepEqual(order, []int{1, 2, 3, 4, 5, 6, 7, 8}) {
			t.Errorf("8 pages in runs of 4: %d Rasters, order %v", used, order)
		}
	})

	t.Run("stop", func(t *testing.T) {
		done, used, _ := eachPage(t, data, 4, func(n int) bool { return n == 23 })
		for n := 1; n <= 23; n++ {
			if done[n] != 1 {
				t.Errorf("page %d before the stop done %d times", n, done[n])
			}
		}
		for n := range done {
			// Only runs taken before the stop go on past it.
			if n > 23+4*used {
				t.Errorf("page %d done after a stop at 23", n)
			}
		}
	})

	t.Run("full pool", func(t *testing.T) {
		// With every other instance held, the file is done on r alone.
		var held []*Raster
		for i := before + 1; i < Engine().Instances; i++ {
			held = append(held, openTest(t, data))
		}
		done, used, _ := eachPage(t, data, 4, nil)
		if used != 1 || len(done) != 50 {
			t.Errorf("full pool: %d Rasters, %d pages", used, len(done))
		}
		for _, h := range held {
			h.Close()
		}
	})

	t.Run("panic", func(t *testing.T) {
		defer func() {
			if v := recover(); v != "page 30" {
				t.Errorf("recovered %v, want the panic of page 30", v)
			}
			if n := slotsInUse(t); n != before {
				t.Errorf("%d instances held after a panic, %d before", n, before)
			}
		}()
		eachPage(t, data, 4, func(n int) bool {
			if n == 30 {
				panic("page 30")
			}
			return false
		})
	})
}

// TestEachPageAbandoned: a Raster whose call was abandoned takes a new
// instance for its next call without waiting for the abandoned call: the
// file's other Rasters give theirs back when their work ends.
func TestEachPageAbandoned(t *testing.T) {
	var heavy strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&heavy, "%d %d m %d %d l ", i%590, (i*7)%840, (i*13)%590, (i*29)%840)
	}
	heavy.WriteString("0.3 w S")
	pages := make([]testPage, 40)
	for i := range pages {
		pages[i] = testPage{content: rectMM(20, 50, 5, 5)}
	}
	pages[4].content = heavy.String()
	data := testPDF(pages...)
	ctx := context.Background()
	r := openTest(t, data)
	var mu sync.Mutex
	done := map[int]bool{}
	killed := false
	r.EachPage(ctx, 2, func(r *Raster, n int) bool {
		if n == 5 {
			cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
			_, err := r.RenderRGBA(cctx, n, 300)
			cancel()
			mu.Lock()
			killed = err != nil
			mu.Unlock()
		}
		if _, err := r.Footprint(ctx, n); err != nil {
			t.Errorf("page %d: %v", n, err)
		}
		mu.Lock()
		done[n] = true
		mu.Unlock()
		return false
	})
	if !killed || len(done) != 40 {
		t.Errorf("killed %v, %d pages done", killed, len(done))
	}
	if Engine().Mode == Fast && Engine().Abandoned == 0 {
		t.Error("EachPage returned after the abandoned call, not before")
	}
	deadline := time.Now().Add(30 * time.Second)
	for Engine().Abandoned > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// readXRef reads data with pdfcpu as Open does, validating it when
// validate; nil when pdfcpu fails.
func readXRef(t *testing.T, data []byte, validate bool) *model.XRefTable {
	t.Helper()
	configOnce.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := pdfcpu.ReadWithContext(context.Background(), bytes.NewReader(data), conf)
	if err != nil {
		return nil
	}
	if validate && api.ValidateContext(ctx) != nil {
		return nil
	}
	return ctx.XRefTable
}

// samePageNodes reports how pageNodes and PageDict differ on xref, and
// whether pageNodes answered.
func samePageNodes(xref *model.XRefTable) (string, bool) {
	nodes := pageNodes(xref)
	if nodes == nil {
		return "", false
	}
	if len(nodes) != xref.PageCount {
		return fmt.Sprintf("%d nodes for %d pages", len(nodes), xref.PageCount), true
	}
	for i, node := range nodes {
		d, _, inh, err := xref.PageDict(i+1, false)
		if err != nil {
			return fmt.Sprintf("page %d: PageDict fails (%v) where pageNodes does not", i+1, err), true
		}
		if reflect.ValueOf(d).Pointer() != reflect.ValueOf(node.dict).Pointer() {
			return fmt.Sprintf("page %d: another page dictionary", i+1), true
		}
		if !reflect.DeepEqual(inh.Resources, node.res) {
			return fmt.Sprintf("page %d: resources %v, PageDict %v", i+1, node.res, inh.Resources), true
		}
	}
	return "", true
}

// TestPageNodes: where pageNodes answers, it finds what PageDict finds,
// on every fixture and on page trees made to need PageDict.
func TestPageNodes(t *testing.T) {
	var files []string
	filepath.WalkDir(filepath.Join("..", "..", "testdata"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".pdf") {
			files = append(files, p)
		}
		return nil
	})
	fast := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		xref := readXRef(t, data, true)
		if xref == nil {
			continue
		}
		diff, ok := samePageNodes(xref)
		if diff != "" {
			t.Errorf("%s: %s", p, diff)
		}
		if ok {
			fast++
		} else {
			t.Logf("%s: PageDict, page by page", p)
		}
	}
	t.Logf("pageNodes answered for %d of %d fixtures", fast, len(files))
	if fast < len(files)/2 {
		t.Errorf("pageNodes answered for only %d of %d fixtures", fast, len(files))
	}

	// Trees: the root's kids, then the objects from 3 on.
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	page := func(parent int, extra string) string {
		return fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] %s >>", parent, extra)
	}
	for _, tt := range []struct {
		name string
		root string   // the page tree root, object 2
		objs []string // objects 3...
		fast bool
	}{
		{"flat", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
			[]string{page(2, ""), page(2, "")}, true},
		{"nested, resources inherited", "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 /Resources << /Font << /F1 7 0 R >> >> >>",
			[]string{"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 /Resources << /Font << /F2 7 0 R >> >> >>",
				page(3, ""), page(3, "/Resources << >>"), page(2, ""), font}, true},
		{"count too high", "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 3 >>",
			[]string{"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 2 >>", page(3, ""), page(2, "")}, false},
		{"kid without Type", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
			[]string{page(2, ""), "<< /Parent 2 0 R /MediaBox [0 0 595 842] >>"}, false},
		{"page twice", "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>",
			[]string{page(2, "")}, false},
		{"float rotation", "<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90.0 >>",
			[]string{page(2, "")}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := rawPDF(tt.root, tt.objs...)
			xref := readXRef(t, data, true)
			if xref == nil {
				// Open rejects it before pageNodes; compare anyway, with
				// the page count validation would have taken from the root.
				if xref = readXRef(t, data, false); xref == nil {
					t.Fatal("pdfcpu does not read it")
				}
				root, err := xref.Pages()
				if err != nil {
					t.Fatal(err)
				}
				d, err := xref.DereferenceDict(*root)
				if err != nil || d.IntEntry("Count") == nil {
					t.Fatalf("root %v: %v", d, err)
				}
				xref.PageCount = *d.IntEntry("Count")
			}
			diff, ok := samePageNodes(xref)
			if diff != "" {
				t.Error(diff)
			}
			if ok != tt.fast {
				t.Errorf("pageNodes answered: %v, want %v", ok, tt.fast)
			}
		})
	}
}

// rawPDF writes a catalog (object 1), the page tree root root (object 2)
// and objs from object 3 on.
func rawPDF(root string, objs ...string) []byte {
	var b bytes.Buffer
	var offs []int
	b.WriteString("%PDF-1.7\n")
	for i, body := range append([]string{"<< /Type /Catalog /Pages 2 0 R >>", root}, objs...) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}
