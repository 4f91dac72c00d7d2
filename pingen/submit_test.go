package pingen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

// sameEntry compares entries as the journal stores them: times that are
// the same instant in another time.Location are equal.
func sameEntry(a, b Entry) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func testSubmission(name string) Submission {
	return Submission{FileName: name, PDF: []byte(testPDF), Options: testOptions}
}

func newSubmitter(t *testing.T, srv *pingentest.Server, path string, opts ...Option) (*Submitter, *fakeClock) {
	t.Helper()
	c, clk := newTestClient(t, srv, opts...)
	return &Submitter{Client: c, Journal: openJournal(t, path)}, clk
}

func TestSubmit(t *testing.T) {
	auto := testOptions
	auto.AutoSend = true
	tests := []struct {
		name    string
		file    string
		opts    LetterOptions
		wait    bool
		send    bool
		timeout time.Duration
		status  Status
		err     string // the error's text, exactly, with LETTER for the letter id
		sleeps  []time.Duration
	}{
		{"create only", "letter.pdf", testOptions, false, false, 0, StatusValidating, "", nil},
		{"auto-send and wait", "letter.pdf", auto, true, false, 0, StatusSubmitted, "", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"send when valid", "letter.pdf", testOptions, false, true, 0, StatusSubmitted, "", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"action required is not sent", "x_simulate_action_required.pdf", testOptions, false, true, 0, StatusActionRequired,
			"submit x_simulate_action_required.pdf: letter LETTER is action_required: pingen: refused by Pingen's validation", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"invalid found by waiting", "x_simulate_invalid.pdf", testOptions, true, false, 0, StatusInvalid,
			"submit x_simulate_invalid.pdf: letter LETTER is invalid: pingen: refused by Pingen's validation", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"invalid and auto-send", "x_simulate_invalid.pdf", auto, true, false, 0, StatusInvalid,
			"submit x_simulate_invalid.pdf: letter LETTER is invalid: pingen: refused by Pingen's validation", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"wait gives up", "letter.pdf", testOptions, true, false, 4 * time.Second, StatusValidating, "", []time.Duration{time.Second, 2 * time.Second}},
		{"send gives up", "letter.pdf", testOptions, false, true, 4 * time.Second, StatusValidating,
			"submit letter.pdf: letter LETTER is still validating; not sent", []time.Duration{time.Second, 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.SetValidationDelay(5 * time.Second)
			s, clk := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
			s.WaitTimeout = tt.timeout
			sub := testSubmission(tt.file)
			sub.Options, sub.Wait, sub.Send = tt.opts, tt.wait, tt.send
			res, err := s.Submit(context.Background(), sub)
			letters := srv.Letters()
			if len(letters) != 1 || res.Letter.ID != letters[0].ID || res.Entry.LetterID != letters[0].ID {
				t.Fatalf("result %+v, error %v; fake has %d letters", res, err, len(letters))
			}
			want := strings.ReplaceAll(tt.err, "LETTER", letters[0].ID)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || err.Error() != want) {
				t.Fatalf("error %v, want %q", err, want)
			}
			if refused := tt.status == StatusActionRequired || tt.status == StatusInvalid; errors.Is(err, ErrRefused) != refused {
				t.Errorf("errors.Is(%v, ErrRefused) = %v, want %v", err, !refused, refused)
			}
			if res.Entry.Env != Staging || res.Entry.OrganisationID != srv.OrganisationID || !res.Entry.CreateSent {
				t.Errorf("entry account %q %q, create sent %v; want staging, %s, true", res.Entry.Env, res.Entry.OrganisationID, res.Entry.CreateSent, srv.OrganisationID)
			}
			if res.Letter.Status != tt.status || res.Entry.Status != tt.status || res.Resumed {
				t.Errorf("status %s, entry %s, resumed %v; want %s", res.Letter.Status, res.Entry.Status, res.Resumed, tt.status)
			}
			if !reflect.DeepEqual(clk.slept(), tt.sleeps) {
				t.Errorf("slept %v, want %v", clk.slept(), tt.sleeps)
			}
			sum := sha256.Sum256([]byte(testPDF))
			entries, _ := s.Journal.Entries()
			if len(entries) != 1 || !sameEntry(entries[0], res.Entry) || entries[0].SHA256 != hex.EncodeToString(sum[:]) || entries[0].File != tt.file {
				t.Errorf("journal %+v, want %+v", entries, res.Entry)
			}
			if c := requests(srv, pingentest.OpCreate); len(c) != 1 || c[0].IdempotencyKey != res.Entry.CreateKey {
				t.Errorf("creates %+v, want one with key %s", c, res.Entry.CreateKey)
			}
			sends := requests(srv, pingentest.OpSend)
			if wantSend := tt.send && tt.err == ""; wantSend != (len(sends) == 1) || wantSend && sends[0].IdempotencyKey != res.Entry.SendKey {
				t.Errorf("sends %+v, entry send key %q", sends, res.Entry.SendKey)
			}
		})
	}
}

