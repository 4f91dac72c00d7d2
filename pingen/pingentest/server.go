// Package pingentest is an in-process fake of Pingen's API v2, its identity
// host and its transfer storage, for tests. It implements the letter
// endpoints as /work/shared/reference/pingen-api.md describes them and
// checks what it receives: a request the real API would refuse because the
// client is wrong (headers, JSON:API shape, enum values, a PATCH id that is
// not the path id, credentials on the upload, a chunked or repeated upload,
// an altered signature, an idempotency key reused for a different request)
// is answered with the error Pingen would give and also fails the test,
// unless TolerateViolations was called.
//
// The fake has its own clock, which only Advance moves: tokens, upload URLs
// and idempotency keys expire, and letters move through their statuses, as
// it advances.
//
//	srv := pingentest.New(t)
//	cfg, _ := pingen.ConfigFromEnv(srv.Getenv)
//	...
//	if got := len(srv.Letters()); got != 1 { ... }
package pingentest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Operation names, as in Pingen's OpenAPI spec where it has one. They label
// Requests and select Faults.
const (
	OpToken      = "auth.access-tokens" // identity host
	OpPut        = "storage.put"        // transfer storage
	OpFileUpload = "files.file-upload"
	OpList       = "letters.list"
	OpCreate     = "letters.create"
	OpShow       = "letters.show"
	OpDelete     = "letters.delete"
	OpSend       = "letters.send"
	OpCancel     = "letters.cancel"
	OpEvents     = "letters.events"
	OpPrice      = "letters.price-calculator"
)

// DispatchDelay is how long, on the fake clock, a submitted letter takes to
// be sent, and a sent one to come back when it is to be undeliverable.
const DispatchDelay = time.Hour

// Fault is a failure to inject into one request.
type Fault struct {
	// Op selects the request: the next one of this operation. Empty means
	// the next request to the API host, whatever its operation.
	Op string
	// Status answers with this status before the request is handled, so it
	// changes nothing. A status of 400 or more comes with a JSON:API error
	// body; a lower one, such as 202 for the price calculator, with none.
	Status int
	// RetryAfter is the Retry-After header sent with Status.
	RetryAfter string
	// Header holds further headers sent with Status, such as
	// X-RateLimit-Reset.
	Header http.Header
	// Drop handles the request, then closes the connection without an
	// answer: the client cannot know that, say, the letter was created.
	Drop bool
	// Delay waits this long (real time) before handling the request; an
	// idempotency key stays in flight meanwhile.
	Delay time.Duration
	// Hold, if set, runs at the same point as Delay, in the request's
	// goroutine: a test can block in it to hold the request in flight for
	// exactly as long as it needs, without sleeping.
	Hold func()
}

// Request is one request the fake received.
type Request struct {
	Op             string // empty for a path the fake does not know
	Method         string
	Path           string
	Query          string
	IdempotencyKey string
	Authorization  bool  // an Authorization header was present
	ContentLength  int64 // -1 when unknown (chunked)
	Status         int   // 0 when the connection was dropped
	Replayed       bool  // answered from the idempotency store
	Dropped        bool
	Fault          bool // answered by an injected Fault
}

// Letter is a letter as the fake stores it.
type Letter struct {
	ID              string
	Status          string
	FileName        string
	AddressPosition string
	DeliveryProduct string
	PrintMode       string
	PrintSpectrum   string
	AutoSend        bool
	PDF             []byte
	IdempotencyKey  string // of the create request
	CreatedAt       time.Time
	SubmittedAt     time.Time
	Events          []Event
}

// Event is an entry in a fake letter's history.
type Event struct {
	Code      string
	Name      string
	EmittedAt time.Time
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// Credentials the identity host accepts, and the one organisation the
	// API knows.
	ClientID       string
	ClientSecret   string
	OrganisationID string

	t        testing.TB
	api      *httptest.Server
	identity *httptest.Server
	storage  *httptest.Server

	mu              sync.Mutex
	now             time.Time
	tokenLifetime   time.Duration
	tokens          map[string]time.Time // token -> expiry
	uploads         map[string]*upload
	letters         map[string]*letter
	order           []*letter
	keys            map[string]*idem
	faults          []Fault
	requests        []Request
	violations      []string
	tolerate        bool
	verdict         func(Letter) string
	validationDelay time.Duration
}

