package preview

import (
	"context"
	"io"
	"testing"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// BenchmarkPreviewLetter measures the save-and-look loop of a designer on
// a two-page letter with a warm engine: check, render both pages at
// 100 dpi, draw the overlay, encode the PNGs.
func BenchmarkPreviewLetter(b *testing.B) {
	if err := pdfdoc.StartEngine(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		data, rep := checked(b, "../testdata/doc/good_letter.pdf")
		pages, err := Render(context.Background(), data, rep, nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pages {
			if err := EncodePNG(io.Discard, p.Image); err != nil {
				b.Fatal(err)
			}
		}
	}
}
