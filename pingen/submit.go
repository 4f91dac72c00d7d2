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
// bytes (by SHA-256, under any name) with the same options to the same
// Pingen environment and organisation again continues that entry instead
// of creating a second letter:
//
//   - no create request sent yet (the journal records when one goes out):
//     no letter can exist, so the entry simply goes on;
//   - create sent, no letter recorded, key younger than 23 hours and its
//     upload not expired: the create request is repeated as it was, so
//     Pingen answers with the letter if it made one;
//   - create sent, but the key is older (Pingen may have forgotten it) or
//     the upload it names has expired (a repeat would name another upload,
//     and Pingen may refuse a key reused for another request): the letter
//     is looked up among those created since (same file name, same
//     options, not in the journal). One match is adopted; none means the
//     create never happened, and a new key and upload are used; several is
//     an error for a human to resolve. This errs towards not sending twice:
//     a letter of the same name and options that someone else made in that
//     window would be taken for ours;
//   - letter recorded: it is fetched, and sent or waited for if asked.
//
// Among several entries for the same file, the one with a letter is
// continued first, then one whose create request went out, newest first.
// An entry is done with (and the same file may be sent anew) once it failed
// definitely (Pingen refused the create request, or something failed
// before any create request went out) or its letter became invalid,
// cancelled, expired or deleted. Submission.New skips the journal lookup
// for a deliberate second copy.
//
// Several processes may continue one entry at once: each step re-reads the
// entry under the journal's lock, so that every create request with a key
// names the same upload.
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
// the Result still describes the letter and the error says what failed. A
// letter Pingen's validation refused is returned with an error wrapping
// ErrRefused.
func (s *Submitter) Submit(ctx context.Context, sub Submission) (Result, error) {
	if s.Client == nil {
		return Result{}, errors.New("submit: no client")
	}
	sum, err := sub.check()
	if err != nil {
		return Result{}, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	c := s.Client
	now := c.clock.Now()
	e := Entry{
		ID: newKey(), File: sub.FileName, SHA256: sum, Options: sub.Options,
		Env: c.cfg.env(), OrganisationID: c.cfg.OrganisationID,
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
	if l.Status.refused() {
		return res, fmt.Errorf("submit %s: letter %s is %s: %w", sub.FileName, l.ID, l.Status, ErrRefused)
	}
	if !send {
		return res, nil
	}
	switch l.Status {
	case StatusValid:
	case StatusValidating, StatusFixing:
		return res, fmt.Errorf("submit %s: letter %s is still %s; not sent", sub.FileName, l.ID, l.Status)
	default:
		return res, nil // already on its way (or cancelled): nothing to send
	}
	// Recorded before the request, so that a re-run (or another process)
	// reuses it.
	err = s.change(&e, func(cur *Entry) error {
		if cur.SendKey == "" {
			cur.SendKey, cur.Updated = newKey(), c.clock.Now()
		}
		return nil
	})
	res.Entry = e
	if err != nil {
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	key := e.SendKey
	l, err = c.SendLetter(ctx, e.LetterID, sub.Options, key)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && definite(pe) {
			// The send had no effect: a re-run may try again with a new
			// key rather than have Pingen replay this refusal. The send
			// error is the one to report.
			s.change(&e, func(cur *Entry) error {
				if cur.SendKey != key {
					return errMoved // another run sends with its own key
				}
				cur.Err, cur.SendKey, cur.Updated = pe.Error(), "", c.clock.Now()
				return nil
			})
		}
		res.Entry = e
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	err = s.change(&e, func(cur *Entry) error {
		cur.Status, cur.Err, cur.Updated = l.Status, "", c.clock.Now()
		return nil
	})
	res.Entry, res.Letter = e, l
	if err != nil {
		return res, fmt.Errorf("submit %s: %w", sub.FileName, err)
	}
	return res, nil
}

// maxRounds bounds how often create starts over because another process
// moved the entry on.
const maxRounds = 4

// create makes the letter for an entry that has none recorded. Each step
// goes from the entry as the journal holds it, since another process may be
// continuing it too; what must hold is that every create request sent with
// a key names the same upload, so that Pingen can answer a repeat with the
// letter the first one made.
func (s *Submitter) create(ctx context.Context, e *Entry, sub Submission) (Letter, error) {
	c := s.Client
	for range maxRounds {
		switch {
		case e.LetterID != "":
			return s.refresh(ctx, e) // another process recorded the letter
		case e.Err != "":
			return Letter{}, fmt.Errorf("journal entry %s was closed by another run: %s", e.ID, e.Err)
		}
		now := c.clock.Now()
		if e.CreateSent && (now.Sub(e.KeyTime) > keyTTL || !e.Upload.usable(now)) {
			// The create may have happened but cannot be repeated as it
			// was (see Submitter): look for its letter.
			l, found, err := s.lookup(ctx, e)
			if err != nil {
				return Letter{}, err
			}
			key := e.CreateKey
			err = s.change(e, func(cur *Entry) error {
				if cur.CreateKey != key || cur.LetterID != "" || cur.Err != "" {
					return errMoved
				}
				if found {
					cur.LetterID, cur.Status = l.ID, l.Status
				} else {
					// The create never happened: start afresh.
					cur.CreateKey, cur.KeyTime, cur.Upload, cur.CreateSent = newKey(), now, nil, false
				}
				cur.Updated = now
				return nil
			})
			switch {
			case errors.Is(err, errMoved):
				continue
			case err != nil:
				return Letter{}, err
			case found:
				return l, nil
			}
		}
		if !e.Upload.usable(now) {
			// No create request has been sent with this key (CreateSent
			// is false here), so failures until then are definite.
			up, err := c.Upload(ctx, sub.PDF)
			if err != nil {
				return Letter{}, s.failBeforeCreate(e, err)
			}
			key := e.CreateKey
			err = s.change(e, func(cur *Entry) error {
				if cur.CreateKey != key || cur.CreateSent || cur.LetterID != "" || cur.Err != "" ||
					cur.Upload.usable(c.clock.Now()) {
					return errMoved // another process's upload is the one to name
				}
				cur.Upload, cur.Updated = &up, c.clock.Now()
				return nil
			})
			switch {
			case errors.Is(err, errMoved):
				continue
			case err != nil:
				return Letter{}, err
			}
		}
		if !e.CreateSent {
			// What can still fail before the request goes out fails here,
			// where the failure is definite: signing in, and Ctrl-C.
			if _, err := c.accessToken(ctx); err != nil {
				return Letter{}, s.failBeforeCreate(e, err)
			}
			if err := ctx.Err(); err != nil {
				return Letter{}, s.failBeforeCreate(e, err)
			}
		}
		key, up := e.CreateKey, e.Upload
		err := s.change(e, func(cur *Entry) error {
			if cur.CreateKey != key || !sameUpload(cur.Upload, up) || cur.LetterID != "" || cur.Err != "" {
				return errMoved
			}
			if !cur.CreateSent {
				// From here on a letter may exist.
				now := c.clock.Now()
				cur.CreateSent, cur.KeyTime, cur.Updated = true, now, now
			}
			return nil
		})
		switch {
		case errors.Is(err, errMoved):
			continue
		case err != nil:
			return Letter{}, err
		}
		// The entry's name, not sub's: a re-run may use another name for
		// the same bytes, and the repeated request must be the original one.
		l, err := c.CreateLetter(ctx, NewLetter{
			FileName: e.File, File: *e.Upload, Options: e.Options, IdempotencyKey: key,
		})
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) && definite(pe) {
				// Pingen refused the request as such: no letter exists, and
				// the entry is closed so that a corrected re-run starts
				// afresh.
				jerr := s.change(e, func(cur *Entry) error {
					if cur.CreateKey != key || cur.LetterID != "" {
						return errMoved
					}
					cur.Err, cur.Updated = pe.Error(), c.clock.Now()
					return nil
				})
				if jerr != nil && !errors.Is(jerr, errMoved) {
					return Letter{}, errors.Join(err, jerr)
				}
			}
			return Letter{}, err
		}
		if s.afterCreate != nil {
			s.afterCreate()
		}
		err = s.change(e, func(cur *Entry) error {
			if cur.LetterID != "" && cur.LetterID != l.ID {
				return fmt.Errorf("journal entry %s: both letter %s and letter %s were made for it; cancel or delete one in Pingen", cur.ID, cur.LetterID, l.ID)
			}
			cur.LetterID, cur.Status, cur.Err, cur.Updated = l.ID, l.Status, "", c.clock.Now()
			return nil
		})
		return l, err
	}
	return Letter{}, fmt.Errorf("journal entry %s keeps being changed by another run; try again", e.ID)
}

// failBeforeCreate records err on an entry for which no create request has
// been sent with its key, which closes it: no letter can exist, and a
// re-run starts afresh. It returns err.
func (s *Submitter) failBeforeCreate(e *Entry, err error) error {
	key := e.CreateKey
	jerr := s.change(e, func(cur *Entry) error {
		if cur.CreateKey != key || cur.CreateSent || cur.LetterID != "" || cur.Err != "" {
			return errMoved // another run has moved it on; its state stands
		}
		cur.Err, cur.Updated = err.Error(), s.Client.clock.Now()
		return nil
	})
	if jerr != nil && !errors.Is(jerr, errMoved) {
		return errors.Join(err, jerr)
	}
	return err
}

// usable reports whether u can still be named in a create request at now.
func (u *Upload) usable(now time.Time) bool {
	return u != nil && u.ExpiresAt.After(now.Add(uploadMargin))
}

// sameUpload compares what a create request names of two uploads.
func sameUpload(a, b *Upload) bool {
	return a != nil && b != nil && a.URL == b.URL && a.Signature == b.Signature
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

// lookup looks for the letter an entry's create request may have made,
// when that request cannot be repeated.
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
	if !l.Product.Generic() {
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
		if jerr := s.change(e, func(cur *Entry) error {
			cur.Status, cur.Updated = StatusDeleted, s.Client.clock.Now()
			return nil
		}); jerr != nil {
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
	return s.change(e, func(cur *Entry) error {
		if cur.Status != l.Status {
			cur.Status, cur.Updated = l.Status, s.Client.clock.Now()
		}
		return nil
	})
}

func (s *Submitter) now() time.Time {
	if s.Client == nil {
		return time.Now()
	}
	return s.Client.clock.Now()
}

// change applies fn to e as the journal holds it now, records the result
// and leaves it in *e; when fn fails, *e is the entry as found. Without a
// journal fn applies to *e.
func (s *Submitter) change(e *Entry, fn func(*Entry) error) error {
	if s.Journal == nil {
		c := *e
		if err := fn(&c); err != nil {
			return err
		}
		*e = c
		return nil
	}
	cur, err := s.Journal.update(e.ID, fn)
	if cur.ID != "" {
		*e = cur
	}
	return err
}

// Plan says what Submit would do with sub in the account cfg describes,
// reading the journal but writing nothing and making no request. cfg needs
// no credentials, so that a dry run works without them; without an
// OrganisationID the URLs show a placeholder, and journal entries of any
// organisation in cfg's environment are considered.
func (s *Submitter) Plan(cfg Config, sub Submission) (Plan, error) {
	sum, err := sub.check()
	if err != nil {
		return Plan{}, fmt.Errorf("plan %s: %w", sub.FileName, err)
	}
	if _, ok := hosts[cfg.env()]; !ok {
		return Plan{}, fmt.Errorf("plan %s: PINGEN_ENV must be staging or production", sub.FileName)
	}
	api, err := baseURL(cfg.apiURL())
	if err != nil {
		return Plan{}, fmt.Errorf("plan %s: API URL: %w", sub.FileName, err)
	}
	org := "{organisation}"
	if cfg.OrganisationID != "" {
		if err := checkID(cfg.OrganisationID); err != nil {
			return Plan{}, fmt.Errorf("plan %s: organisation %w", sub.FileName, err)
		}
		org = cfg.OrganisationID
	}
	var p Plan
	if s.Journal != nil && !sub.New {
		e, ok, err := s.Journal.find(sum, sub.Options, cfg.env(), cfg.OrganisationID)
		if err != nil {
			return Plan{}, fmt.Errorf("plan %s: %w", sub.FileName, err)
		}
		if ok {
			p.Resume = &e
		}
	}
	now := s.now()
	base := api.String()
	letters := base + "/organisations/" + org + "/deliveries/letters"
	letter := letters + "/{letter}"
	e := p.Resume
	switch {
	case e != nil && e.LetterID != "":
		letter = letters + "/" + e.LetterID
		p.Steps = append(p.Steps, Step{Method: http.MethodGet, URL: letter,
			Note: fmt.Sprintf("letter already created by journal entry %s: fetch it instead of creating another", e.ID)})
	default:
		name, key, note := sub.FileName, "{new key}", "create the letter"
		var up *Upload
		if e != nil {
			// The entry's name: a repeated request must be the original.
			name = e.File
			switch {
			case e.CreateSent && (now.Sub(e.KeyTime) > keyTTL || !e.Upload.usable(now)):
				why := "its idempotency key may have been forgotten"
				if now.Sub(e.KeyTime) <= keyTTL {
					why = "the upload it names has expired"
				}
				p.Steps = append(p.Steps, Step{Method: http.MethodGet, URL: letters + "?sort=-created_at",
					Note: fmt.Sprintf("journal entry %s sent a create request that cannot be repeated (%s): look for its letter among those created since %s, adopt it if one matches, and only if none does:",
						e.ID, why, e.KeyTime.Format(time.RFC3339))})
			case e.CreateSent:
				key, note = e.CreateKey, fmt.Sprintf("repeat the create of journal entry %s with its idempotency key", e.ID)
				up = e.Upload
			default:
				key, note = e.CreateKey, fmt.Sprintf("continue journal entry %s: create the letter", e.ID)
				if e.Upload.usable(now) {
					up = e.Upload
				}
			}
		}
		if up == nil {
			up = &Upload{URL: "{url from file-upload}", Signature: "{url_signature from file-upload}"}
			p.Steps = append(p.Steps,
				Step{Method: http.MethodGet, URL: base + "/file-upload", Note: "ask for a presigned upload URL"},
				Step{Method: http.MethodPut, URL: "{url from file-upload}",
					Note: fmt.Sprintf("upload %d bytes (sha256 %s) as application/pdf, without Authorization", len(sub.PDF), sum)})
		}
		body, err := marshal(createDoc(name, *up, sub.Options))
		if err != nil {
			return Plan{}, err
		}
		p.Steps = append(p.Steps, Step{Method: http.MethodPost, URL: letters, Body: body,
			Note: note + " (Idempotency-Key " + key + ")"})
	}
	if sub.Wait || (sub.Send && !sub.Options.AutoSend) {
		p.Steps = append(p.Steps, Step{Method: http.MethodGet, URL: letter, Note: "poll until the letter leaves validating"})
	}
	if sub.Send && !sub.Options.AutoSend {
		id := "{letter}"
		if e != nil && e.LetterID != "" {
			id = e.LetterID
		}
		body, err := marshal(sendDoc(id, sub.Options))
		if err != nil {
			return Plan{}, err
		}
		p.Steps = append(p.Steps, Step{Method: http.MethodPatch, URL: letter + "/send", Body: body, Note: "send it if valid"})
	}
	return p, nil
}
