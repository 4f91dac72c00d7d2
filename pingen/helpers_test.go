package pingen

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

// testPDF is a two-page PDF as far as the fake can tell.
const testPDF = "%PDF-1.7\n1 0 obj <</Type /Page>> endobj\n2 0 obj <</Type /Page>> endobj\n%%EOF\n"

// fakeClock records sleeps instead of sleeping, and moves the fake
// server's clock along with its own.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	srv     *pingentest.Server
	onSleep func() // runs before each sleep
	real    time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.onSleep != nil {
		c.onSleep()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.advance(d)
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	time.Sleep(c.real)
	return nil
}

// advance moves both clocks without recording a sleep.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	if c.srv != nil {
		c.srv.Advance(d)
	}
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// newTestClient returns a client of srv whose clock is tied to srv's.
func newTestClient(t *testing.T, srv *pingentest.Server, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	cfg, err := ConfigFromEnv(srv.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{now: srv.Now(), srv: srv}
	c, err := New(cfg, append([]Option{WithClock(clk)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

// requests returns the requests srv saw for op.
func requests(srv *pingentest.Server, op string) []pingentest.Request {
	var out []pingentest.Request
	for _, r := range srv.Requests() {
		if r.Op == op {
			out = append(out, r)
		}
	}
	return out
}

var testOptions = LetterOptions{AddressPosition: AddressLeft, Product: ProductCheap, PrintMode: Duplex, Spectrum: Grayscale}

// createLetter uploads testPDF and creates a letter named name.
func createLetter(t *testing.T, c *Client, name string, o LetterOptions) Letter {
	t.Helper()
	ctx := context.Background()
	up, err := c.Upload(ctx, []byte(testPDF))
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.CreateLetter(ctx, NewLetter{FileName: name, File: up, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// tokenRecorder is a transport that remembers every bearer token sent.
type tokenRecorder struct {
	mu     sync.Mutex
	tokens map[string]bool
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.mu.Lock()
		if r.tokens == nil {
			r.tokens = map[string]bool{}
		}
		r.tokens[tok] = true
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *tokenRecorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for t := range r.tokens {
		out = append(out, t)
	}
	return out
}
