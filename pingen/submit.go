package pingen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const (
	// keyTTL is how long an idempotency key is trusted: Pingen keeps keys
	// 24 hours; the hour less covers clock skew and slow retries.
	keyTTL = 23 * time.Hour
	// uploadMargin is how much life an uploaded file must have left to be
	// named in a create request again.
	uploadMargin = 2 * time.Minute
	// lookupSkew widens the window in which a lost letter is looked for, as
	// Pingen's clock and ours differ.
	lookupSkew = 10 * time.Minute

	defaultWaitTimeout = 10 * time.Minute
	pollFirst          = time.Second
	pollMax            = 15 * time.Second
)

// Submitter sends letters crash-safely: it records an intent in the Journal
// before anything reaches Pingen, uploads, creates the letter with the
// intent's idempotency key and records the letter. Submitting the same
// bytes (by SHA-256, under any name) with the same options again continues
// that entry instead of creating a second letter:
//
//   - no letter recorded, key younger than 23 hours: the create request is
//     repeated with the same key (and the same upload, if it has not
//     expired), so Pingen answers with the letter if it made one;
//   - no letter recorded, key older: Pingen may have forgotten the key, so
//     the letter is looked up among those created since (same file name,
//     same options, not in the journal). One match is adopted; none means
//     the create never happened, and a new key is used; several is an error
//     for a human to resolve. This errs towards not sending twice: a letter
//     of the same name and options that someone else made in that window
//     would be taken for ours;
//   - letter recorded: it is fetched, and sent or waited for if asked.
//
// An entry is done with (and the same file may be sent anew) once its create
// request failed definitely or its letter became invalid, cancelled,
// expired or deleted. Submission.New skips the journal lookup for a
// deliberate second copy.
type Submitter struct {
	Client  *Client
	Journal *Journal // nil: no crash safety
	// WaitTimeout bounds polling for the validation verdict; zero means 10
	// minutes.
	WaitTimeout time.Duration

	afterCreate func() // test hook: runs between create and its journal update
}

// Submission is one PDF to send.
type Submission struct {
	FileName string // becomes file_original_name; 5 to 255 characters
	PDF      []byte
	SHA256   string // lower-case hex of PDF; empty means computed, a mismatch is an error
	Options  LetterOptions

	// Wait polls, with backoff, until the letter leaves validating.
	Wait bool
	// Send waits for the verdict and then sends a valid letter with
	// PATCH …/send, the flow pingen-api.md C13 recommends (create with
	// auto_send false). Ignored when Options.AutoSend is set.
	Send bool
	// New creates a new letter even if the journal holds an open entry for
	// this file and these options.
	New bool
}

// Result is what became of a Submission.
type Result struct {
	Letter  Letter
	Entry   Entry // the journal entry as last written
	Resumed bool  // an earlier entry for this file and options was continued
}

// Plan describes what Submit would do, without doing it.
type Plan struct {
	Resume *Entry // the journal entry Submit would continue; nil for a new letter
	Steps  []Step
}

// Step is one request Submit would make.
type Step struct {
	Method string
	URL    string // placeholders in braces where the value is not known yet
	Body   json.RawMessage
	Note   string
}

func (sub *Submission) check() (string, error) {
	if err := checkFileName(sub.FileName); err != nil {
		return "", err
	}
	if len(sub.PDF) == 0 {
		return "", errors.New("empty file")
	}
	if err := sub.Options.check(); err != nil {
		return "", err
	}
	if sub.Send && !sub.Options.AutoSend {
		if err := sub.Options.checkDelivery(true); err != nil {
			return "", fmt.Errorf("send: %w", err)
		}
	}
	sum := sha256.Sum256(sub.PDF)
	got := hex.EncodeToString(sum[:])
	if sub.SHA256 != "" && !strings.EqualFold(sub.SHA256, got) {
		return "", fmt.Errorf("sha256 %s does not match the file's %s", sub.SHA256, got)
	}
	return got, nil
}

