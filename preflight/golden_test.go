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
}

// fixtureSets are the folders under testdata whose PDFs have goldens.
var fixtureSets = []string{"doc", "traps", "address", "producers", "hostile"}

// TestGolden checks every fixture PDF and compares the report with the
// golden file beside it (NAME.golden.json). With -update it writes the
// goldens, keeping the options of an existing one; review the diff.
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
		name := strings.TrimPrefix(filepath.ToSlash(path), "../")
		t.Run(name, func(t *testing.T) {
			goldenPath := strings.TrimSuffix(path, ".pdf") + ".golden.json"
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
}

func checkFixture(t *testing.T, path, name string, o goldenOptions) *preflight.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := preflight.Options{Window: o.Window, Country: o.Country}
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