// New starts a fake with fresh credentials and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		ClientID:       "pingentest-client",
		ClientSecret:   "pingentest-secret-" + randHex(12),
		OrganisationID: newUUID(),
		t:              t,
		now:            time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CET", 3600)),
		tokenLifetime:  12 * time.Hour,
		tokens:         map[string]time.Time{},
		uploads:        map[string]*upload{},
		letters:        map[string]*letter{},
		keys:           map[string]*idem{},
	}
	s.api = httptest.NewServer(http.HandlerFunc(s.serveAPI))
	s.identity = httptest.NewServer(http.HandlerFunc(s.serveIdentity))
	s.storage = httptest.NewServer(http.HandlerFunc(s.serveStorage))
	t.Cleanup(func() {
		s.api.Close()
		s.identity.Close()
		s.storage.Close()
	})
	return s
}

// APIURL is the base URL of the fake API host.
func (s *Server) APIURL() string { return s.api.URL }

// IdentityURL is the base URL of the fake identity host.
func (s *Server) IdentityURL() string { return s.identity.URL }

// Env returns the PINGEN_* environment that points a client at the fake.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"PINGEN_ENV":             "staging",
		"PINGEN_CLIENT_ID":       s.ClientID,
		"PINGEN_CLIENT_SECRET":   s.ClientSecret,
		"PINGEN_ORGANISATION_ID": s.OrganisationID,
		"PINGEN_API_URL":         s.api.URL,
		"PINGEN_IDENTITY_URL":    s.identity.URL,
	}
}

// Getenv looks key up in Env; it fits pingen.ConfigFromEnv.
func (s *Server) Getenv(key string) string { return s.Env()[key] }

// Now is the fake clock's time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// Advance moves the fake clock forward.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// FailNext queues a fault; faults for the same operation apply in order.
func (s *Server) FailNext(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ExpireTokens makes every token issued so far invalid, as if its 12 hours
// were up.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens {
		s.tokens[tok] = s.now
	}
}

// SetTokenLifetime sets the expires_in of tokens issued from now on; the
// default is Pingen's 12 hours.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenLifetime = d
}

// SetVerdict decides how validation ends: f returns "valid",
// "action_required" or "invalid". nil restores the default, which follows
// the file name like Pingen staging: "_simulate_invalid" or
// "_simulate_unprintable" give invalid, "_simulate_action_required" gives
// action_required, and a file that does not start with %PDF- is invalid.
// Names with "_simulate_cancellable" stay accepted after submission, and
// "_simulate_undeliverable" ones come back undeliverable after being sent.
// f runs with the server locked and must not call its methods.
func (s *Server) SetVerdict(f func(Letter) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.verdict = f
}

// SetValidationDelay sets how long, on the fake clock, letters stay
// validating; the default 0 means the first read after creation sees the
// verdict (the create answer itself always says validating).
func (s *Server) SetValidationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.validationDelay = d
}

// SetStatus forces a letter's status, for states the fake does not reach by
// itself (awaiting_credits, delivered, …).
func (s *Server) SetStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.letters[id]
	if !ok {
		s.t.Errorf("pingentest: SetStatus: no letter %s", id)
		return
	}
	l.setStatus(s.now, status)
}

// Letters returns the stored letters in creation order, with statuses as of
// the fake clock's time.
func (s *Server) Letters() []Letter {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Letter, 0, len(s.order))
	for _, l := range s.order {
		s.advance(l)
		out = append(out, l.snapshot())
	}
	return out
}

// Letter returns one stored letter.
func (s *Server) Letter(id string) (Letter, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.letters[id]
	if !ok {
		return Letter{}, false
	}
	s.advance(l)
	return l.snapshot(), true
}

// Requests returns every request received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Violations returns the protocol violations seen so far.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// TolerateViolations keeps protocol violations from failing the test; they
// are still answered with errors and listed by Violations. For tests of
// deliberately wrong requests.
func (s *Server) TolerateViolations() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tolerate = true
}

// violate records a protocol violation; s.mu must be held.
func (s *Server) violate(op, format string, args ...any) {
	msg := op + ": " + fmt.Sprintf(format, args...)
	s.violations = append(s.violations, msg)
	if !s.tolerate {
		s.t.Errorf("pingentest: protocol violation: %s", msg)
	}
}

// takeFault removes and returns the first queued fault for op; s.mu must be
// held. api says whether the request went to the API host, where faults
// without an Op apply.
func (s *Server) takeFault(op string, api bool) (Fault, bool) {
	for i, f := range s.faults {
		if f.Op == op || (f.Op == "" && api) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) log(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// hasMediaType reports whether a header lists media type mt.
func hasMediaType(header, mt string) bool {
	for _, part := range strings.Split(header, ",") {
		if t, _, _ := strings.Cut(strings.TrimSpace(part), ";"); strings.EqualFold(strings.TrimSpace(t), mt) {
			return true
		}
	}
	return false
}
