package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestBatchFolder checks a folder of 1,000 letters with broken ones mixed
// in: every file is reported once, the summary and exit status are right,
// and the heap does not grow with the number of files checked.
func TestBatchFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("checks 1,000 files")
	}
	chdirRoot(t)
	dir := t.TempDir()
	sources := map[string]int{ // fixture -> copies
		"testdata/doc/good_letter.pdf": 960,
		"testdata/doc/form_field.pdf":  10, // ok, with a warning
		"testdata/doc/us_letter.pdf":   10,
		"testdata/doc/not_a_pdf.pdf":   10,
		"testdata/doc/truncated.pdf":   10,
	}
	total := 0
	for src, n := range sources {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			// Spread over subfolders: the walk must find them all.
			name := filepath.Join(dir, fmt.Sprintf("batch%d", total%7), fmt.Sprintf("%s-%03d.pdf", strings.TrimSuffix(filepath.Base(src), ".pdf"), i))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			total++
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a letter"), 0o644); err != nil {
		t.Fatal(err)
	}

	mem := &heapSampler{every: 100}
	e := &env{stdout: mem, getenv: func(string) string { return "" }}
	var stderr bytes.Buffer
	e.stderr = &stderr
	e.stdin = strings.NewReader("")
	code := run(context.Background(), e, []string{"check", "--format", "json", dir})

	if code != exitFindings {
		t.Errorf("exit %d, want 1", code)
	}
	if mem.lines != total {
		t.Errorf("%d reports, want %d", mem.lines, total)
	}
	want := fmt.Sprintf("\n%d files checked, 1940 pages: 970 ok, 30 failed (30 errors, 10 warnings)\n"+
		"files by rule: pdf.unreadable 20, page.format 10, interactive.content 10\n", total)
	if stderr.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", stderr.String(), want)
	}
	seen := map[string]bool{}
	for _, f := range mem.files {
		if seen[f] {
			t.Errorf("%s reported twice", f)
		}
		seen[f] = true
	}

	// The heap after the last hundred files is about the heap after the
	// first hundred: nothing accumulates per file. The margin covers the
	// engine's pools and the garbage collector's pacing.
	first, last := mem.samples[0], mem.samples[len(mem.samples)-1]
	t.Logf("heap in use after %d files: %.1f MB; after %d: %.1f MB", mem.every, float64(first)/1e6, mem.lines, float64(last)/1e6)
	if last > first+32<<20 {
		t.Errorf("heap grew from %.1f MB to %.1f MB over the batch", float64(first)/1e6, float64(last)/1e6)
	}
}

// heapSampler reads JSON Lines reports and samples the heap in use every
// so many reports, after a garbage collection.
type heapSampler struct {
	mu      sync.Mutex
	every   int
	lines   int
	files   []string
	samples []uint64
	partial []byte
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.partial = append(h.partial, p...)
	sc := bufio.NewScanner(bytes.NewReader(h.partial))
	sc.Buffer(nil, 1<<20)
	consumed := 0
	for sc.Scan() {
		line := sc.Bytes()
		if consumed+len(line) >= len(h.partial) || h.partial[consumed+len(line)] != '\n' {
			break // incomplete last line
		}
		consumed += len(line) + 1
		var r struct{ File string }
		if err := json.Unmarshal(line, &r); err != nil {
			return 0, fmt.Errorf("report %d: %w", h.lines+1, err)
		}
		h.files = append(h.files, r.File)
		h.lines++
		if h.lines%h.every == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			h.samples = append(h.samples, ms.HeapInuse)
		}
	}
	h.partial = append(h.partial[:0], h.partial[consumed:]...)
	return len(p), nil
}
