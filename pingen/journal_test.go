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

// testOrg is the organisation of testEntry's entries.
const testOrg = "6f1d3c0e-2b9a-4c55-8f0d-1e2a3b4c5d6e"

func testEntry(id, sha string) Entry {
	return Entry{ID: id, File: "a.pdf", SHA256: sha, Options: testOptions, Env: Staging, OrganisationID: testOrg,
		CreateKey: "key-" + id, KeyTime: t0, Created: t0, Updated: t0}
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
	at := func(e Entry, d time.Duration) Entry {
		e.Created = t0.Add(d)
		return e
	}
	pending := testEntry("pending", "aa")
	failed := testEntry("failed", "bb")
	failed.Err = "pingen: 422"
	cancelled := testEntry("cancelled", "cc")
	cancelled.LetterID, cancelled.Status = "L3", StatusCancelled
	sent := testEntry("sent", "dd")
	sent.LetterID, sent.Status = "L4", StatusSent
	// For the same file: an older entry with a letter, a newer one whose
	// create went out unanswered, and a newest orphan that never sent one.
	withLetter := at(testEntry("with-letter", "ee"), 0)
	withLetter.LetterID, withLetter.Status = "L5", StatusValid
	unanswered := at(testEntry("unanswered", "ee"), time.Minute)
	unanswered.CreateSent = true
	orphan := at(testEntry("orphan", "ee"), 2*time.Minute)
	unanswered2 := at(testEntry("unanswered2", "ff"), 0)
	unanswered2.CreateSent = true
	orphan2 := at(testEntry("orphan2", "ff"), time.Minute)
	older := at(testEntry("older", "gg"), 0)
	newer := at(testEntry("newer", "gg"), time.Minute)
	production := testEntry("production", "hh")
	production.Env = Production
	legacy := testEntry("legacy", "ii")
	legacy.Env, legacy.OrganisationID = "", ""
	otherOrg := testEntry("other-org", "jj")
	otherOrg.OrganisationID = "0a1b2c3d-0000-4000-8000-000000000001"

	j := openJournal(t, filepath.Join(t.TempDir(), "j.jsonl"))
	for _, e := range []Entry{pending, failed, cancelled, sent, withLetter, unanswered, orphan, unanswered2, orphan2, older, newer, production, legacy, otherOrg} {
		if err := j.put(e); err != nil {
			t.Fatal(err)
		}
	}
	other := testOptions
	other.PrintMode = Simplex
	tests := []struct {
		sha    string
		opts   LetterOptions
		env    Env
		org    string
		wantID string // empty: no match
	}{
		{"aa", testOptions, Staging, testOrg, "pending"},
		{"aa", other, Staging, testOrg, ""},
		{"bb", testOptions, Staging, testOrg, ""},
		{"cc", testOptions, Staging, testOrg, ""},
		{"dd", testOptions, Staging, testOrg, "sent"},
		{"ee", testOptions, Staging, testOrg, "with-letter"},
		{"ff", testOptions, Staging, testOrg, "unanswered2"},
		{"gg", testOptions, Staging, testOrg, "newer"},
		{"hh", testOptions, Staging, testOrg, ""},
		{"hh", testOptions, Production, testOrg, "production"},
		{"aa", testOptions, Production, testOrg, ""},
		{"ii", testOptions, Staging, testOrg, ""},
		{"ii", testOptions, Production, testOrg, ""},
		{"ii", testOptions, Staging, "", ""},
		{"jj", testOptions, Staging, testOrg, ""},
		{"jj", testOptions, Staging, "", "other-org"},
		{"zz", testOptions, Staging, testOrg, ""},
	}
	for _, tt := range tests {
		e, ok, err := j.find(tt.sha, tt.opts, tt.env, tt.org)
		if err != nil || ok != (tt.wantID != "") || e.ID != tt.wantID {
			t.Errorf("find(%s, %s, %s, %q) = %q, %v, %v; want %q", tt.sha, tt.opts.PrintMode, tt.env, tt.org, e.ID, ok, err, tt.wantID)
		}
	}
}

