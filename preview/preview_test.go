package preview

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

func checked(t testing.TB, path string) ([]byte, *preflight.Report) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := preflight.Check(context.Background(), path, data, preflight.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return data, rep
}

// at returns the colour of img at x, y mm from the top-left corner.
func at(img image.Image, dpi, xmm, ymm float64) color.NRGBA {
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	return color.NRGBAModel.Convert(img.At(px(xmm), px(ymm))).(color.NRGBA)
}

// Kinds of colour the overlay paints, told apart with margins wide enough
// for anti-aliasing and blending with the page.
func isWhite(c color.NRGBA) bool { return c.R > 245 && c.G > 245 && c.B > 245 }
func isRedTint(c color.NRGBA) bool {
	return int(c.R)-int(c.G) > 40 && int(c.R)-int(c.B) > 40 && c.R > 180
}
func isGreen(c color.NRGBA) bool {
	return int(c.G)-int(c.R) > 60 && int(c.G)-int(c.B) > 30
}
func isMagenta(c color.NRGBA) bool { return c.R > 200 && c.G < 80 && c.B > 100 }
func isOrangeTint(c color.NRGBA) bool {
	return c.R > c.G && c.G > c.B && int(c.R)-int(c.B) > 12 // light or strong, but orange
}

func TestRenderZones(t *testing.T) {
	data, rep := checked(t, "../testdata/doc/good_letter.pdf")
	pages, err := Render(context.Background(), data, rep, nil, Options{DPI: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0].Number != 1 || pages[1].Number != 2 {
		t.Fatalf("rendered %d pages", len(pages))
	}
	p1, p2 := pages[0].Image, pages[1].Image
	if b := p1.Bounds(); b.Dx() != 827 || b.Dy() != 1170 {
		t.Errorf("page 1 is %v px, want 827 x 1170 (A4 at 100 dpi)", b.Size())
	}
	tests := []struct {
		name   string
		img    *image.RGBA
		x, y   float64
		want   func(color.NRGBA) bool
		expect string
	}{
		{"postage area, page 1", p1, 60, 50, isRedTint, "translucent red"},
		{"reserved margin below the address area", p1, 60, 86.5, isRedTint, "translucent red"},
		{"address area left edge", p1, 22.1, 75, isGreen, "green outline"},
		{"inside the address area", p1, 95, 80, isWhite, "untouched white"},
		{"left border band", p1, 2.5, 150, isOrangeTint, "hatched orange"},
		{"bottom-left corner zone", p1, 10, 287, isOrangeTint, "hatched orange"},
		{"middle of the page", p1, 105, 220, isWhite, "untouched white"},
		{"postage area, page 2", p2, 60, 50, isWhite, "white: the window is a page-1 zone"},
		{"left border band, page 2", p2, 2.5, 150, isOrangeTint, "hatched orange"},
	}
	for _, tt := range tests {
		// Hatching is lines with tinted gaps: look at a few pixels.
		c := at(tt.img, 100, tt.x, tt.y)
		ok := tt.want(c)
		for dx := 0.3; !ok && dx < 1.5 && tt.expect == "hatched orange"; dx += 0.3 {
			c = at(tt.img, 100, tt.x+dx, tt.y)
			ok = tt.want(c)
		}
		if !ok {
			t.Errorf("%s at %.1f, %.1f mm: %v, want %s", tt.name, tt.x, tt.y, c, tt.expect)
		}
	}
}

// TestRenderSplitLetters: with the report of a split file, the window and
// its reserved block are drawn on each letter's first page, and only there.
func TestRenderSplitLetters(t *testing.T) {
	data, err := os.ReadFile("../testdata/batch/letters6.pdf")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		split  preflight.Split
		tinted []bool // postage area of pages 1 to 4
	}{
		{preflight.Split{}, []bool{true, false, false, false}},
		{preflight.Split{Every: 2}, []bool{true, false, true, false}},
	} {
		rep, err := preflight.Check(context.Background(), "letters6.pdf", data, preflight.Options{Split: tt.split})
		if err != nil {
			t.Fatal(err)
		}
		pages, err := Render(context.Background(), data, rep, []int{1, 2, 3, 4}, Options{DPI: 50})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pages {
			if got := isRedTint(at(p.Image, 50, 60, 50)); got != tt.tinted[i] {
				t.Errorf("split %q, page %d: postage area tinted %v, want %v", tt.split, p.Number, got, tt.tinted[i])
			}
		}
	}
	rep := &preflight.Report{Letters: []preflight.Letter{{Letter: 1, FirstPage: 1, Pages: 2}, {Letter: 2, FirstPage: 3, Pages: 3}}}
	for n, want := range map[int]int{1: 1, 2: 2, 3: 1, 5: 3, 6: 6} {
		if got := PageInLetter(rep, n); got != want {
			t.Errorf("PageInLetter(%d) = %d, want %d", n, got, want)
		}
	}
	if got := PageInLetter(nil, 4); got != 4 {
		t.Errorf("PageInLetter(nil, 4) = %d", got)
	}
}

