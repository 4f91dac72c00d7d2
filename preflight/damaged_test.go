package preflight_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/lettergate/lettergate/preflight"
)

// damaged returns broken and mutated versions of real fixtures: truncations,
// bit flips, bad cross-reference tables, corrupt Flate data, garbage. The
// mutations are seeded, so every run sees the same files.
func damaged(t *testing.T) map[string][]byte {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile("../testdata/doc/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	letter := read("good_letter.pdf") // fpdf, Flate streams
	raw := read("form_field.pdf")     // hand-written, uncompressed
	rng := rand.New(rand.NewPCG(1, 2))
	out := map[string][]byte{}
	for _, pct := range []int{1, 10, 30, 50, 70, 90, 99} {
		out[fmt.Sprintf("truncated %d%%", pct)] = letter[:len(letter)*pct/100]
	}
	out["tail cut"] = letter[:len(letter)-20]
	out["empty"] = nil
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.IntN(256))
	}
	out["garbage"] = garbage
	out["header then garbage"] = append([]byte("%PDF-1.7\n"), garbage...)
	for i := range 10 {
		b := bytes.Clone(letter)
		for range 1 + i {
			b[rng.IntN(len(b))] ^= 1 << rng.IntN(8)
		}
		out[fmt.Sprintf("bit flips %d", i+1)] = b
	}
	for i := range 5 {
		b := bytes.Clone(raw)
		b[rng.IntN(len(b))] ^= 0xff
		out[fmt.Sprintf("raw byte flip %d", i+1)] = b
	}
	offsets := regexp.MustCompile(`(?m)^(\d{10}) 00000 n`)
	out["xref offsets shifted"] = offsets.ReplaceAllFunc(raw, func(m []byte) []byte {
		var n int
		fmt.Sscanf(string(m), "%d", &n)
		return []byte(fmt.Sprintf("%010d 00000 n", n+7))
	})
	out["bad startxref"] = regexp.MustCompile(`startxref\n\d+`).ReplaceAll(raw, []byte("startxref\n999999"))
	out["no trailer"] = bytes.Replace(raw, []byte("trailer"), []byte("trailor"), 1)
	if i := bytes.Index(letter, []byte("stream\n")); i > 0 {
		b := bytes.Clone(letter)
		for k := i + 20; k < i+60 && k < len(b); k++ {
			b[k] = 'x'
		}
		out["corrupt flate"] = b
	}
	out["leading junk"] = append([]byte("JUNK JUNK JUNK\n"), raw...)
	out["trailing junk"] = append(bytes.Clone(raw), bytes.Repeat([]byte("junk "), 100)...)
	out["space after header"] = bytes.Replace(raw, []byte("%PDF-1.7\n"), []byte("%PDF-1.7 \n"), 1)
	mid := len(letter) / 2
	out["chunk deleted"] = append(bytes.Clone(letter[:mid]), letter[mid+500:]...)
	out["chunk duplicated"] = append(append(bytes.Clone(letter[:mid]), letter[mid-500:mid]...), letter[mid:]...)
	digits := bytes.Clone(raw)
	for range 8 {
		i := rng.IntN(len(digits))
		if digits[i] >= '0' && digits[i] <= '9' {
			digits[i] = '0' + byte(rng.IntN(10))
		}
	}
	out["digits changed"] = digits
	out["dangling page ref"] = bytes.Replace(raw, []byte("/Kids [3 0 R]"), []byte("/Kids [99 0 R]"), 1)
	out["page tree cycle"] = bytes.Replace(raw, []byte("/Kids [3 0 R]"), []byte("/Kids [2 0 R]"), 1)
	out["wrong length"] = bytes.Replace(raw, []byte("/Length 28"), []byte("/Length 9999"), 1)
	out["contents not a stream"] = bytes.Replace(raw, []byte("/Contents 4 0 R"), []byte("/Contents /Nope"), 1)
	out["huge count"] = bytes.Replace(raw, []byte("/Count 1"), []byte("/Count 999999999"), 1)
	out["nul bytes"] = bytes.ReplaceAll(bytes.Clone(raw), []byte(" "), []byte{0})
	return out
}

// TestDamagedFiles feeds broken files to the whole check. Each must give a
// report, with pdf.unreadable or without; none may panic or hang.
func TestDamagedFiles(t *testing.T) {
	files := damaged(t)
	if len(files) < 30 {
		t.Fatalf("only %d damaged files; the test promises at least 30", len(files))
	}
	unreadable := 0
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			rep := checkWithin(t, 30*time.Second, data)
			for _, f := range rep.Findings {
				if preflight.RuleByID(f.Rule) == nil {
					t.Errorf("finding of unknown rule %q", f.Rule)
				}
				if f.Rule == "pdf.unreadable" {
					unreadable++
					if f.Message == "" {
						t.Error("pdf.unreadable without a message")
					}
				}
			}
			if !rep.OK && len(rep.Findings) == 0 {
				t.Error("report not ok but without findings")
			}
		})
	}
	// Most of these files are beyond repair; if none were reported, the
	// rule would be broken.
	if unreadable < len(files)/2 {
		t.Errorf("only %d of %d damaged files reported as pdf.unreadable", unreadable, len(files))
	}
}

// checkWithin runs the whole check on data and fails the test when it
// takes longer than limit.
func checkWithin(t *testing.T, limit time.Duration, data []byte) *preflight.Report {
	t.Helper()
	type result struct {
		rep *preflight.Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := preflight.Check(context.Background(), "damaged.pdf", data, preflight.Options{})
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Check returned an error instead of a report: %v", r.err)
		}
		return r.rep
	case <-time.After(limit):
		t.Fatalf("Check did not finish within %v", limit)
		return nil
	}
}

func TestFileSize(t *testing.T) {
	good, err := os.ReadFile("../testdata/doc/good_letter.pdf")
	if err != nil {
		t.Fatal(err)
	}
	// Padding after %%EOF keeps the file readable and makes it big.
	for _, tt := range []struct {
		size int
		want bool
	}{{8_000_000, false}, {8_000_001, true}} {
		data := append(bytes.Clone(good), bytes.Repeat([]byte("\n"), tt.size-len(good))...)
		rep := checkWithin(t, 60*time.Second, data)
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.Rule+": "+f.Message)
		}
		want := []string{"file.size: the file is 8.0 MB (8000001 bytes); the limit is 8.0 MB (8000000 bytes)"}
		if !tt.want {
			want = nil
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d bytes: findings %q, want %q", tt.size, got, want)
		}
	}
}

// TestCheckReaderTooLarge: a file over MaxReadBytes is measured and
// hashed whole, not read.
func TestCheckReaderTooLarge(t *testing.T) {
	data := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 5000)...)
	rep, err := preflight.CheckReader(context.Background(), "big.pdf", bytes.NewReader(data), preflight.Options{MaxReadBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if rep.SHA256 != hex.EncodeToString(sum[:]) || rep.Bytes != int64(len(data)) || rep.OK {
		t.Errorf("report: sha256 %s, %d bytes, ok %v", rep.SHA256, rep.Bytes, rep.OK)
	}
}