// TestJournalVersion1 reads lines written before the journal recorded the
// account and CreateSent.
func TestJournalVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	const v1 = `{"v":1,"id":"uploaded","file":"a.pdf","sha256":"aa","options":{"address_position":"left","delivery_product":"cheap","print_mode":"duplex","print_spectrum":"grayscale","auto_send":false},"create_key":"k1","key_time":"2026-11-02T09:00:00Z","upload":{"url":"https://s/x","signature":"s","expires_at":"2026-11-02T09:30:00Z"},"created":"2026-11-02T09:00:00Z","updated":"2026-11-02T09:00:00Z"}
{"v":1,"id":"begun","file":"a.pdf","sha256":"bb","options":{"address_position":"left","delivery_product":"cheap","print_mode":"duplex","print_spectrum":"grayscale","auto_send":false},"create_key":"k2","key_time":"2026-11-02T09:00:00Z","created":"2026-11-02T09:00:00Z","updated":"2026-11-02T09:00:00Z"}
{"v":1,"id":"made","file":"a.pdf","sha256":"cc","options":{"address_position":"left","delivery_product":"cheap","print_mode":"duplex","print_spectrum":"grayscale","auto_send":false},"create_key":"k3","key_time":"2026-11-02T09:00:00Z","upload":{"url":"https://s/y","signature":"s","expires_at":"2026-11-02T09:30:00Z"},"letter_id":"L3","status":"valid","created":"2026-11-02T09:00:00Z","updated":"2026-11-02T09:00:00Z"}
`
	if err := os.WriteFile(path, []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	j := openJournal(t, path)
	entries, err := j.Entries()
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		ID         string
		Env        Env
		Org        string
		CreateSent bool
	}
	var have []got
	for _, e := range entries {
		have = append(have, got{e.ID, e.Env, e.OrganisationID, e.CreateSent})
	}
	// An upload was recorded just before the create request: it may have
	// gone out. The environment stays unknown.
	want := []got{{"begun", "", "", false}, {"made", "", "", true}, {"uploaded", "", "", true}}
	if !reflect.DeepEqual(have, want) {
		t.Fatalf("entries %+v, want %+v", have, want)
	}
	for _, env := range []Env{Staging, Production} {
		for _, sha := range []string{"aa", "bb", "cc"} {
			if e, ok, _ := j.find(sha, testOptions, env, ""); ok {
				t.Errorf("entry %s of unknown environment matched for %s", e.ID, env)
			}
		}
	}
	// Its letter stays known, and its status can be recorded, as version 2.
	if e, ok, err := j.EntryByLetter("L3"); err != nil || !ok || e.ID != "made" {
		t.Errorf("EntryByLetter(L3) = %+v, %v, %v", e, ok, err)
	}
	if err := j.SetStatus("L3", StatusSent, t0); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if last := lines[len(lines)-1]; len(lines) != 4 || !strings.HasPrefix(last, `{"v":2,"id":"made",`) || strings.Contains(last, `"env"`) {
		t.Errorf("after SetStatus: %d lines, last %s", len(lines), last)
	}
}

func TestJournalEntryByLetter(t *testing.T) {
	j := openJournal(t, filepath.Join(t.TempDir(), "j.jsonl"))
	made := testEntry("made", "aa")
	made.LetterID = "L1"
	for _, e := range []Entry{testEntry("pending", "bb"), made} {
		j.put(e)
	}
	tests := []struct{ letter, wantID string }{{"L1", "made"}, {"L2", ""}, {"", ""}}
	for _, tt := range tests {
		e, ok, err := j.EntryByLetter(tt.letter)
		if err != nil || ok != (tt.wantID != "") || e.ID != tt.wantID {
			t.Errorf("EntryByLetter(%q) = %q, %v, %v; want %q", tt.letter, e.ID, ok, err, tt.wantID)
		}
	}
}

func TestEntryFor(t *testing.T) {
	e := testEntry("e", "aa")
	legacy := e
	legacy.Env, legacy.OrganisationID = "", ""
	tests := []struct {
		e    Entry
		cfg  Config
		want bool
	}{
		{e, Config{Env: Staging, OrganisationID: testOrg}, true},
		{e, Config{OrganisationID: testOrg}, true}, // empty Env is staging
		{e, Config{Env: Production, OrganisationID: testOrg}, false},
		{e, Config{Env: Staging, OrganisationID: "other"}, false},
		{legacy, Config{OrganisationID: testOrg}, false},
		{legacy, Config{}, false},
	}
	for i, tt := range tests {
		if got := tt.e.For(tt.cfg); got != tt.want {
			t.Errorf("%d: For(%s, %q) = %v, want %v", i, tt.cfg.Env, tt.cfg.OrganisationID, got, tt.want)
		}
	}
}

// TestJournalUpdate changes an entry that another Journal on the same file
// (another process) changed after this one last read it.
func TestJournalUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, other := openJournal(t, path), openJournal(t, path)
	j.put(testEntry("e1", "aa"))
	moved := testEntry("e1", "aa")
	moved.CreateKey = "renewed"
	other.put(moved)

	lines := func() int {
		b, _ := os.ReadFile(path)
		return strings.Count(string(b), "\n")
	}
	tests := []struct {
		name    string
		fn      func(*Entry) error
		wantErr error
		wantKey string // CreateKey of the entry returned
		lines   int
	}{
		{"sees the other's change", func(e *Entry) error {
			if e.CreateKey != "renewed" {
				return errMoved
			}
			e.Status = StatusValid
			return nil
		}, nil, "renewed", 3},
		{"refuses", func(*Entry) error { return errMoved }, errMoved, "renewed", 3},
		{"no change, no line", func(*Entry) error { return nil }, nil, "renewed", 3},
	}
	for _, tt := range tests {
		e, err := j.update("e1", tt.fn)
		if err != tt.wantErr || e.CreateKey != tt.wantKey || e.Status != StatusValid || lines() != tt.lines {
			t.Errorf("%s: %+v, %v, %d lines; want key %s, error %v, %d lines", tt.name, e, err, lines(), tt.wantKey, tt.wantErr, tt.lines)
		}
	}
	if _, err := j.update("nope", func(*Entry) error { return nil }); err == nil {
		t.Error("update of an unknown entry succeeded")
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
		{"future version", `{"v":3,"id":"e1"}` + "\n", "line 1: unknown version 3"},
		{"no version", `{"id":"e1"}` + "\n", "line 1: unknown version 0"},
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
