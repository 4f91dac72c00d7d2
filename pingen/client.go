package pingen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	mediaType   = "application/vnd.api+json"
	userAgent   = "lettergate (+https://github.com/lettergate/lettergate)"
	maxResponse = 16 << 20

	// keyHeader is Idempotency-Key, deliberately not in canonical form:
	// net/http's Transport takes a request whose Header map holds the
	// canonical "Idempotency-Key" entry for idempotent and, when a reused
	// connection breaks after the request was written, silently sends it
	// again. That retry would bypass Client.do: no backoff, no retry log,
	// and no note that the first attempt may have taken effect. Field names
	// are case-insensitive (RFC 9110 5.1; HTTP/2 lower-cases them anyway),
	// so Pingen reads the same header. The Transport still resends a
	// request it had not written at all, and a GET, which is safe.
	keyHeader = "idempotency-key"

	defaultAttempts = 4
	backoffBase     = 500 * time.Millisecond
	backoffCap      = 30 * time.Second
	// maxRetryWait bounds how long one retry may wait. A longer Retry-After
	// is returned to the caller as Error.RetryAfter instead of blocking.
	maxRetryWait = 5 * time.Minute
	// tokenMargin is how long before expiry a cached token is replaced.
	tokenMargin = 60 * time.Second
)

// Clock is the time source of a Client and of a Submitter's polling; tests
// replace it so that nothing sleeps for real.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Client talks to Pingen's API v2 for one organisation. It is safe for
// concurrent use.
type Client struct {
	cfg      Config
	api      *url.URL
	identity *url.URL
	hc       *http.Client
	clock    Clock
	log      *slog.Logger
	attempts int

	// fetching is held while a token is fetched, so concurrent calls share
	// one fetch; a channel rather than a mutex so that waiting honours ctx.
	fetching chan struct{}

	mu     sync.Mutex
	token  string
	expiry time.Time
	old    string // the token dropped last, still scrubbed from errors
}

// An Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client; the default is one with a 2-minute
// timeout per request.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithClock sets the clock used for token expiry, retry waits and polling.
func WithClock(clk Clock) Option { return func(c *Client) { c.clock = clk } }

// WithLogger logs each response (method, path, status, request id) at debug
// level and each retry at warn level. Bodies and headers are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithMaxAttempts sets how often a request is tried in all; the default is
// 4. A 401 answered by a token refresh does not count.
func WithMaxAttempts(n int) Option { return func(c *Client) { c.attempts = max(n, 1) } }