// Submit sends sub. When the letter was created but a later step failed,
// the Result still describes the letter and the error says what failed.
func (s *Submitter) Submit(ctx context.Context, sub Submission) (Result, error) {
	if s.Client == nil {
		return Result{}, errors.New("submit: no client")
	}
	sum, err := sub.check()
	if err != nil {
		return Result{}, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	now := s.Client.clock.Now()
	e := Entry{
		ID: newKey(), File: sub.FileName, SHA256: sum, Options: sub.Options,
		CreateKey: newKey(), KeyTime: now, Created: now, Updated: now,
	}
	res := Result{}
	if s.Journal != nil {
		if e, res.Resumed, err = s.Journal.begin(e, !sub.New); err != nil {
			return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
		}
	}
	res.Entry = e

	var l Letter
	if e.LetterID == "" {
		l, err = s.create(ctx, &e, sub)
	} else {
		l, err = s.refresh(ctx, &e)
	}
	res.Entry, res.Letter = e, l
	if err != nil {
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}

	send := sub.Send && !sub.Options.AutoSend
	if sub.Wait || send {
		l, err = s.wait(ctx, &e, l)
		res.Entry, res.Letter = e, l
		if err != nil {
			return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
		}
	}
	if !send {
		return res, nil
	}
	switch l.Status {
	case StatusValid:
	case StatusValidating, StatusFixing:
		return res, fmt.Errorf("submit %s: letter %s is still %s; not sent", sub.FileName, l.ID, l.Status)
	case StatusInvalid, StatusActionRequired:
		return res, fmt.Errorf("submit %s: letter %s is %s; not sent", sub.FileName, l.ID, l.Status)
	default:
		return res, nil // already on its way (or cancelled): nothing to send
	}
	if e.SendKey == "" {
		// Recorded before the request, so that a re-run reuses it.
		e.SendKey, e.Updated = newKey(), s.Client.clock.Now()
		if err := s.put(e); err != nil {
			return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
		}
	}
	l, err = s.Client.SendLetter(ctx, e.LetterID, sub.Options, e.SendKey)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && definite(pe) {
			// The send had no effect: a re-run may try again with a new
			// key rather than have Pingen replay this refusal.
			e.Err, e.SendKey, e.Updated = pe.Error(), "", s.Client.clock.Now()
			s.put(e) // the send error is the one to report
		}
		res.Entry = e
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	e.Status, e.Err, e.Updated = l.Status, "", s.Client.clock.Now()
	res.Entry, res.Letter = e, l
	if err := s.put(e); err != nil {
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	return res, nil
}

// create makes the letter for an entry that has none recorded.
func (s *Submitter) create(ctx context.Context, e *Entry, sub Submission) (Letter, error) {
	c := s.Client
	if c.clock.Now().Sub(e.KeyTime) > keyTTL {
		l, found, err := s.lookup(ctx, e)
		if err != nil {
			return Letter{}, err
		}
		now := c.clock.Now()
		if found {
			e.LetterID, e.Status, e.Err, e.Updated = l.ID, l.Status, "", now
			return l, s.put(*e)
		}
		e.CreateKey, e.KeyTime, e.Upload, e.Updated = newKey(), now, nil, now
		if err := s.put(*e); err != nil {
			return Letter{}, err
		}
	}
	if e.Upload == nil || !e.Upload.ExpiresAt.After(c.clock.Now().Add(uploadMargin)) {
		up, err := c.Upload(ctx, sub.PDF)
		if err != nil {
			return Letter{}, err
		}
		e.Upload, e.Updated = &up, c.clock.Now()
		if err := s.put(*e); err != nil {
			return Letter{}, err
		}
	}
	// The entry's name, not sub's: a re-run may use another name for the
	// same bytes, and the repeated request must be the original one.
	l, err := c.CreateLetter(ctx, NewLetter{
		FileName: e.File, File: *e.Upload, Options: e.Options, IdempotencyKey: e.CreateKey,
	})
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && definite(pe) {
			// Pingen refused the request as such: no letter exists, and the
			// entry is closed so that a corrected re-run starts afresh.
			e.Err, e.Updated = pe.Error(), c.clock.Now()
			if jerr := s.put(*e); jerr != nil {
				return Letter{}, errors.Join(err, jerr)
			}
		}
		return Letter{}, err
	}
	if s.afterCreate != nil {
		s.afterCreate()
	}
	e.LetterID, e.Status, e.Err, e.Updated = l.ID, l.Status, "", c.clock.Now()
	return l, s.put(*e)
}

// definite reports whether an error answer means the request had no effect:
// a 4xx that is not about timing, and no earlier attempt that might have
// got through.
func definite(e *Error) bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return false
	}
	return e.Status >= 400 && e.Status < 500 && !e.uncertain
}

