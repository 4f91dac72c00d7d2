package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestPreviewCommand(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	pngSize := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return img.Bounds().Size().String()
	}

	out := filepath.Join(dir, "footer.png")
	r := runCLI(t, nil, "preview", "testdata/traps/form_footer.pdf", "-o", out)
	if r.code != exitOK || r.stdout != "wrote "+out+" (page 1, 827 x 1170 px)\n" {
		t.Fatalf("preview: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := pngSize(out); got != "(827,1170)" {
		t.Errorf("PNG size %s", got)
	}

	out = filepath.Join(dir, "letter.png")
	r = runCLI(t, nil, "preview", "--all", "--dpi", "50", "testdata/doc/good_letter.pdf", "-o", out)
	want := "wrote " + filepath.Join(dir, "letter-1.png") + " (page 1, 414 x 585 px)\n" +
		"wrote " + filepath.Join(dir, "letter-2.png") + " (page 2, 414 x 585 px)\n"
	if r.code != exitOK || r.stdout != want {
		t.Fatalf("preview --all: exit %d, stdout %q, want %q (stderr %q)", r.code, r.stdout, want, r.stderr)
	}

	out = filepath.Join(dir, "checked.pdf")
	r = runCLI(t, nil, "preview", "--pdf", "testdata/traps/form_footer.pdf", "-o", out)
	if r.code != exitOK || r.stdout != "wrote "+out+" (1 page, 1 error)\n" {
		t.Fatalf("preview --pdf: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The copy is a valid PDF with the same findings as the original: the
	// overlay sits on top, it does not move the footer.
	check := runCLI(t, nil, "check", "--format", "json", out)
	if check.code != exitFindings || !strings.Contains(check.stdout, `"rule":"zone.border"`) {
		t.Errorf("check of the overlay PDF: exit %d, %s", check.code, check.stdout)
	}

	for _, tt := range []struct {
		name string
		args []string
		err  string
	}{
		{"page out of range", []string{"preview", "--page", "3", "testdata/doc/good_letter.pdf", "-o", filepath.Join(dir, "x.png")},
			"lettergate: testdata/doc/good_letter.pdf: page 3: the file has 2 pages\n"},
		{"page and all", []string{"preview", "--page", "2", "--all", "testdata/doc/good_letter.pdf"},
			"lettergate: give --page or --all, not both\n"},
		{"pdf and dpi", []string{"preview", "--pdf", "--dpi", "200", "testdata/doc/good_letter.pdf"},
			"lettergate: --pdf draws every page as vectors; --page, --all and --dpi are for PNG\n"},
		{"overwrite the input", []string{"preview", "--pdf", "testdata/doc/good_letter.pdf", "-o", "testdata/doc/good_letter.pdf"},
			"lettergate: testdata/doc/good_letter.pdf: the output would overwrite the input\n"},
		{"unreadable", []string{"preview", "testdata/doc/not_a_pdf.pdf", "-o", filepath.Join(dir, "y.png")},
			"lettergate: testdata/doc/not_a_pdf.pdf: nothing to draw: the file cannot be read: not a PDF: no %PDF- header in the first 1024 bytes\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != exitError || r.stderr != tt.err {
				t.Errorf("exit %d, stderr %q, want exit 2 and %q", r.code, r.stderr, tt.err)
			}
		})
	}
}

func TestCheckPreviewDir(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "previews")
	r := runCLI(t, nil, "check", "--jobs", "2", "--preview", dir,
		"testdata/traps/form_footer.pdf", "testdata/traps/page3_border.pdf", "testdata/doc/good_letter.pdf", "testdata/doc/not_a_pdf.pdf")
	if r.code != exitFindings || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	// Only pages with findings; none for the passing letter or the file
	// that has no pages to draw.
	want := []string{"testdata_traps_form_footer-page1.png", "testdata_traps_page3_border-page3.png"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("previews %v, want %v", got, want)
	}
}

func TestPreviewName(t *testing.T) {
	for in, want := range map[string]string{
		"a.pdf":              "a-page2.png",
		"in/2026/a.pdf":      "in_2026_a-page2.png",
		"../up/b.PDF":        "up_b-page2.png",
		"/abs/dir/c d.pdf":   "abs_dir_c_d-page2.png",
		"./x/../y/letter.pd": "y_letter-page2.png",
	} {
		if got := previewName(in, 2); got != want {
			t.Errorf("previewName(%q) = %q, want %q", in, got, want)
		}
	}
}