// New returns a Client for cfg.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if err := checkID(cfg.OrganisationID); err != nil {
		return nil, fmt.Errorf("pingen config: organisation %w", err)
	}
	api, err := baseURL(cfg.apiURL())
	if err != nil {
		return nil, fmt.Errorf("pingen config: API URL: %w", err)
	}
	identity, err := baseURL(cfg.identityURL())
	if err != nil {
		return nil, fmt.Errorf("pingen config: identity URL: %w", err)
	}
	c := &Client{
		cfg:      cfg,
		api:      api,
		identity: identity,
		hc:       &http.Client{Timeout: 2 * time.Minute},
		clock:    realClock{},
		log:      slog.New(slog.DiscardHandler),
		attempts: defaultAttempts,
		fetching: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// String describes the client without credentials.
func (c *Client) String() string {
	return fmt.Sprintf("pingen.Client{Env: %s, API: %s, Identity: %s, OrganisationID: %s}",
		c.cfg.env(), c.api, c.identity, c.cfg.OrganisationID)
}

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb: the default formatting would print
// the cached access token.
func (c *Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// request is one logical API call, tried up to c.attempts times.
type request struct {
	method      string
	url         string
	body        []byte
	contentType string
	accept      string
	key         string // Idempotency-Key, the same on every attempt
	auth        bool   // send the bearer token; false only for the token request
}

type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
}

// call sends a JSON:API request to path below the API base.
func (c *Client) call(ctx context.Context, method, path string, q url.Values, doc any, key string) (*response, error) {
	u := *c.api
	u.Path = c.api.Path + path
	u.RawQuery = q.Encode()
	r := &request{method: method, url: u.String(), accept: mediaType, key: key, auth: true}
	if doc != nil {
		b, err := marshal(doc)
		if err != nil {
			return nil, err
		}
		r.body, r.contentType = b, mediaType
	}
	if method == http.MethodPost || method == http.MethodPatch {
		if r.key == "" {
			r.key = newKey()
		}
		if len(r.key) > 64 {
			return nil, fmt.Errorf("idempotency key longer than 64 characters")
		}
	}
	return c.do(ctx, r)
}

// do runs r with retries: transport errors, 408, 429 and 5xx are retried
// with capped exponential backoff or as long as Retry-After says; a 409 is
// retried when the request has an idempotency key, since it then means an
// earlier attempt is still running. A 401 drops the token and is retried
// once with a fresh one.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	var refreshed, uncertain bool
	for attempt := 1; ; attempt++ {
		var tok string
		if r.auth {
			t, err := c.accessToken(ctx)
			if err != nil {
				return nil, err
			}
			tok = t
		}
		resp, err := c.roundTrip(ctx, r, tok, attempt)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil || attempt >= c.attempts {
				return nil, err
			}
			uncertain = true
			wait = c.backoff(attempt)
			c.retrying(ctx, r, attempt, wait, "error", err.Error())
		case resp.status >= 200 && resp.status < 300:
			return resp, nil
		case resp.status == http.StatusUnauthorized && r.auth && !refreshed:
			refreshed = true
			c.dropToken(tok)
			attempt-- // the refresh is not a retry
			continue
		case resp.status == http.StatusNotFound && r.method == http.MethodDelete && uncertain:
			// An earlier attempt deleted it; only its answer was lost.
			return &response{status: http.StatusNoContent, header: resp.header, requestID: resp.requestID}, nil
		default:
			e := parseError(resp.status, resp.header, resp.body, c.scrub)
			e.uncertain = uncertain
			ra, hasRA := retryAfter(resp.header, c.clock.Now())
			if hasRA {
				e.RetryAfter = ra
			}
			if !retryable(resp.status, r.key != "") || attempt >= c.attempts {
				return nil, e
			}
			wait = c.backoff(attempt)
			if hasRA {
				wait = ra
			}
			if wait > maxRetryWait {
				return nil, e
			}
			if resp.status >= 500 {
				uncertain = true
			}
			c.retrying(ctx, r, attempt, wait, "status", strconv.Itoa(resp.status))
		}
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func retryable(status int, keyed bool) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusConflict:
		return keyed
	}
	return false
}