// lookup looks for the letter an entry's expired key may have created.
func (s *Submitter) lookup(ctx context.Context, e *Entry) (Letter, bool, error) {
	since := e.KeyTime.Add(-lookupSkew)
	until := e.KeyTime.Add(24*time.Hour + lookupSkew)
	letters, err := s.Client.lettersSince(ctx, since)
	if err != nil {
		return Letter{}, false, fmt.Errorf("looking for a letter from %s: %w", e.KeyTime.Format(time.RFC3339), err)
	}
	known := map[string]bool{}
	if s.Journal != nil {
		if known, err = s.Journal.letterIDs(e.ID); err != nil {
			return Letter{}, false, err
		}
	}
	var matches []Letter
	for _, l := range letters {
		if l.CreatedAt.After(until) || known[l.ID] || l.FileOriginalName != e.File || !sameOptions(l, e.Options) {
			continue
		}
		matches = append(matches, l)
	}
	switch len(matches) {
	case 0:
		return Letter{}, false, nil
	case 1:
		return matches[0], true, nil
	}
	ids := make([]string, len(matches))
	for i, l := range matches {
		ids[i] = l.ID
	}
	return Letter{}, false, fmt.Errorf("journal entry %s: letters %s all match a create whose key has expired; check them in Pingen and re-run with New (or cancel the extra ones)",
		e.ID, strings.Join(ids, ", "))
}

// sameOptions compares what Pingen reports of a letter with the options it
// was created with; values Pingen leaves empty, or maps to a
// carrier-specific product, do not count against a match.
func sameOptions(l Letter, o LetterOptions) bool {
	eq := func(got, want string) bool { return got == "" || want == "" || got == want }
	product := string(l.Product)
	switch Product(product) {
	case ProductFast, ProductCheap, ProductBulk, ProductPremium, ProductRegistered:
	default:
		product = ""
	}
	return eq(string(l.AddressPosition), string(o.AddressPosition)) &&
		eq(product, string(o.Product)) &&
		eq(string(l.PrintMode), string(o.PrintMode)) &&
		eq(string(l.Spectrum), string(o.Spectrum))
}

// refresh fetches the recorded letter of an entry.
func (s *Submitter) refresh(ctx context.Context, e *Entry) (Letter, error) {
	l, err := s.Client.Letter(ctx, e.LetterID)
	var pe *Error
	if errors.As(err, &pe) && pe.Status == http.StatusNotFound {
		e.Status, e.Updated = statusDeleted, s.Client.clock.Now()
		if jerr := s.put(*e); jerr != nil {
			return Letter{}, jerr
		}
		return Letter{}, fmt.Errorf("letter %s of journal entry %s no longer exists in Pingen; re-run to send the file anew", e.LetterID, e.ID)
	}
	if err != nil {
		return Letter{}, err
	}
	return l, s.record(e, l)
}

// wait polls while the letter is validating, from 1 s doubling to 15 s, for
// at most WaitTimeout. It returns the letter as last seen.
func (s *Submitter) wait(ctx context.Context, e *Entry, l Letter) (Letter, error) {
	timeout := s.WaitTimeout
	if timeout <= 0 {
		timeout = defaultWaitTimeout
	}
	clk := s.Client.clock
	deadline := clk.Now().Add(timeout)
	for d := pollFirst; l.Status == StatusValidating; d = min(2*d, pollMax) {
		if clk.Now().Add(d).After(deadline) {
			return l, nil
		}
		if err := clk.Sleep(ctx, d); err != nil {
			return l, err
		}
		next, err := s.Client.Letter(ctx, l.ID)
		if err != nil {
			return l, err
		}
		l = next
		if err := s.record(e, l); err != nil {
			return l, err
		}
	}
	return l, nil
}

