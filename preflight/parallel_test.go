package preflight

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// mergedBatch joins the batch fixtures into one file of 50-odd pages:
// letters with and without findings, of several lengths and
// destinations.
func mergedBatch(t *testing.T) []byte {
	t.Helper()
	var in []io.ReadSeeker
	for _, name := range []string{"errors6", "letters6", "mixed_destinations", "errors6", "short_last", "errors6"} {
		in = append(in, bytes.NewReader(readFixture(t, "batch", name+".pdf")))
	}
	var out bytes.Buffer
	if err := api.MergeRaw(in, &out, false, nil); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// checkWithRuns checks data with the zones checked in runs of run pages
// (see zoneRunPages) and returns the report as JSON and how many Rasters
// checked the pages.
func checkWithRuns(t *testing.T, data []byte, split Split, run int) ([]byte, int) {
	t.Helper()
	old := zoneRunPages
	zoneRunPages = run
	rasters := 0
	zoneRasters = func(n int) { rasters = n }
	defer func() { zoneRunPages, zoneRasters = old, nil }()
	rep, err := Check(context.Background(), "batch.pdf", data, Options{Split: split})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return out, rasters
}

// TestParallelSameReport: a batch whose pages are checked on several
// PDFium instances at once gets the report, byte for byte, that it gets
// checked page by page.
func TestParallelSameReport(t *testing.T) {
	if err := pdfdoc.StartEngine(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pdfdoc.Engine().Instances < 2 {
		t.Skip("the pool has one instance: pages are checked one by one")
	}
	inputs := map[string][]byte{"merged": mergedBatch(t)}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "batch", "*.pdf"))
	for _, f := range files {
		inputs[filepath.Base(f)] = readFixture(t, "batch", filepath.Base(f))
	}
	parallel := 0
	for name, data := range inputs {
		for _, split := range []Split{{}, {Every: 2}, {Address: true}} {
			t.Run(fmt.Sprintf("%s/%q", name, split), func(t *testing.T) {
				seq, n := checkWithRuns(t, data, split, 1<<20)
				if n > 1 {
					t.Fatalf("%d Rasters checked the file page by page", n)
				}
				par, n := checkWithRuns(t, data, split, 2)
				if n > 1 {
					parallel++
				}
				if !bytes.Equal(par, seq) {
					t.Errorf("on %d Rasters:\n%s\npage by page:\n%s", n, par, seq)
				}
			})
		}
	}
	// The pool is free between checks, so most files got a second one.
	if parallel < len(inputs) {
		t.Errorf("only %d of %d checks ran on more than one Raster", parallel, 3*len(inputs))
	}
}

// TestParallelTimeLimit: a check on several Rasters that the file's time
// limit stops says how far it got, and reports only what the pages it got
// to hold.
func TestParallelTimeLimit(t *testing.T) {
	data := mergedBatch(t)
	full := map[string]bool{}
	for _, split := range []Split{{Every: 2}, {Address: true}} {
		rep, err := Check(context.Background(), "batch.pdf", data, Options{Split: split})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			full[fmt.Sprint(split, f.Rule, f.Page, f.Message)] = true
		}
	}
	old := zoneRunPages
	zoneRunPages = 2
	defer func() { fileContext, zonePageStarted, zoneRunPages = context.WithTimeout, nil, old }()
	checked := regexp.MustCompile(`; pages 1-(\d+) of \d+ were checked$|; page (1) of \d+ was checked$|; (no) page was checked$`)
	for _, split := range []Split{{Every: 2}, {Address: true}} {
		for _, stopAt := range []int{9, 30} {
			t.Run(fmt.Sprintf("%s stop at %d", split, stopAt), func(t *testing.T) {
				var stop context.CancelFunc
				fileContext = func(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
					ctx, stop = context.WithCancel(ctx)
					return ctx, stop
				}
				zonePageStarted = func(n int) {
					if n == stopAt {
						stop()
					}
				}
				rep, err := Check(context.Background(), "batch.pdf", data, Options{Split: split})
				if err != nil {
					t.Fatal(err)
				}
				done := -1
				for _, f := range rep.Findings {
					if m := checked.FindStringSubmatch(f.Message); f.Rule == Unreadable.ID && m != nil {
						done, _ = strconv.Atoi(m[1] + m[2]) // "no": 0
					}
				}
				if done < 0 || done >= stopAt {
					t.Fatalf("stopped at page %d: findings %+v", stopAt, rep.Findings)
				}
				for _, f := range rep.Findings {
					// The page past the last checked may have had its
					// address read before the stop, as page by page.
					if f.Rule != Unreadable.ID && (f.Page > done+1 || !full[fmt.Sprint(split, f.Rule, f.Page, f.Message)]) {
						t.Errorf("pages 1-%d checked, but finding %+v", done, f)
					}
				}
				if rep.OK {
					t.Error("a stopped check is ok")
				}
			})
		}
	}
}