func (c *Client) roundTrip(ctx context.Context, r *request, tok string, attempt int) (*response, error) {
	var body io.Reader = http.NoBody
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", r.accept)
	if r.body != nil {
		req.Header.Set("Content-Type", r.contentType)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if r.key != "" {
		req.Header[keyHeader] = []string{r.key}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading response: %w", r.method, req.URL.Path, err)
	}
	if len(b) > maxResponse {
		return nil, fmt.Errorf("%s %s: response larger than %d bytes", r.method, req.URL.Path, maxResponse)
	}
	id := c.scrub(res.Header.Get("X-Request-Id"))
	c.log.LogAttrs(ctx, slog.LevelDebug, "pingen response",
		slog.String("method", r.method), slog.String("path", req.URL.Path),
		slog.Int("status", res.StatusCode), slog.String("request_id", id), slog.Int("attempt", attempt))
	return &response{status: res.StatusCode, header: res.Header, body: b, requestID: id}, nil
}

func (c *Client) retrying(ctx context.Context, r *request, attempt int, wait time.Duration, kind, reason string) {
	path := r.url
	if u, err := url.Parse(r.url); err == nil {
		path = u.Path
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "pingen retry",
		slog.String("method", r.method), slog.String("path", path), slog.Int("attempt", attempt),
		slog.String(kind, c.scrub(reason)), slog.Duration("wait", wait))
}

// backoff is 500 ms doubled per attempt, capped at 30 s, ±20 % jitter so
// that many clients do not retry in step.
func (c *Client) backoff(attempt int) time.Duration {
	d := backoffCap
	if attempt < 16 {
		d = min(backoffBase<<(attempt-1), backoffCap)
	}
	return time.Duration(float64(d) * (0.8 + 0.4*mathrand.Float64()))
}

// retryAfter reads Retry-After (seconds or an HTTP date) and, failing that,
// the rate-limit reset time, which Pingen's sources spell both
// X-RateLimit-Reset and X-Rate-Limit-Reset (header names are
// case-insensitive: net/http canonicalises them).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f < math.MaxInt32 {
			return time.Duration(f * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	for _, k := range []string{"X-RateLimit-Reset", "X-Rate-Limit-Reset"} {
		n, err := strconv.ParseInt(strings.TrimSpace(h.Get(k)), 10, 64)
		if err != nil || n < 0 {
			continue
		}
		if n > 1e9 { // a Unix time rather than a number of seconds
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
		return time.Duration(n) * time.Second, true
	}
	return 0, false
}

// accessToken returns a cached token or fetches one.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if t := c.cachedToken(); t != "" {
		return t, nil
	}
	select {
	case c.fetching <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.fetching }()
	if t := c.cachedToken(); t != "" {
		return t, nil
	}
	tok, ttl, err := c.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.token = tok
	c.expiry = c.clock.Now().Add(ttl - min(tokenMargin, ttl/2))
	c.mu.Unlock()
	return tok, nil
}

func (c *Client) cachedToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.clock.Now().Before(c.expiry) {
		return c.token
	}
	return ""
}

// dropToken forgets tok unless another call has already replaced it.
func (c *Client) dropToken(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == tok {
		c.old, c.token = tok, ""
	}
}

// fetchToken runs the OAuth 2.0 client-credentials grant against the
// identity host.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {string(c.cfg.ClientSecret)},
	}
	u := *c.identity
	u.Path += "/auth/access-tokens"
	resp, err := c.do(ctx, &request{
		method:      http.MethodPost,
		url:         u.String(),
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
		accept:      "application/json",
	})
	if err != nil {
		return "", 0, fmt.Errorf("get access token: %w", err)
	}
	var t struct {
		AccessToken string      `json:"access_token"`
		TokenType   string      `json:"token_type"`
		ExpiresIn   looseNumber `json:"expires_in"`
	}
	// The body holds the token: a decoding error must not quote it, so the
	// JSON error is not wrapped.
	if json.Unmarshal(resp.body, &t) != nil || t.AccessToken == "" {
		return "", 0, fmt.Errorf("get access token: malformed token response (request id %s)", resp.requestID)
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer") {
		return "", 0, fmt.Errorf("get access token: token type %q, want Bearer", c.scrub(t.TokenType))
	}
	ttl := time.Duration(float64(t.ExpiresIn) * float64(time.Second))
	if ttl <= 0 {
		ttl = 5 * time.Minute // no lifetime given: assume a short one
	}
	return t.AccessToken, ttl, nil
}

// scrub removes the client secret and tokens from text a server sent back,
// in case it echoes a request.
func (c *Client) scrub(s string) string {
	if s == "" {
		return s
	}
	c.mu.Lock()
	secrets := []string{string(c.cfg.ClientSecret), c.token, c.old}
	c.mu.Unlock()
	for _, x := range secrets {
		if x != "" {
			s = strings.ReplaceAll(s, x, redacted)
		}
	}
	return s
}

// marshal encodes JSON without HTML escaping, so that URLs read as sent.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// newKey returns a random UUIDv4, the idempotency key form Pingen suggests.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// checkID accepts the identifiers Pingen uses (UUIDs) and rejects anything
// that would change the meaning of a URL path.
func checkID(id string) error {
	if id == "" {
		return errors.New("id is empty")
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("id %q: unexpected character %q", id, r)
		}
	}
	return nil
}