// record writes a changed status to the journal.
func (s *Submitter) record(e *Entry, l Letter) error {
	if e.Status == l.Status {
		return nil
	}
	e.Status, e.Updated = l.Status, s.Client.clock.Now()
	return s.put(*e)
}

func (s *Submitter) now() time.Time {
	if s.Client == nil {
		return time.Now()
	}
	return s.Client.clock.Now()
}

func (s *Submitter) put(e Entry) error {
	if s.Journal == nil {
		return nil
	}
	return s.Journal.put(e)
}

// Plan says what Submit would do with sub, reading the journal but writing
// nothing and making no request. It works without a Client (for a dry run
// without credentials); the organisation then shows as a placeholder.
func (s *Submitter) Plan(sub Submission) (Plan, error) {
	sum, err := sub.check()
	if err != nil {
		return Plan{}, fmt.Errorf("plan %s: %w", sub.FileName, err)
	}
	var p Plan
	if s.Journal != nil && !sub.New {
		e, ok, err := s.Journal.find(sum, sub.Options)
		if err != nil {
			return Plan{}, fmt.Errorf("plan %s: %w", sub.FileName, err)
		}
		if ok {
			p.Resume = &e
		}
	}
	base, letters := hosts[Staging][0], "/organisations/{organisation}/deliveries/letters"
	if s.Client != nil {
		base, letters = s.Client.api.String(), s.Client.lettersPath()
	}
	letter := base + letters + "/{letter}"
	switch {
	case p.Resume != nil && p.Resume.LetterID != "":
		letter = base + letters + "/" + p.Resume.LetterID
		p.Steps = append(p.Steps, Step{Method: http.MethodGet, URL: letter,
			Note: fmt.Sprintf("letter already created by journal entry %s: fetch it instead of creating another", p.Resume.ID)})
	default:
		key, note := "{new key}", "create the letter"
		up := Upload{URL: "{url from file-upload}", Signature: "{url_signature from file-upload}"}
		if e := p.Resume; e != nil {
			key, note = e.CreateKey, fmt.Sprintf("repeat the create of journal entry %s with its idempotency key", e.ID)
			if e.Upload != nil {
				up = *e.Upload
			}
		}
		p.Steps = append(p.Steps,
			Step{Method: http.MethodGet, URL: base + "/file-upload", Note: "ask for a presigned upload URL"},
			Step{Method: http.MethodPut, URL: "{url from file-upload}",
				Note: fmt.Sprintf("upload %d bytes (sha256 %s) as application/pdf, without Authorization", len(sub.PDF), sum)})
		body, err := marshal(createDoc(sub.FileName, up, sub.Options))
		if err != nil {
			return Plan{}, err
		}
		p.Steps = append(p.Steps, Step{Method: http.MethodPost, URL: base + letters, Body: body,
			Note: note + " (Idempotency-Key " + key + ")"})
		if e := p.Resume; e != nil && s.now().Sub(e.KeyTime) > keyTTL {
			p.Steps[0].Note = "the key has expired: first look for the letter among those created since " +
				e.KeyTime.Format(time.RFC3339) + "; only if none matches: " + p.Steps[0].Note
		}
	}
	if sub.Wait || (sub.Send && !sub.Options.AutoSend) {
		p.Steps = append(p.Steps, Step{Method: http.MethodGet, URL: letter, Note: "poll until the letter leaves validating"})
	}
	if sub.Send && !sub.Options.AutoSend {
		id := "{letter}"
		if p.Resume != nil && p.Resume.LetterID != "" {
			id = p.Resume.LetterID
		}
		body, err := marshal(sendDoc(id, sub.Options))
		if err != nil {
			return Plan{}, err
		}
		p.Steps = append(p.Steps, Step{Method: http.MethodPatch, URL: letter + "/send", Body: body, Note: "send it if valid"})
	}
	return p, nil
}
