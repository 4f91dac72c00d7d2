package preflight_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// FuzzCheck runs the whole check on arbitrary bytes. Whatever the input, it
// must return a consistent report: no panic, no hang, no unknown rule.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/doc/*.pdf")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) < 64<<10 { // big seeds slow every iteration down
			f.Add(data)
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	opts := preflight.Options{Limits: pdfdoc.Limits{Timeout: 10 * time.Second}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := preflight.Check(context.Background(), "fuzz.pdf", data, opts)
		if err != nil {
			t.Fatalf("Check returned an error instead of a report: %v", err)
		}
		hasError := false
		for _, fd := range rep.Findings {
			if preflight.RuleByID(fd.Rule) == nil {
				t.Fatalf("finding of unknown rule %q", fd.Rule)
			}
			if fd.Severity == preflight.Error {
				hasError = true
			}
		}
		if rep.OK == hasError {
			t.Fatalf("ok = %v with findings %+v", rep.OK, rep.Findings)
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("report does not encode: %v", err)
		}
	})
}
