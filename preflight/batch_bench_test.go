package preflight

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// batchFile draws n two-page letters into one PDF as a print pipeline
// merges them: sender, address, date and body on page 1, and on page 2
// body text from the top margin down, through the window region, as
// continuation pages have it; a footer on both.
func batchFile(tb testing.TB, n int) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	const line = "Wir danken Ihnen für Ihren Auftrag und stellen Ihnen die folgenden Leistungen in"
	for i := 0; i < n; i++ {
		for p := 1; p <= 2; p++ {
			pdf.AddPage()
			pdf.SetFont("go", "", 10)
			top := 30.0
			if p == 1 {
				pdf.Text(25, 18, "Muster AG, Bahnhofstrasse 1, 8001 Zürich")
				pdf.Text(24.3, 66, fmt.Sprintf("Kunde %d", i+1))
				pdf.Text(24.3, 70.5, "Seestrasse 12")
				pdf.Text(24.3, 75, "8002 Zürich")
				pdf.Text(130, 100, "Zürich, 27. November 2026")
				top = 120
			}
			for y := top; y < 270; y += 5.5 {
				pdf.Text(25, y, line)
			}
			pdf.SetFont("go", "", 8)
			pdf.Text(25, 287, fmt.Sprintf("Muster AG · Bahnhofstrasse 1 · 8001 Zürich · Seite %d/2", p))
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// heapPeak samples the heap in use until stopped and returns the largest
// value seen: PDFium's WebAssembly memory is Go memory, so it is counted.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// BenchmarkCheckBatch checks merged batches of two-page letters (200 and
// 2,000 pages) split every two pages and by address, as lettergate check
// --split does, with a warm engine: pages per second and the peak heap
// (PDFium's memory included).
func BenchmarkCheckBatch(b *testing.B) {
	if err := pdfdoc.StartEngine(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, letters := range []int{100, 1000} {
		data := batchFile(b, letters)
		for _, split := range []Split{{Every: 2}, {Address: true}} {
			b.Run(fmt.Sprintf("pages=%d/split=%s", 2*letters, split), func(b *testing.B) {
				runtime.GC()
				stop := heapPeak()
				pages := 0
				for b.Loop() {
					rep, err := Check(context.Background(), "batch.pdf", data, Options{Split: split})
					if err != nil {
						b.Fatal(err)
					}
					if !rep.OK || len(rep.Letters) != letters {
						b.Fatalf("ok %v, %d letters, findings %+v", rep.OK, len(rep.Letters), rep.Findings)
					}
					pages += rep.Pages
				}
				peak := stop()
				b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
				b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
				b.ReportMetric(float64(len(data))/(1<<20), "MB-file")
			})
		}
	}
}
