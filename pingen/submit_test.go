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
		err     string
		sleeps  []time.Duration
	}{
		{"create only", "letter.pdf", testOptions, false, false, 0, StatusValidating, "", nil},
		{"auto-send and wait", "letter.pdf", auto, true, false, 0, StatusSubmitted, "", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"send when valid", "letter.pdf", testOptions, false, true, 0, StatusSubmitted, "", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"action required is not sent", "x_simulate_action_required.pdf", testOptions, false, true, 0, StatusActionRequired, "is action_required; not sent", []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"wait gives up", "letter.pdf", testOptions, true, false, 4 * time.Second, StatusValidating, "", []time.Duration{time.Second, 2 * time.Second}},
		{"send gives up", "letter.pdf", testOptions, false, true, 4 * time.Second, StatusValidating, "still validating; not sent", []time.Duration{time.Second, 2 * time.Second}},
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
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			letters := srv.Letters()
			if len(letters) != 1 || res.Letter.ID != letters[0].ID || res.Entry.LetterID != letters[0].ID {
				t.Fatalf("result %+v, fake has %d letters", res, len(letters))
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
			// One attempt and no keep-alive: nothing retries within the run.
			s, _ := newSubmitter(t, srv, path, WithMaxAttempts(1),
				WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
			srv.FailNext(tt.fault)
			res, err := s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err == nil || res.Entry.LetterID != "" || res.Entry.Err != "" {
				t.Fatalf("first run: %+v, %v; want an error and a pending entry", res, err)
			}
			res, err = s.Submit(context.Background(), testSubmission("letter.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Letters()); n != 1 || !res.Resumed || res.Letter.ID != srv.Letters()[0].ID {
				t.Fatalf("%d letters, result %+v", n, res)
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
// sharing a journal file, as parallel processes would.
func TestSubmitConcurrently(t *testing.T) {
	srv := pingentest.New(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	const n = 4
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
	s, _ := newSubmitter(t, srv, filepath.Join(t.TempDir(), "j.jsonl"), WithMaxAttempts(1))
	sub := testSubmission("letter.pdf")
	sub.Send = true

	p, err := (&Submitter{Journal: s.Journal}).Plan(sub)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range p.Steps {
		got = append(got, st.Method+" "+st.URL)
	}
	want := []string{
		"GET https://api-staging.pingen.com/file-upload",
		"PUT {url from file-upload}",
		"POST https://api-staging.pingen.com/organisations/{organisation}/deliveries/letters",
		"GET https://api-staging.pingen.com/organisations/{organisation}/deliveries/letters/{letter}",
		"PATCH https://api-staging.pingen.com/organisations/{organisation}/deliveries/letters/{letter}/send",
	}
	if p.Resume != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("plan without client: resume %v\n%q\nwant\n%q", p.Resume, got, want)
	}
	wantBody := `{"data":{"type":"letters","attributes":{"file_original_name":"letter.pdf","file_url":"{url from file-upload}","file_url_signature":"{url_signature from file-upload}","address_position":"left","auto_send":false,"delivery_product":"cheap","print_mode":"duplex","print_spectrum":"grayscale"}}}`
	if string(p.Steps[2].Body) != wantBody || !strings.Contains(p.Steps[1].Note, fmt.Sprintf("%d bytes", len(testPDF))) {
		t.Errorf("create step %s / %s", p.Steps[2].Body, p.Steps[1].Note)
	}

	// A pending intent: the plan repeats its create with its key.
	srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 503})
	first, _ := s.Submit(context.Background(), testSubmission("letter.pdf"))
	p, err = s.Plan(sub)
	if err != nil || p.Resume == nil || p.Resume.ID != first.Entry.ID || !strings.Contains(p.Steps[2].Note, first.Entry.CreateKey) ||
		!strings.Contains(string(p.Steps[2].Body), first.Entry.Upload.Signature) || !strings.HasPrefix(p.Steps[0].URL, srv.APIURL()) {
		t.Fatalf("plan for a pending intent: %+v, %v", p, err)
	}

	// A letter made: the plan fetches it.
	res, _ := s.Submit(context.Background(), testSubmission("letter.pdf"))
	p, _ = s.Plan(sub)
	if len(p.Steps) != 3 || p.Steps[0].Method != "GET" || !strings.HasSuffix(p.Steps[0].URL, "/"+res.Letter.ID) ||
		!strings.Contains(string(p.Steps[2].Body), `"id":"`+res.Letter.ID+`"`) {
		t.Fatalf("plan for a created letter: %+v", p)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("Plan made letters: %d", n)
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
