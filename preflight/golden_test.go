package preflight_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// golden is the expected outcome of checking one fixture: the options it is
// checked with, and the whole report.
type golden struct {
	Options goldenOptions     `json:"options"`
	Report  *preflight.Report `json:"report"`
}

type goldenOptions struct {
	Profile string `json:"profile,omitempty"` // built-in name; "" = pingen
	Window  string `json:"window,omitempty"`
	Country string `json:"country,omitempty"`
	Split   string `json:"split,omitempty"`   // as --split takes it
	Timeout string `json:"timeout,omitempty"` // as --timeout takes it
}

// fixtureSets are the folders under testdata whose PDFs have goldens.
var fixtureSets = []string{"doc", "traps", "address", "producers", "hostile", "batch"}

// goldenFiles returns the golden files of the fixture at path: NAME.golden.json,
// and NAME.VARIANT.golden.json for each further set of options it is
// checked with.
func goldenFiles(path string) []string {
	base := strings.TrimSuffix(path, ".pdf")
	variants, _ := filepath.Glob(base + ".*.golden.json")
	return append([]string{base + ".golden.json"}, variants...)
}

// TestGolden checks every fixture PDF with the options of each of its
// golden files (see goldenFiles) and compares the report with the golden.
// With -update it writes the goldens, keeping their options, and a
// NAME.golden.json without options where there is none; to check a file
// with other options, write a golden with only {"options": ...} and run
// -update. Review the diff.
func TestGolden(t *testing.T) {
	var files []string
	for _, set := range fixtureSets {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", set, "*.pdf"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures found under ../testdata")
	}
	for _, path := range files {
		for _, goldenPath := range goldenFiles(path) {
			testGolden(t, path, goldenPath)
		}
	}
}

func testGolden(t *testing.T, path, goldenPath string) {
	name := strings.TrimPrefix(filepath.ToSlash(path), "../")
	sub := name // testdata/batch/errors6.pdf, or with a variant testdata/batch/errors6.pdf@address
	if v := strings.TrimSuffix(strings.TrimPrefix(goldenPath, strings.TrimSuffix(path, ".pdf")), ".golden.json"); v != "" {
		sub += "@" + strings.TrimPrefix(v, ".")
	}
	t.Run(sub, func(t *testing.T) {
		var want golden
		data, err := os.ReadFile(goldenPath)
		switch {
		case err == nil:
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", goldenPath, err)
			}
		case !*update:
			t.Fatalf("no golden file %s: run go test ./preflight -run TestGolden -update and review it", goldenPath)
		}
		got := checkFixture(t, path, name, want.Options)
		out := golden{Options: want.Options, Report: got}
		enc, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		enc = append(enc, '\n')
		if *update {
			if !bytes.Equal(enc, data) {
				if err := os.WriteFile(goldenPath, enc, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("updated %s", goldenPath)
			}
			return
		}
		if !bytes.Equal(enc, data) {
			t.Errorf("report differs from %s (run with -update and review the diff):\n%s", goldenPath, enc)
		}
	})
}

func checkFixture(t *testing.T, path, name string, o goldenOptions) *preflight.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	split, err := preflight.ParseSplit(o.Split)
	if err != nil {
		t.Fatal(err)
	}
	opts := preflight.Options{Window: o.Window, Country: o.Country, Split: split}
	if o.Timeout != "" {
		if opts.Limits.Timeout, err = time.ParseDuration(o.Timeout); err != nil {
			t.Fatal(err)
		}
	}
	if o.Profile != "" {
		if opts.Profile, err = rules.Builtin(o.Profile); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := preflight.Check(context.Background(), name, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
