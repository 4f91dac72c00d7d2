package preflight

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// batchLetters draws n two-page letters into one PDF, as a print pipeline
// batches them: an address, a body and a footer 10 mm above the bottom edge
// on every page (nothing near a zone).
func batchLetters(tb testing.TB, n int) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	for i := 0; i < n; i++ {
		for p := 1; p <= 2; p++ {
			pdf.AddPage()
			pdf.SetFont("go", "", 10)
			if p == 1 {
				pdf.Text(130, 22, "Muster AG")
				pdf.Text(24, 66, fmt.Sprintf("Kunde %d", i+1))
				pdf.Text(24, 70.5, "Seestrasse 12")
				pdf.Text(24, 75, "8002 Zürich")
			}
			for l := 0; l < 25; l++ {
				pdf.Text(25, 100+float64(l)*6, "Vielen Dank für Ihre Bestellung. Die Ware verlässt unser Lager bald.")
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

func readFixture(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// TestPlainLetterRendersNothing: on a letter with nothing near a zone the
// bounds filter settles every zone, and nothing is rendered.
func TestPlainLetterRendersNothing(t *testing.T) {
	for _, data := range [][]byte{readFixture(t, "doc", "good_letter.pdf"), batchLetters(t, 2)} {
		r := openZoneRaster(t, data)
		for n := 1; n <= r.PageCount(); n++ {
			ctx := context.Background()
			g, _ := r.Geometry(ctx, n)
			prof, win := pingen(t)
			inks, err := scanZones(ctx, r, n, g, pageZones(prof, win, n, g, nil), true)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range inks {
				if len(k.areas) > 0 {
					t.Errorf("page %d: zone %s rendered %d areas", n, k.zone.id, len(k.areas))
				}
			}
		}
		r.Close()
	}
}

// BenchmarkZones measures the zone checks (all zones of all pages, with
// their explanation) in pages per second:
//
//   - letter: the 2-page good_letter fixture, filter only;
//   - batch200: 100 letters of 2 pages in one file;
//   - footer: the form_footer trap, one page whose bottom border is
//     rendered and explained.
//
// "warm" takes the PDFium instance from the pool as a running process
// does; "cold" gives every iteration a new instance (module instantiated,
// PDFium initialised, its font caches empty), as the first file of a
// process pays after the engine has started. The engine start itself
// (compiling the module, or loading it from the cache) is measured by
// pdfdoc's BenchmarkEngineStart.
func BenchmarkZones(b *testing.B) {
	prof, win := pingen(b)
	inputs := []struct {
		name string
		data []byte
	}{
		{"letter", readFixture(b, "doc", "good_letter.pdf")},
		{"batch200", batchLetters(b, 100)},
		{"footer", readFixture(b, "traps", "form_footer.pdf")},
	}
	if err := pdfdoc.StartEngine(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, in := range inputs {
		for _, mode := range []string{"cold", "warm"} {
			b.Run(in.name+"/"+mode, func(b *testing.B) {
				ctx := context.Background()
				pages := 0
				var open time.Duration
				for b.Loop() {
					t0 := time.Now()
					r, err := pdfdoc.OpenRaster(ctx, in.data, pdfdoc.RasterOptions{Discard: mode == "cold"})
					if err != nil {
						b.Fatal(err)
					}
					open += time.Since(t0)
					if _, _, _, err := checkZones(ctx, r, prof, win, letterFinder{}); err != nil {
						b.Fatal(err)
					}
					pages += r.PageCount()
					r.Close()
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(pages)/sec, "pages/s")
				b.ReportMetric(sec*1000/float64(pages), "ms/page")
				b.ReportMetric(open.Seconds()*1000/float64(b.N), "ms-open/file")
			})
		}
	}
}
