package pingen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Entry is one submission as the journal last recorded it.
type Entry struct {
	ID      string        `json:"id"` // the journal's own id for the submission
	File    string        `json:"file"`
	SHA256  string        `json:"sha256"` // lower-case hex of the PDF
	Options LetterOptions `json:"options"`

	// Env and OrganisationID are the Pingen account the letter is made in.
	// Both are empty in entries written before the journal recorded them:
	// such entries are never continued automatically, as they may belong
	// to either environment.
	Env            Env    `json:"env,omitempty"`
	OrganisationID string `json:"organisation_id,omitempty"`

	// CreateKey is the Idempotency-Key of the create request, and KeyTime
	// when it was first sent (before that, when it was made): Pingen
	// forgets keys after 24 hours.
	CreateKey string    `json:"create_key"`
	KeyTime   time.Time `json:"key_time"`
	// Upload is the uploaded file the create request names, so that a
	// retry after a crash sends the same request.
	Upload *Upload `json:"upload,omitempty"`
	// CreateSent is recorded just before the first create request with
	// CreateKey goes out. While it is false no letter can exist for the
	// entry, so a failure is definite.
	CreateSent bool `json:"create_sent,omitempty"`

	LetterID string `json:"letter_id,omitempty"` // empty until Pingen confirmed the letter
	Status   Status `json:"status,omitempty"`
	SendKey  string `json:"send_key,omitempty"` // Idempotency-Key of the send request
	Err      string `json:"error,omitempty"`    // the last definite failure

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// For reports whether the entry was made for cfg's environment and
// organisation. It is false for entries that do not record them.
func (e Entry) For(cfg Config) bool {
	return e.Env == cfg.env() && e.OrganisationID == cfg.OrganisationID
}

// open reports whether a new submission of the same file and options should
// continue this entry rather than make a new letter: it may have created a
// letter, and that letter is not dead.
func (e Entry) open() bool {
	if e.LetterID == "" {
		return e.Err == "" // a definite failure means no letter exists
	}
	switch e.Status {
	case StatusInvalid, StatusCancelled, StatusCancelledExpired, StatusExpired,
		StatusRejected, StatusUnprintable, StatusDeleted:
		return false
	}
	return true
}

// rank orders open entries by how likely they are to hold a letter: a
// continued submission must find its letter rather than an orphan whose
// create request never went out.
func (e Entry) rank() int {
	switch {
	case e.LetterID != "":
		return 2
	case e.CreateSent:
		return 1
	}
	return 0
}

// journalVersion is written on every line. Version 1 lines (before Env,
// OrganisationID and CreateSent) are still read.
const journalVersion = 2

// record is one journal line: a complete snapshot of an entry. The last
// line for an ID wins.
type record struct {
	V int `json:"v"`
	Entry
}

// Journal is an append-only log of submissions in a JSON Lines file. Each
// change is written as one line and fsynced before the call returns, under
// an exclusive file lock, so several processes can share the file. Opening
// replays it; a torn last line (a crash mid-write) is dropped.
type Journal struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	off     int64 // bytes of f already replayed
	line    int   // lines already replayed
	entries map[string]Entry
}

// DefaultJournalPath returns where the journal lives unless the user says
// otherwise: $XDG_DATA_HOME/lettergate/journal.jsonl, else on Windows
// %LocalAppData%\lettergate\journal.jsonl, on macOS
// ~/Library/Application Support/lettergate/journal.jsonl, and elsewhere
// ~/.local/share/lettergate/journal.jsonl. It is data, not configuration,
// hence not os.UserConfigDir. getenv is usually os.Getenv.
func DefaultJournalPath(getenv func(string) string) (string, error) {
	const name = "journal.jsonl"
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "lettergate", name), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "lettergate", name), nil
		}
		return "", errors.New("journal path: %LocalAppData% is not set")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support", "lettergate", name), nil
		}
	default:
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".local", "share", "lettergate", name), nil
		}
	}
	return "", errors.New("journal path: $HOME is not set")
}

// OpenJournal opens the journal at path, creating it and its folder
// (readable by the user only) if needed.
func OpenJournal(path string) (*Journal, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		syncDir(dir) // so that the new file survives a crash
	}
	j := &Journal{f: f, path: path, entries: map[string]Entry{}}
	if err := j.locked(func() error { return nil }); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// Close closes the journal file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// Entries returns every submission, oldest first.
func (j *Journal) Entries() ([]Entry, error) {
	var out []Entry
	err := j.locked(func() error {
		for _, e := range j.entries {
			out = append(out, e)
		}
		return nil
	})
	sort.Slice(out, func(a, b int) bool {
		if !out[a].Created.Equal(out[b].Created) {
			return out[a].Created.Before(out[b].Created)
		}
		return out[a].ID < out[b].ID
	})
	return out, err
}

// SetStatus records a letter's status, as seen at time at, on the entry for
// letterID, for example after the status command asked Pingen.
func (j *Journal) SetStatus(letterID string, s Status, at time.Time) error {
	return j.locked(func() error {
		e, ok := j.byLetter(letterID)
		if !ok {
			return fmt.Errorf("journal: no entry for letter %s", letterID)
		}
		if e.Status == s {
			return nil
		}
		e.Status, e.Updated = s, at
		return j.append(e)
	})
}

// EntryByLetter returns the entry that made the letter letterID.
func (j *Journal) EntryByLetter(letterID string) (Entry, bool, error) {
	var e Entry
	var ok bool
	err := j.locked(func() error {
		e, ok = j.byLetter(letterID)
		return nil
	})
	return e, ok, err
}