func TestSubmitWithoutJournal(t *testing.T) {
	srv := pingentest.New(t)
	c, _ := newTestClient(t, srv)
	s := &Submitter{Client: c}
	for range 2 {
		if _, err := s.Submit(context.Background(), testSubmission("letter.pdf")); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Letters()); n != 2 {
		t.Errorf("%d letters, want 2: without a journal nothing is remembered", n)
	}
}

func TestSubmitTwiceMakesOneLetter(t *testing.T) {
	srv := pingentest.New(t)
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
	ctx := context.Background()
	first, err := s.Submit(ctx, testSubmission("letter.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	// Another name for the same bytes and options is the same letter.
	second, err := s.Submit(ctx, testSubmission("renamed.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if !second.Resumed || second.Letter.ID != first.Letter.ID || second.Letter.Status != StatusValid {
		t.Errorf("second %+v", second)
	}
	if n, m := len(srv.Letters()), len(requests(srv, pingentest.OpCreate)); n != 1 || m != 1 {
		t.Errorf("%d letters and %d creates, want 1 and 1", n, m)
	}
	// Other options make another letter, and so does New.
	sub := testSubmission("letter.pdf")
	sub.Options.Spectrum = Color
	if r, err := s.Submit(ctx, sub); err != nil || r.Resumed {
		t.Fatalf("other options: %+v, %v", r, err)
	}
	sub = testSubmission("letter.pdf")
	sub.New = true
	if r, err := s.Submit(ctx, sub); err != nil || r.Resumed {
		t.Fatalf("New: %+v, %v", r, err)
	}
	if n := len(srv.Letters()); n != 3 {
		t.Errorf("%d letters, want 3", n)
	}
}

// crash makes the submitter stop dead between the create call and its
// journal update, as a killed process would.
type crash struct{}

func submitAndCrash(t *testing.T, s *Submitter, sub Submission) {
	t.Helper()
	s.afterCreate = func() { panic(crash{}) }
	defer func() {
		s.afterCreate = nil
		if r := recover(); r != (crash{}) {
			t.Fatalf("submit did not reach the crash point: %v", r)
		}
	}()
	s.Submit(context.Background(), sub)
}

func TestSubmitResumesAfterCrash(t *testing.T) {
	srv := pingentest.New(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	s, _ := newSubmitter(t, srv, path)
	submitAndCrash(t, s, testSubmission("letter.pdf"))
	s.Journal.Close() // the dead process's file closes

	entries, _ := openJournal(t, path).Entries()
	if len(entries) != 1 || entries[0].LetterID != "" || entries[0].Upload == nil {
		t.Fatalf("after the crash the journal holds %+v, want one pending intent with its upload", entries)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Fatalf("%d letters after the crash, want 1", n)
	}

	s2, _ := newSubmitter(t, srv, path)
	res, err := s2.Submit(context.Background(), testSubmission("letter.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	letters := srv.Letters()
	if len(letters) != 1 || !res.Resumed || res.Letter.ID != letters[0].ID || res.Entry.ID != entries[0].ID {
		t.Fatalf("re-run %+v; fake has %d letters", res, len(letters))
	}
	creates := requests(srv, pingentest.OpCreate)
	if len(creates) != 2 || !creates[1].Replayed || creates[1].IdempotencyKey != creates[0].IdempotencyKey {
		t.Errorf("creates %+v: want the second replayed with the first's key", creates)
	}
	if n := len(requests(srv, pingentest.OpFileUpload)); n != 1 {
		t.Errorf("%d uploads, want 1: the recorded upload is reused", n)
	}
}

func TestSubmitResumesAfterLostAnswer(t *testing.T) {
	tests := []struct {
		name  string
		fault pingentest.Fault
	}{
		{"dropped connection", pingentest.Fault{Op: pingentest.OpCreate, Drop: true}},
		{"500 after", pingentest.Fault{Op: pingentest.OpCreate, Status: 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			path := filepath.Join(t.TempDir(), "j.jsonl")
			// One attempt: nothing retries within the run, not even Go's
			// transport on its reused connection.
			s, _ := newSubmitter(t, srv, path, WithMaxAttempts(1))
			srv.FailNext(tt.fault)
			res, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err == nil || res.Entry.LetterID != "" || res.Entry.Err != "" || !res.Entry.CreateSent {
				t.Fatalf("first run: %+v, %v; want an error and a pending entry whose create went out", res, err)
			}
			if n := len(requests(srv, pingentest.OpCreate)); n != 1 {
				t.Fatalf("%d create requests in the first run, want 1", n)
			}
			res, err = s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Letters()); n != 1 || !res.Resumed || res.Letter.ID != srv.Letters()[0].ID {
				t.Fatalf("%d letters, result %+v", n, res)
			}
			creates := requests(srv, pingentest.OpCreate)
			if len(creates) != 2 || creates[1].IdempotencyKey != creates[0].IdempotencyKey {
				t.Errorf("creates %+v: want the first repeated with its key", creates)
			}
		})
	}
}

func TestSubmitDefiniteFailureClosesEntry(t *testing.T) {
	srv := pingentest.New(t)
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
	srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 422})
	res, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Status != 422 || !strings.Contains(res.Entry.Err, "422") {
		t.Fatalf("first run: %+v, %v", res, err)
	}
	res2, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
	if err != nil || res2.Resumed || res2.Entry.ID == res.Entry.ID {
		t.Fatalf("re-run: %+v, %v; want a fresh entry", res2, err)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("%d letters, want 1", n)
	}
}

func TestSubmitAfterKeyExpired(t *testing.T) {
	ctx := context.Background()
	t.Run("letter was made: adopt it", func(t *testing.T) {
		srv := pingentest.New(t)
		path := filepath.Join(t.TempDir(), "j.jsonl")
		s, clk := newSubmitter(t, srv, path)
		// Someone else's letter of the same name, already in the journal,
		// and one with other options.
		if _, err := s.Submit(ctx, Submission{FileName: "letter.pdf", PDF: []byte(testPDF + " "), Options: testOptions}); err != nil {
			t.Fatal(err)
		}
		other := testOptions
		other.AddressPosition = AddressRight
		createLetter(t, s.Client, "letter.pdf", other)
		submitAndCrash(t, s, testSubmission("letter.pdf"))
		clk.advance(25 * time.Hour)
		res, err := s.Submit(ctx, testSubmission("letter.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		letters := srv.Letters()
		if len(letters) != 3 || res.Letter.ID != letters[2].ID || !res.Resumed {
			t.Fatalf("result %+v; fake has %d letters", res, len(letters))
		}
		if n := len(requests(srv, pingentest.OpCreate)); n != 3 {
			t.Errorf("%d creates, want 3: none after the key expired", n)
		}
		if len(requests(srv, pingentest.OpList)) == 0 {
			t.Error("the letter list was not consulted")
		}
	})
	t.Run("letter was not made: new key", func(t *testing.T) {
		srv := pingentest.New(t)
		s, clk := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"), WithMaxAttempts(1))
		srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 503})
		first, err := s.Submit(ctx, testSubmission("letter.pdf"))
		if err == nil {
			t.Fatal("first run succeeded")
		}
		clk.advance(25 * time.Hour)
		res, err := s.Submit(ctx, testSubmission("letter.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Letters()); n != 1 || !res.Resumed || res.Entry.CreateKey == first.Entry.CreateKey {
			t.Fatalf("%d letters, result %+v", n, res)
		}
		if n := len(requests(srv, pingentest.OpFileUpload)); n != 2 {
			t.Errorf("%d uploads, want 2: the old one has expired", n)
		}
	})
	t.Run("several candidates: ask a human", func(t *testing.T) {
		srv := pingentest.New(t)
		s, clk := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
		submitAndCrash(t, s, testSubmission("letter.pdf"))
		createLetter(t, s.Client, "letter.pdf", testOptions)
		clk.advance(25 * time.Hour)
		_, err := s.Submit(ctx, testSubmission("letter.pdf"))
		if err == nil || !strings.Contains(err.Error(), "all match a create whose key has expired") {
			t.Fatalf("got %v, want an ambiguity error", err)
		}
		if n := len(srv.Letters()); n != 2 {
			t.Errorf("%d letters, want 2", n)
		}
	})
}

// TestSubmitAfterUploadExpired resumes an entry whose create request went
// out unanswered, after its upload expired but while its key is still
// honoured. Repeating the create with the same key and a new upload would be
// a different request under a used key, which the fake (like Pingen may)
// refuses with a 422 that looks definite.
func TestSubmitAfterUploadExpired(t *testing.T) {
	tests := []struct {
		name    string
		fault   pingentest.Fault
		creates int  // create requests in all
		newKey  bool // the second run created with a new key
		uploads int
	}{
		// The letter was made, its answer lost: found and adopted.
		{"letter was made", pingentest.Fault{Op: pingentest.OpCreate, Drop: true}, 1, false, 1},
		// Pingen never acted: nothing found, so a new key and upload.
		{"letter was not made", pingentest.Fault{Op: pingentest.OpCreate, Status: 503}, 2, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			s, clk := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"), WithMaxAttempts(1))
			srv.FailNext(tt.fault)
			first, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err == nil || !first.Entry.CreateSent || first.Entry.LetterID != "" {
				t.Fatalf("first run: %+v, %v; want a create sent and unanswered", first, err)
			}
			clk.advance(31 * time.Minute) // the upload expires, the key does not
			res, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			letters := srv.Letters()
			if len(letters) != 1 || !res.Resumed || res.Entry.ID != first.Entry.ID || res.Letter.ID != letters[0].ID || res.Entry.LetterID != letters[0].ID {
				t.Fatalf("second run %+v; fake has %d letters", res, len(letters))
			}
			creates := requests(srv, pingentest.OpCreate)
			if len(creates) != tt.creates || (creates[len(creates)-1].IdempotencyKey != first.Entry.CreateKey) != tt.newKey {
				t.Errorf("creates %+v, want %d, the last with a new key: %v", creates, tt.creates, tt.newKey)
			}
			if n := len(requests(srv, pingentest.OpFileUpload)); n != tt.uploads {
				t.Errorf("%d uploads, want %d", n, tt.uploads)
			}
			if n := len(requests(srv, pingentest.OpList)); n != 1 {
				t.Errorf("%d letter lists, want 1: the letter is looked for before anything else", n)
			}
		})
	}
}

// TestSubmitFailureBeforeCreate: a failure before any create request went
// out closes the entry, since no letter can exist; the next run starts
// afresh instead of resuming an orphan.
func TestSubmitFailureBeforeCreate(t *testing.T) {
	const requestID = `\(request id [0-9a-f-]{36}\)`
	tests := []struct {
		name   string
		faults func(cancel context.CancelFunc) []pingentest.Fault
		err    string // pattern of the entry's error
	}{
		{"upload URL refused", func(context.CancelFunc) []pingentest.Fault {
			return []pingentest.Fault{{Op: pingentest.OpFileUpload, Status: 403}}
		}, `^upload: pingen: 403 Forbidden: injected fault \(code pingentest_fault\) ` + requestID + `$`},
		{"storage refuses", func(context.CancelFunc) []pingentest.Fault {
			return []pingentest.Fault{{Op: pingentest.OpPut, Status: 400}}
		}, `^upload: PUT 127\.0\.0\.1:\d+: storage answered 400 Bad Request$`},
		{"no token", func(context.CancelFunc) []pingentest.Fault {
			return []pingentest.Fault{{Op: pingentest.OpToken, Status: 400}}
		}, `^upload: get access token: pingen: 400 Bad Request: injected fault \(code server_error\) ` + requestID + `$`},
		{"interrupted while uploading", func(cancel context.CancelFunc) []pingentest.Fault {
			return []pingentest.Fault{{Op: pingentest.OpPut, Hold: cancel}}
		}, `^upload: Put "http://127\.0\.0\.1:\d+/pingentest-transfer/[0-9a-f-]{36}": context canceled$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for _, f := range tt.faults(cancel) {
				srv.FailNext(f)
			}
			first, err := s.Submit(ctx, testSubmission("letter.pdf"))
			if err == nil {
				t.Fatal("first run succeeded")
			}
			if !regexp.MustCompile(tt.err).MatchString(first.Entry.Err) || first.Entry.CreateSent || first.Entry.LetterID != "" {
				t.Fatalf("entry after the failure: error %q (want %s), create sent %v", first.Entry.Err, tt.err, first.Entry.CreateSent)
			}
			entries, _ := s.Journal.Entries()
			if len(entries) != 1 || !sameEntry(entries[0], first.Entry) {
				t.Errorf("journal %+v, want %+v", entries, first.Entry)
			}
			if n := len(requests(srv, pingentest.OpCreate)); n != 0 {
				t.Fatalf("%d create requests, want none", n)
			}
			res, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err != nil || res.Resumed || res.Entry.ID == first.Entry.ID || len(srv.Letters()) != 1 {
				t.Fatalf("second run: %+v, %v, %d letters; want a fresh entry and one letter", res, err, len(srv.Letters()))
			}
		})
	}
}

// TestSubmitPrefersEntryWithLetter: a deliberate second copy (New) that
// stops before its create request must not leave an entry that a later
// plain run continues instead of the one with the letter.
func TestSubmitPrefersEntryWithLetter(t *testing.T) {
	srv := pingentest.New(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	s, clk := newSubmitter(t, srv, path)
	ctx := context.Background()
	first, err := s.Submit(ctx, testSubmission("letter.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	again := testSubmission("letter.pdf")
	again.New = true
	srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Status: 403})
	if _, err := s.Submit(ctx, again); err == nil {
		t.Fatal("the second copy's upload did not fail")
	}
	// And an orphan no failure could close: a run killed before its
	// create request.
	clk.advance(time.Minute)
	orphan := first.Entry
	orphan.ID, orphan.CreateKey, orphan.Upload, orphan.CreateSent, orphan.LetterID, orphan.Status = "orphan", newKey(), nil, false, "", ""
	orphan.Created, orphan.Updated = clk.Now(), clk.Now()
	if err := s.Journal.put(orphan); err != nil {
		t.Fatal(err)
	}
	res, err := s.Submit(ctx, testSubmission("letter.pdf"))
	if err != nil || !res.Resumed || res.Entry.ID != first.Entry.ID || res.Letter.ID != first.Letter.ID {
		t.Fatalf("plain run: %+v, %v; want entry %s with letter %s", res, err, first.Entry.ID, first.Letter.ID)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("%d letters, want 1", n)
	}
}

func TestSubmitDeletedLetter(t *testing.T) {
	srv := pingentest.New(t)
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
	ctx := context.Background()
	res, err := s.Submit(ctx, testSubmission("letter.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	s.Client.Letter(ctx, res.Letter.ID)
	if err := s.Client.DeleteLetter(ctx, res.Letter.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, testSubmission("letter.pdf")); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Fatalf("got %v, want no longer exists", err)
	}
	res, err = s.Submit(ctx, testSubmission("letter.pdf"))
	if err != nil || res.Resumed || len(srv.Letters()) != 1 {
		t.Fatalf("third run: %+v, %v, %d letters", res, err, len(srv.Letters()))
	}
}

// TestSubmitConcurrently runs the same submission from several submitters
// sharing a journal file, as parallel processes would: a fresh one, and one
// continuing an entry whose create request went out unanswered and whose
// upload has expired since. Each create request with a key must name the
// same upload (the fake refuses a key reused with another body), and one
// letter must come of it.
func TestSubmitConcurrently(t *testing.T) {
	tests := []struct {
		name    string
		pending bool
	}{
		{"fresh", false},
		{"upload expired", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			path := filepath.Join(t.TempDir(), "j.jsonl")
			if tt.pending {
				s, _ := newSubmitter(t, srv, path, WithMaxAttempts(1))
				srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 503})
				if _, err := s.Submit(context.Background(), testSubmission("letter.pdf")); err == nil {
					t.Fatal("first run succeeded")
				}
				srv.Advance(31 * time.Minute)
			}
			const n = 6
			var wg sync.WaitGroup
			for range n {
				s, clk := newSubmitter(t, srv, path)
				clk.real = time.Millisecond // let an in-flight request finish
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Submit(context.Background(), testSubmission("letter.pdf")); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if got := len(srv.Letters()); got != 1 {
				t.Errorf("%d letters, want 1", got)
			}
			entries, _ := openJournal(t, path).Entries()
			if len(entries) != 1 || entries[0].LetterID != srv.Letters()[0].ID {
				t.Errorf("journal %+v, want one entry with the letter", entries)
			}
		})
	}
}

func TestSubmitChecks(t *testing.T) {
	srv := pingentest.New(t)
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
	tests := []struct {
		name string
		sub  func(*Submission)
		want string
	}{
		{"sha mismatch", func(s *Submission) { s.SHA256 = strings.Repeat("0", 64) }, "does not match the file's"},
		{"empty", func(s *Submission) { s.PDF = nil }, "empty file"},
		{"send without print mode", func(s *Submission) { s.Send, s.Options.PrintMode = true, "" }, "send: print mode missing"},
		{"no window", func(s *Submission) { s.Options.AddressPosition = "" }, "address position"},
	}
	for _, tt := range tests {
		sub := testSubmission("letter.pdf")
		tt.sub(&sub)
		if _, err := s.Submit(context.Background(), sub); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if entries, _ := s.Journal.Entries(); len(entries) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("journal %+v, %d requests; want nothing", entries, len(srv.Requests()))
	}
	sub := testSubmission("letter.pdf")
	sub.SHA256 = strings.ToUpper(func() string { h := sha256.Sum256(sub.PDF); return hex.EncodeToString(h[:]) }())
	if _, err := s.Submit(context.Background(), sub); err != nil {
		t.Errorf("upper-case sha256: %v", err)
	}
}

func TestPlan(t *testing.T) {
	srv := pingentest.New(t)
	s, clk := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"), WithMaxAttempts(1))
	cfg, _ := ConfigFromEnv(srv.Getenv)
	sub := testSubmission("letter.pdf")
	sub.Send = true
	sum := sha256.Sum256([]byte(testPDF))
	upload := []string{
		"GET {api}/file-upload: ask for a presigned upload URL",
		fmt.Sprintf("PUT {url from file-upload}: upload %d bytes (sha256 %x) as application/pdf, without Authorization", len(testPDF), sum),
	}
	then := func(steps ...string) []string { return append(append([]string(nil), upload...), steps...) }
	const (
		poll    = "GET {letters}/{letter}: poll until the letter leaves validating"
		sendIt  = "PATCH {letters}/{letter}/send: send it if valid"
		newBody = `{"data":{"type":"letters","attributes":{"file_original_name":"letter.pdf","file_url":"{url from file-upload}","file_url_signature":"{url_signature from file-upload}","address_position":"left","auto_send":false,"delivery_product":"cheap","print_mode":"duplex","print_spectrum":"grayscale"}}}`
	)
	// The journal's states, one after the other.
	var pending, made Result
	tests := []struct {
		name  string
		cfg   Config
		setup func()
		steps []string // method, URL and note; placeholders as below
		body  string   // of the create step, if any
	}{
		{
			name:  "staging without credentials",
			cfg:   Config{},
			steps: then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt),
			body:  newBody,
		},
		{
			name:  "production without credentials",
			cfg:   Config{Env: Production},
			steps: then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt),
			body:  newBody,
		},
		{
			name:  "production with an organisation",
			cfg:   Config{Env: Production, OrganisationID: srv.OrganisationID},
			steps: then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt),
			body:  newBody,
		},
		{
			name: "create sent, answer lost: repeated as it was",
			cfg:  cfg,
			setup: func() {
				srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 503})
				pending, _ = s.Submit(context.Background(), testSubmission("letter.pdf"))
			},
			steps: []string{"POST {letters}: repeat the create of journal entry {entry} with its idempotency key (Idempotency-Key {key})", poll, sendIt},
			body:  "{recorded upload}",
		},
		{
			name:  "no organisation: entries of any",
			cfg:   Config{},
			steps: []string{"POST {letters}: repeat the create of journal entry {entry} with its idempotency key (Idempotency-Key {key})", poll, sendIt},
			body:  "{recorded upload}",
		},
		{
			name:  "the other environment: a new letter",
			cfg:   Config{Env: Production, OrganisationID: srv.OrganisationID},
			steps: then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt),
			body:  newBody,
		},
		{
			name:  "upload expired: look first",
			cfg:   cfg,
			setup: func() { clk.advance(31 * time.Minute) },
			steps: append([]string{"GET {letters}?sort=-created_at: journal entry {entry} sent a create request that cannot be repeated (the upload it names has expired): look for its letter among those created since {key time}, adopt it if one matches, and only if none does:"},
				then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt)...),
			body: newBody,
		},
		{
			name:  "key expired: look first",
			cfg:   cfg,
			setup: func() { clk.advance(24 * time.Hour) },
			steps: append([]string{"GET {letters}?sort=-created_at: journal entry {entry} sent a create request that cannot be repeated (its idempotency key may have been forgotten): look for its letter among those created since {key time}, adopt it if one matches, and only if none does:"},
				then("POST {letters}: create the letter (Idempotency-Key {new key})", poll, sendIt)...),
			body: newBody,
		},
		{
			name: "letter made: fetch it",
			cfg:  cfg,
			setup: func() {
				var err error
				if made, err = s.Submit(context.Background(), testSubmission("letter.pdf")); err != nil {
					t.Fatal(err)
				}
			},
			steps: []string{"GET {letters}/{id}: letter already created by journal entry {entry}: fetch it instead of creating another",
				"GET {letters}/{id}: poll until the letter leaves validating", "PATCH {letters}/{id}/send: send it if valid"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			before := len(srv.Requests())
			// The clock is the client's; the account is tt.cfg's alone.
			p, err := s.Plan(tt.cfg, sub)
			if err != nil {
				t.Fatal(err)
			}
			api := map[Env]string{"": "https://api-staging.pingen.com", Staging: "https://api-staging.pingen.com", Production: "https://api.pingen.com"}[tt.cfg.Env]
			if tt.cfg.APIURL != "" {
				api = tt.cfg.APIURL
			}
			org := tt.cfg.OrganisationID
			if org == "" {
				org = "{organisation}"
			}
			r := strings.NewReplacer("{api}", api, "{letters}", api+"/organisations/"+org+"/deliveries/letters")
			if p.Resume != nil {
				r = strings.NewReplacer("{api}", api, "{letters}", api+"/organisations/"+org+"/deliveries/letters",
					"{entry}", p.Resume.ID, "{key}", p.Resume.CreateKey, "{key time}", p.Resume.KeyTime.Format(time.RFC3339), "{id}", p.Resume.LetterID)
			}
			var got, want []string
			var body string
			for _, st := range p.Steps {
				got = append(got, st.Method+" "+st.URL+": "+st.Note)
				if st.Method == http.MethodPost {
					body = string(st.Body)
				}
			}
			for _, st := range tt.steps {
				want = append(want, r.Replace(st))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("steps\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			wantBody := tt.body
			if wantBody == "{recorded upload}" {
				b, _ := marshal(createDoc("letter.pdf", *pending.Entry.Upload, testOptions))
				wantBody = string(b)
			}
			if body != wantBody {
				t.Errorf("create body\n%s\nwant\n%s", body, wantBody)
			}
			if n := len(srv.Requests()); n != before {
				t.Errorf("Plan made %d requests", n-before)
			}
		})
	}
	if made.Letter.ID == "" || len(srv.Letters()) != 1 {
		t.Errorf("%d letters, want the one made", len(srv.Letters()))
	}
	if _, err := (&Submitter{}).Plan(Config{Env: "prod"}, sub); err == nil || err.Error() != "plan letter.pdf: PINGEN_ENV must be staging or production" {
		t.Errorf("invalid environment: %v", err)
	}
}

func TestSubmitSendRefusedThenRetried(t *testing.T) {
	srv := pingentest.New(t)
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"))
	sub := testSubmission("letter.pdf")
	sub.Send = true
	srv.FailNext(pingentest.Fault{Op: pingentest.OpSend, Status: 403})
	res, err := s.Submit(context.Background(), sub)
	if err == nil || res.Entry.SendKey != "" || !strings.Contains(res.Entry.Err, "403") || res.Letter.Status != StatusValid {
		t.Fatalf("first run: %+v, %v; want a refused send, its key dropped", res, err)
	}
	res, err = s.Submit(context.Background(), sub)
	if err != nil || !res.Resumed || res.Letter.Status != StatusSubmitted || res.Entry.Err != "" {
		t.Fatalf("re-run: %+v, %v", res, err)
	}
	sends := requests(srv, pingentest.OpSend)
	if len(sends) != 2 || sends[0].IdempotencyKey == sends[1].IdempotencyKey || sends[1].IdempotencyKey != res.Entry.SendKey {
		t.Errorf("sends %+v: want two with different keys", sends)
	}
}