func TestRenderFindingBox(t *testing.T) {
	data, rep := checked(t, "../testdata/traps/form_footer.pdf")
	if len(rep.Findings) != 1 || rep.Findings[0].Box == nil {
		t.Fatalf("fixture findings changed: %+v", rep.Findings)
	}
	box := rep.Findings[0].Box
	pages, err := Render(context.Background(), data, rep, PagesWithFindings(rep), Options{DPI: 150})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].Number != 1 {
		t.Fatalf("pages with findings: %v", pages)
	}
	img := pages[0].Image
	// The box is drawn 1 mm outside the ink, 3 px wide.
	midY := (box.Y0 + box.Y1) / 2
	for _, p := range []struct {
		name string
		x, y float64
	}{
		{"left side", box.X0 - 0.9, midY},
		{"right side", box.X1 + 0.9, midY},
		{"top side", (box.X0 + box.X1) / 2, box.Y0 - 0.9},
	} {
		if c := at(img, 150, p.x, p.y); !isMagenta(c) {
			t.Errorf("%s of the finding box at %.1f, %.1f mm: %v, want magenta", p.name, p.x, p.y, c)
		}
	}
	// The footer text inside the box is not painted over.
	if c := at(img, 150, (box.X0+box.X1)/2, box.Y0+0.3); isMagenta(c) {
		t.Errorf("inside the finding box: %v, want the page", c)
	}
}

func TestRenderRotatedPage(t *testing.T) {
	// Landscape media turned by /Rotate 90: the overlay follows the page as
	// displayed, as does the letter drawn on it.
	data, rep := checked(t, "../testdata/doc/landscape_rotate90.pdf")
	pages, err := Render(context.Background(), data, rep, []int{1}, Options{DPI: 100})
	if err != nil {
		t.Fatal(err)
	}
	img := pages[0].Image
	if b := img.Bounds(); b.Dx() > b.Dy() {
		t.Fatalf("rendered %v: not portrait", b.Size())
	}
	if c := at(img, 100, 60, 50); !isRedTint(c) {
		t.Errorf("postage area: %v, want translucent red", c)
	}
	// The letter reads upright: the first address line's ink is where the
	// page shows it, inside the address area.
	dark := false
	for x := 25.0; x < 45 && !dark; x += 0.2 {
		for y := 63.5; y < 66 && !dark; y += 0.2 {
			c := at(img, 100, x, y)
			dark = c.R < 100 && c.G < 100 && c.B < 100
		}
	}
	if !dark {
		t.Error("no text where the address line shows, at x 25-45, y 63.5-66 mm")
	}
}

func TestRenderBadPage(t *testing.T) {
	data, rep := checked(t, "../testdata/doc/good_letter.pdf")
	if _, err := Render(context.Background(), data, rep, []int{3}, Options{}); err == nil || err.Error() != "page 3: the file has 2 pages" {
		t.Errorf("page 3 of 2: error %v", err)
	}
	if _, err := Render(context.Background(), data, rep, []int{1}, Options{DPI: 2000}); err == nil {
		t.Error("2000 dpi: no error")
	}
}

func TestPagesWithFindings(t *testing.T) {
	rep := &preflight.Report{Findings: []preflight.Finding{
		{Page: 3}, {Page: 0}, {Page: 1, Pages: []int{1, 5}}, {Page: 3},
	}}
	got := PagesWithFindings(rep)
	if len(got) != 3 || got[0] != 1 || got[1] != 3 || got[2] != 5 {
		t.Errorf("PagesWithFindings = %v, want [1 3 5]", got)
	}
}

func TestPDFOverlay(t *testing.T) {
	data, rep := checked(t, "../testdata/traps/form_footer.pdf")
	orig := bytes.Clone(data)
	out, err := PDF(context.Background(), data, rep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, orig) {
		t.Fatal("PDF changed its input")
	}
	doc, err := pdfdoc.Open(context.Background(), out, pdfdoc.Limits{})
	if err != nil {
		t.Fatalf("the overlay PDF does not open: %v", err)
	}
	if doc.PageCount != 1 {
		t.Errorf("overlay PDF has %d pages, want 1", doc.PageCount)
	}
	// Rendered without any overlay of its own, the copy shows the zones
	// and the finding box drawn into it.
	pages, err := Render(context.Background(), out, nil, []int{1}, Options{DPI: 150, Profile: nil})
	if err != nil {
		t.Fatal(err)
	}
	img := pages[0].Image
	if c := at(img, 150, 60, 50); !isRedTint(c) {
		t.Errorf("postage area in the overlay PDF: %v, want translucent red", c)
	}
	box := rep.Findings[0].Box
	if c := at(img, 150, box.X0-1, (box.Y0+box.Y1)/2); !isMagenta(c) {
		t.Errorf("finding box in the overlay PDF: %v, want magenta", c)
	}
}

func TestEncodePNG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	var b bytes.Buffer
	if err := EncodePNG(&b, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&b)
	if err != nil || back.Bounds() != img.Bounds() {
		t.Fatalf("decode: %v, %v", err, back)
	}
}