func (j *Journal) byLetter(letterID string) (Entry, bool) {
	if letterID == "" {
		return Entry{}, false
	}
	for _, e := range j.entries {
		if e.LetterID == letterID {
			return e, true
		}
	}
	return Entry{}, false
}

// find returns the open entry match picks for the file, options and
// account; an empty org stands for any organisation.
func (j *Journal) find(sha string, o LetterOptions, env Env, org string) (Entry, bool, error) {
	var found Entry
	var ok bool
	err := j.locked(func() error {
		found, ok = j.match(sha, o, env, org)
		return nil
	})
	return found, ok, err
}

// begin returns the open entry for fresh's file, options and account if
// there is one and reuse is set, and otherwise records fresh. Both happen
// under one lock, so two processes sending the same file agree on one
// entry.
func (j *Journal) begin(fresh Entry, reuse bool) (Entry, bool, error) {
	e, resumed := fresh, false
	err := j.locked(func() error {
		if reuse {
			if old, ok := j.match(fresh.SHA256, fresh.Options, fresh.Env, fresh.OrganisationID); ok {
				e, resumed = old, true
				return nil
			}
		}
		return j.append(fresh)
	})
	return e, resumed, err
}

// put records e as it is.
func (j *Journal) put(e Entry) error {
	return j.locked(func() error { return j.append(e) })
}

// errMoved is returned by an update function that finds the entry changed
// by another process in a way that invalidates what the caller was doing.
var errMoved = errors.New("journal entry changed by another process")

// update applies fn to entry id as recorded now, which another process may
// have changed since the caller read it, and records the result unless fn
// fails. It returns the entry as recorded afterwards (or as found, if fn
// failed), so that the caller can carry on from there.
func (j *Journal) update(id string, fn func(*Entry) error) (Entry, error) {
	var out Entry
	err := j.locked(func() error {
		e, ok := j.entries[id]
		if !ok {
			return fmt.Errorf("journal: no entry %s", id)
		}
		out = e
		if err := fn(&e); err != nil {
			return err
		}
		if sameJSON(e, out) {
			return nil // nothing changed: no line
		}
		if err := j.append(e); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}

// letterIDs returns the letter IDs the journal knows, except that of skip.
func (j *Journal) letterIDs(skip string) (map[string]bool, error) {
	ids := map[string]bool{}
	err := j.locked(func() error {
		for _, e := range j.entries {
			if e.ID != skip && e.LetterID != "" {
				ids[e.LetterID] = true
			}
		}
		return nil
	})
	return ids, err
}

// match picks, among the open entries for the file, options and account,
// the one most likely to hold a letter (see rank), and of those the newest.
// An empty org matches any organisation; an entry without an account
// matches none.
func (j *Journal) match(sha string, o LetterOptions, env Env, org string) (Entry, bool) {
	var best Entry
	var ok bool
	for _, e := range j.entries {
		if e.SHA256 != sha || e.Options != o || e.Env == "" || e.Env != env ||
			(org != "" && e.OrganisationID != org) || !e.open() {
			continue
		}
		if !ok || e.rank() > best.rank() ||
			e.rank() == best.rank() && (e.Created.After(best.Created) || e.Created.Equal(best.Created) && e.ID > best.ID) {
			best, ok = e, true
		}
	}
	return best, ok
}

// locked runs fn holding the in-process mutex and the file lock, after
// reading what other processes appended.
func (j *Journal) locked(fn func() error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := lockFile(j.f); err != nil {
		return fmt.Errorf("journal %s: lock: %w", j.path, err)
	}
	defer unlockFile(j.f)
	if err := j.replay(); err != nil {
		return err
	}
	return fn()
}

// replay applies the lines appended since the last call.
func (j *Journal) replay() error {
	fi, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if fi.Size() < j.off {
		return fmt.Errorf("journal %s: file shrank from %d to %d bytes", j.path, j.off, fi.Size())
	}
	buf := make([]byte, fi.Size()-j.off)
	if _, err := j.f.ReadAt(buf, j.off); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	for len(buf) > 0 {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			// A line without its newline is a write cut short by a crash:
			// under the lock nobody else is writing. Drop it so that the
			// next line starts cleanly.
			if err := j.f.Truncate(j.off); err != nil {
				return fmt.Errorf("journal %s: dropping torn last line: %w", j.path, err)
			}
			return j.f.Sync()
		}
		j.line++
		var r record
		if err := json.Unmarshal(buf[:i], &r); err != nil {
			return fmt.Errorf("journal %s: line %d: %w", j.path, j.line, err)
		}
		if r.V < 1 || r.V > journalVersion || r.ID == "" {
			return fmt.Errorf("journal %s: line %d: unknown version %d or no id", j.path, j.line, r.V)
		}
		if r.V == 1 && r.Upload != nil {
			// Version 1 did not record CreateSent but uploaded just before
			// the create request: with an upload, the request may have
			// gone out.
			r.CreateSent = true
		}
		j.entries[r.ID] = r.Entry
		j.off += int64(i + 1)
		buf = buf[i+1:]
	}
	return nil
}

// append writes e as one line, fsyncs, and replays it.
func (j *Journal) append(e Entry) error {
	b, err := json.Marshal(record{V: journalVersion, Entry: e})
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return j.replay()
}

// sameJSON reports whether a and b are recorded alike: times that are the
// same instant in another Location, as after a replay, are equal.
func sameJSON(a, b Entry) bool {
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // not supported everywhere (Windows); best effort
		d.Close()
	}
}
