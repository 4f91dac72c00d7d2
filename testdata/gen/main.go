// Command gen writes the fixture PDFs of lettergate's tests.
//
//	go run ./testdata/gen            # all sets
//	go run ./testdata/gen -only doc  # one set
//
// Fixtures are committed; run this after changing a generator, then review
// the rendered files and refresh the goldens (go test ./... -update).
// Files that pdfcpu writes (the encrypted and the rotated ones in doc/)
// differ on every run, as pdfcpu stamps the time and random keys; restore
// them with git when their generator did not change.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// A set writes its fixtures into dir.
type set struct {
	dir   string // under testdata/
	write func(dir string) error
}

// sets are registered by the files of this program, one per fixture family.
var sets = map[string]set{}

func register(name string, s set) { sets[name] = s }

func main() {
	root := flag.String("root", "testdata", "the testdata folder")
	only := flag.String("only", "", "write only this set")
	flag.Parse()
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if *only != "" && n != *only {
			continue
		}
		dir := filepath.Join(*root, sets[n].dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fatal(err)
		}
		if err := sets[n].write(dir); err != nil {
			fatal(fmt.Errorf("set %s: %w", n, err))
		}
		fmt.Println("wrote", dir)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
