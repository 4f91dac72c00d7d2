package pingen

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func testEntry(id, sha string) Entry {
	return Entry{ID: id, File: "a.pdf", SHA256: sha, Options: testOptions, CreateKey: "key-" + id, KeyTime: t0, Created: t0, Updated: t0}
}

func openJournal(t *testing.T, path string) *Journal {
	t.Helper()
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestJournalReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "journal.jsonl")
	j := openJournal(t, path)
	e, resumed, err := j.begin(testEntry("e1", "aa"), true)
	if err != nil || resumed {
		t.Fatalf("begin: %v, resumed %v", err, resumed)
	}
	e.Upload = &Upload{URL: "https://s/x?sig=1", Signature: "a+b=", ExpiresAt: t0.Add(time.Hour)}
	j.put(e)
	e.LetterID, e.Status, e.Updated = "L1", StatusValidating, t0.Add(time.Second)
	j.put(e)
	if err := j.SetStatus("L1", StatusValid, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	j.put(testEntry("e2", "bb"))
	j.Close()

	j2 := openJournal(t, path)
	got, err := j2.Entries()
	if err != nil {
		t.Fatal(err)
	}
	want1 := e
	want1.Status, want1.Updated = StatusValid, t0.Add(time.Minute)
	if len(got) != 2 || !reflect.DeepEqual(got[0], want1) || !reflect.DeepEqual(got[1], testEntry("e2", "bb")) {
		t.Fatalf("replayed\n%+v\nwant\n%+v", got, []Entry{want1, testEntry("e2", "bb")})
	}
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("%d lines, want 5 (append-only)", n)
	}
	if runtime.GOOS != "windows" {
		for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
				t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), mode)
			}
		}
	}
	if err := j2.SetStatus("nope", StatusSent, t0); err == nil {
		t.Error("SetStatus of an unknown letter succeeded")
	}
}

func TestJournalMatch(t *testing.T) {
	j := openJournal(t, filepath.Join(t.TempDir(), "j.jsonl"))
	pending := testEntry("pending", "aa")
	failed := testEntry("failed", "bb")
	failed.Err = "pingen: 422"
	cancelled := testEntry("cancelled", "cc")
	cancelled.LetterID, cancelled.Status = "L3", StatusCancelled
	sent := testEntry("sent", "dd")
	sent.LetterID, sent.Status = "L4", StatusSent
	for _, e := range []Entry{pending, failed, cancelled, sent} {
		j.put(e)
	}
	other := testOptions
	other.PrintMode = Simplex
	tests := []struct {
		sha    string
		opts   LetterOptions
		wantID string // empty: no match
	}{
		{"aa", testOptions, "pending"},
		{"aa", other, ""},
		{"bb", testOptions, ""},
		{"cc", testOptions, ""},
		{"dd", testOptions, "sent"},
		{"ee", testOptions, ""},
	}
	for _, tt := range tests {
		e, ok, err := j.find(tt.sha, tt.opts)
		if err != nil || ok != (tt.wantID != "") || e.ID != tt.wantID {
			t.Errorf("find(%s, %v) = %q, %v, %v; want %q", tt.sha, tt.opts.PrintMode, e.ID, ok, err, tt.wantID)
		}
	}
}

func TestJournalTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j := openJournal(t, path)
	j.put(testEntry("e1", "aa"))
	j.Close()
	good, _ := os.ReadFile(path)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"v":1,"id":"e2","file":"b.p`)
	f.Close()

	j2 := openJournal(t, path)
	if got, err := j2.Entries(); err != nil || len(got) != 1 || got[0].ID != "e1" {
		t.Fatalf("entries %+v, %v", got, err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(good) {
		t.Fatalf("torn line not dropped:\n%s", b)
	}
	j2.put(testEntry("e3", "cc"))
	j2.Close()
	if got, err := openJournal(t, path).Entries(); err != nil || len(got) != 2 {
		t.Fatalf("after a new line: %+v, %v", got, err)
	}
}

func TestJournalRefusesDamage(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"garbage line", `{"v":1,"id":"e1"}` + "\nnot json\n", "line 2"},
		{"future version", `{"v":2,"id":"e1"}` + "\n", "line 1: unknown version 2"},
		{"no id", `{"v":1}` + "\n", "line 1: unknown version 1 or no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.jsonl")
			os.WriteFile(path, []byte(tt.content), 0o600)
			if _, err := OpenJournal(path); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestJournalSharedFile has several Journals on one file, as several
// processes would, begin the same submission at once: they must agree on
// one entry.
func TestJournalSharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	const n = 8
	ids := make([]string, n)
	resumed := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		j := openJournal(t, path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, r, err := j.begin(testEntry("e"+string(rune('a'+i)), "aa"), true)
			if err != nil {
				t.Error(err)
			}
			ids[i], resumed[i] = e.ID, r
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range n {
		if ids[i] != ids[0] {
			t.Errorf("entries %q differ", ids)
		}
		if !resumed[i] {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d fresh entries, want 1", fresh)
	}
	if got, _ := openJournal(t, path).Entries(); len(got) != 1 {
		t.Errorf("%d entries on disk, want 1", len(got))
	}
}

func TestDefaultJournalPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	home := map[string]string{
		"darwin":  "/home/u/Library/Application Support/lettergate/journal.jsonl",
		"ios":     "/home/u/Library/Application Support/lettergate/journal.jsonl",
		"windows": "",
	}[runtime.GOOS]
	if _, ok := map[string]bool{"darwin": true, "ios": true, "windows": true}[runtime.GOOS]; !ok {
		home = "/home/u/.local/share/lettergate/journal.jsonl"
	}
	xdg := t.TempDir() // absolute on every system
	tests := []struct {
		name string
		env  func(string) string
		want string
	}{
		{"XDG_DATA_HOME", env("XDG_DATA_HOME", xdg, "HOME", "/home/u"), filepath.Join(xdg, "lettergate", "journal.jsonl")},
		{"relative XDG_DATA_HOME is ignored", env("XDG_DATA_HOME", "data", "HOME", "/home/u"), home},
		{"HOME", env("HOME", "/home/u"), home},
		{"nothing", env(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultJournalPath(tt.env)
			if got != tt.want || (err != nil) != (tt.want == "") {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
