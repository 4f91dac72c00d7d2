package pdfdoc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/lettergate/lettergate/rules"
)

// BenchmarkPage splits the cost of one page of the good_letter fixture
// (warm instance, document open): parsing the page (PDFium's
// FPDF_LoadPage), the bounds filter's object walk (Footprint), the full
// object walk with text and clips (Objects), and a 300 dpi render of the
// bottom border band.
func BenchmarkPage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "doc", "good_letter.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	r := openTest(b, data)
	page := 0
	next := func() int { page = page%2 + 1; return page }
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Geometry(ctx, next()); err != nil {
				b.Fatal(err)
			}
			r.mu.Lock()
			r.s.geoms = map[int]Geometry{} // so that the next call loads
			r.mu.Unlock()
		}
	})
	b.Run("load+footprint", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Footprint(ctx, next()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("footprint", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Footprint(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("objects", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Objects(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("render-bottom-band", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.RenderGray(ctx, 1, rules.Rect{X: 0, Y: 292, W: 210, H: 5}, 300); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEngineStart runs TestEngineStart in a new process, once with an
// empty compilation cache (cold: the module is compiled) and once with a
// filled one (warm), and reports the start time the test logs.
func BenchmarkEngineStart(b *testing.B) {
	warmDir := b.TempDir()
	startTime := func(cacheHome string) time.Duration {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEngineStart$", "-test.v")
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cacheHome)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		m := regexp.MustCompile(`engine start (\S+),`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("no start time in %s", out)
		}
		d, err := time.ParseDuration(string(m[1]))
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	startTime(warmDir) // fill the cache
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				dir := warmDir
				if mode == "cold" {
					dir = b.TempDir()
				}
				total += startTime(dir)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/start")
		})
	}
}
