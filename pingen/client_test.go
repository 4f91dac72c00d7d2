package pingen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

func TestLetterFlow(t *testing.T) {
	srv := pingentest.New(t)
	c, clk := newTestClient(t, srv)
	ctx := context.Background()

	up, err := c.Upload(ctx, []byte(testPDF))
	if err != nil {
		t.Fatal(err)
	}
	if !up.ExpiresAt.Equal(srv.Now().Add(30 * time.Minute)) {
		t.Errorf("upload expires %v, want 30 minutes after %v", up.ExpiresAt, srv.Now())
	}
	l, err := c.CreateLetter(ctx, NewLetter{FileName: "invoice-0042.pdf", File: up, Options: LetterOptions{AddressPosition: AddressRight}, IdempotencyKey: "my-key-1"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != StatusValidating || l.FileOriginalName != "invoice-0042.pdf" || l.AddressPosition != AddressRight || l.Abilities != nil {
		t.Errorf("created letter %+v", l)
	}
	stored := srv.Letters()
	if len(stored) != 1 || stored[0].ID != l.ID || string(stored[0].PDF) != testPDF || stored[0].IdempotencyKey != "my-key-1" {
		t.Fatalf("fake holds %+v", stored)
	}

	l, err = c.Letter(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := Letter{
		ID: l.ID, Status: StatusValid, FileOriginalName: "invoice-0042.pdf", FilePages: 2,
		Address: "Herr Hans Muster\nSeestrasse 12\n8002 Zürich\nSchweiz", AddressPosition: AddressRight,
		Country: "CH", PaperTypes: []string{"normal", "normal"}, Fonts: []Font{{"Helvetica", true}},
		Source: "api", CreatedAt: srv.Now(), UpdatedAt: srv.Now(),
		Abilities: map[string]string{"submit": "ok", "cancel": "state", "delete": "ok", "edit": "ok", "get-pdf-raw": "ok"},
	}
	if !l.CreatedAt.Equal(want.CreatedAt) || !l.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("created %v, updated %v, want %v", l.CreatedAt, l.UpdatedAt, want.CreatedAt)
	}
	got := l
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("letter\n got %+v\nwant %+v", got, want)
	}
	if !l.Can("submit") || l.Can("cancel") || l.Can("nonsense") {
		t.Errorf("Can: %v", l.Abilities)
	}

	price, err := c.CalculatePrice(ctx, "CH", l.PaperTypes, testOptions)
	if err != nil || price != (Price{"CHF", 0.95}) {
		t.Errorf("price %+v, %v", price, err)
	}

	clk.advance(time.Minute)
	sent, err := c.SendLetter(ctx, l.ID, LetterOptions{Product: ProductFast, PrintMode: Simplex, Spectrum: Color}, "")
	if err != nil {
		t.Fatal(err)
	}
	if sent.Status != StatusSubmitted || sent.Product != ProductFast || sent.PrintMode != Simplex || sent.Spectrum != Color || !sent.SubmittedAt.Equal(srv.Now()) {
		t.Errorf("sent letter %+v", sent)
	}
	clk.advance(pingentest.DispatchDelay)
	events, err := c.LetterEvents(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range events {
		codes = append(codes, e.Code)
	}
	if want := []string{"created", "content_passed_inspection", "submitted", "transferred_to_distributor"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("event codes %q, want %q", codes, want)
	}
	if events[3].Name == "" || !events[3].EmittedAt.Equal(srv.Now()) || events[0].ID == "" {
		t.Errorf("last event %+v", events[3])
	}
	if l, _ := c.Letter(ctx, l.ID); l.Status != StatusSent {
		t.Errorf("after dispatch: %s", l.Status)
	}
	if len(clk.slept()) != 0 {
		t.Errorf("slept %v without faults", clk.slept())
	}
	if n := len(requests(srv, pingentest.OpToken)); n != 1 {
		t.Errorf("%d token requests, want 1 (cached)", n)
	}
	for _, r := range requests(srv, pingentest.OpPut) {
		if r.Authorization || r.ContentLength != int64(len(testPDF)) {
			t.Errorf("PUT %+v: want no Authorization and Content-Length %d", r, len(testPDF))
		}
	}
}

func TestCancelAndDelete(t *testing.T) {
	srv := pingentest.New(t)
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	auto := testOptions
	auto.AutoSend = true
	l := createLetter(t, c, "letter_simulate_cancellable.pdf", auto)
	if err := c.CancelLetter(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Letter(ctx, l.ID); got.Status != StatusCancelled {
		t.Errorf("after cancel: %s", got.Status)
	}
	// A letter not submitted cannot be cancelled, only deleted.
	l2 := createLetter(t, c, "other.pdf", testOptions)
	c.Letter(ctx, l2.ID)
	err := c.CancelLetter(ctx, l2.ID)
	var pe *Error
	if !errors.As(err, &pe) || pe.Status != http.StatusUnprocessableEntity || pe.RequestID == "" || len(pe.Errors) != 1 || pe.Errors[0].Code != "ability_cancel" {
		t.Fatalf("cancel of a valid letter: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "cancel letter "+l2.ID+": pingen: 422 Unprocessable Entity: Action not allowed: a letter in status valid cannot be cancelled (code ability_cancel) (request id ") {
		t.Errorf("error text %q", err)
	}
	if err := c.DeleteLetter(ctx, l2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Letter(ctx, l2.ID); !errors.As(err, &pe) || pe.Status != http.StatusNotFound {
		t.Errorf("deleted letter: %v", err)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("%d letters, want 1", n)
	}
}

func TestPriceNotReady(t *testing.T) {
	srv := pingentest.New(t)
	c, _ := newTestClient(t, srv)
	srv.FailNext(pingentest.Fault{Op: pingentest.OpPrice, Status: http.StatusAccepted})
	if _, err := c.CalculatePrice(context.Background(), "DE", []string{"normal"}, testOptions); !errors.Is(err, ErrPriceNotReady) {
		t.Fatalf("got %v, want ErrPriceNotReady", err)
	}
}

func TestRetries(t *testing.T) {
	epoch := func(srv *pingentest.Server, d time.Duration) string {
		return srv.Now().Add(d).UTC().Format(http.TimeFormat)
	}
	tests := []struct {
		name   string
		faults func(srv *pingentest.Server) []pingentest.Fault
		sleeps []time.Duration // exact waits; nil with jitter set
		jitter []time.Duration // nominal backoff waits, ±20 %
		// retried is what the client's retry log gives as the reason for
		// each retry, in order.
		retried []string
		status  int // of the final error, 0 for success
		letters int
	}{
		{"429 Retry-After seconds", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429, RetryAfter: "7"}}
		}, []time.Duration{7 * time.Second}, nil, []string{"status=429"}, 0, 1},
		{"429 Retry-After date", func(srv *pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429, RetryAfter: epoch(srv, 12*time.Second)}}
		}, []time.Duration{12 * time.Second}, nil, []string{"status=429"}, 0, 1},
		{"429 X-RateLimit-Reset epoch", func(srv *pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429, Header: http.Header{"x-ratelimit-reset": {strconv.FormatInt(srv.Now().Add(20*time.Second).Unix(), 10)}}}}
		}, []time.Duration{20 * time.Second}, nil, []string{"status=429"}, 0, 1},
		{"429 X-Rate-Limit-Reset seconds", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429, Header: http.Header{"X-Rate-Limit-Reset": {"5"}}}}
		}, []time.Duration{5 * time.Second}, nil, []string{"status=429"}, 0, 1},
		{"429 without hint", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429}}
		}, nil, []time.Duration{500 * time.Millisecond}, []string{"status=429"}, 0, 1},
		{"503 maintenance", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 503, RetryAfter: "30"}}
		}, []time.Duration{30 * time.Second}, nil, []string{"status=503"}, 0, 1},
		{"three 500s", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 500}, {Status: 502}, {Status: 504}}
		}, nil, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, []string{"status=500", "status=502", "status=504"}, 0, 1},
		{"four 500s", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}
		}, nil, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, []string{"status=500", "status=500", "status=500"}, 500, 0},
		{"dropped after create", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Drop: true}}
		}, nil, []time.Duration{500 * time.Millisecond}, []string{`error="Post \"{create}\": EOF"`}, 0, 1},
		{"dropped twice", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Drop: true}, {Drop: true}}
		}, nil, []time.Duration{500 * time.Millisecond, time.Second}, []string{`error="Post \"{create}\": EOF"`, `error="Post \"{create}\": EOF"`}, 0, 1},
		{"409 in flight", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 409}}
		}, nil, []time.Duration{500 * time.Millisecond}, []string{"status=409"}, 0, 1},
		{"Retry-After too long", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 429, RetryAfter: "600"}}
		}, nil, nil, nil, 429, 0},
		{"400 is final", func(*pingentest.Server) []pingentest.Fault {
			return []pingentest.Fault{{Status: 400}}
		}, nil, nil, nil, 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			// The default transport, with keep-alives: the create goes out
			// on the connection file-upload used.
			var log bytes.Buffer
			c, clk := newTestClient(t, srv, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			ctx := context.Background()
			up, err := c.Upload(ctx, []byte(testPDF))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.faults(srv) {
				f.Op = pingentest.OpCreate
				srv.FailNext(f)
			}
			l, err := c.CreateLetter(ctx, NewLetter{FileName: "letter.pdf", File: up, Options: testOptions})
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if got := srv.Letters(); len(got) != 1 || got[0].ID != l.ID {
					t.Fatalf("fake has %d letters (want 1 with id %s)", len(got), l.ID)
				}
			} else {
				var pe *Error
				if !errors.As(err, &pe) || pe.Status != tt.status {
					t.Fatalf("error %v, want status %d", err, tt.status)
				}
				if tt.status == 429 && pe.RetryAfter != 10*time.Minute {
					t.Errorf("RetryAfter %v, want 10m", pe.RetryAfter)
				}
			}
			if n := len(srv.Letters()); n != tt.letters {
				t.Errorf("%d letters, want %d", n, tt.letters)
			}
			slept := clk.slept()
			creates := requests(srv, pingentest.OpCreate)
			switch {
			case tt.jitter != nil:
				if len(slept) != len(tt.jitter) {
					t.Fatalf("slept %v, want about %v", slept, tt.jitter)
				}
				for i, d := range tt.jitter {
					if lo, hi := d*8/10, d*12/10; slept[i] < lo || slept[i] > hi {
						t.Errorf("sleep %d: %v, want %v–%v", i, slept[i], lo, hi)
					}
				}
			case !reflect.DeepEqual(slept, tt.sleeps):
				t.Errorf("slept %v, want %v", slept, tt.sleeps)
			}
			// Every attempt is the client's own: one request each, a wait
			// between two, and a retry logged for each wait.
			if len(creates) != len(slept)+1 {
				t.Errorf("%d create requests for %d sleeps", len(creates), len(slept))
			}
			for _, r := range creates {
				if r.IdempotencyKey == "" || r.IdempotencyKey != creates[0].IdempotencyKey {
					t.Errorf("create keys differ or are missing: %q vs %q", r.IdempotencyKey, creates[0].IdempotencyKey)
				}
			}
			path := "/organisations/" + srv.OrganisationID + "/deliveries/letters"
			var want []string
			for i, reason := range tt.retried {
				want = append(want, fmt.Sprintf("level=WARN msg=\"pingen retry\" method=POST path=%s attempt=%d %s wait=%s",
					path, i+1, strings.ReplaceAll(reason, "{create}", srv.APIURL()+path), slept[i]))
			}
			if got := retryLines(&log); !reflect.DeepEqual(got, want) {
				t.Errorf("retry log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if creates[0].Dropped {
				// The letter was made by the first attempt; the others are
				// replays, and the last one's answer arrives.
				for i, r := range creates {
					if r.Dropped == (i == len(creates)-1) || r.Replayed != (i > 0) {
						t.Errorf("create %d: %+v; want all but the last dropped, all but the first replayed", i, r)
					}
				}
			}
		})
	}
}

func TestUploadRetriesWithFreshURL(t *testing.T) {
	tests := []struct {
		name   string
		fault  pingentest.Fault
		status int // of the final error, 0 for success
	}{
		{"dropped after storing", pingentest.Fault{Op: pingentest.OpPut, Drop: true}, 0},
		{"503", pingentest.Fault{Op: pingentest.OpPut, Status: 503}, 0},
		{"403 expired", pingentest.Fault{Op: pingentest.OpPut, Status: 403}, 0},
		{"400 is final", pingentest.Fault{Op: pingentest.OpPut, Status: 400}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			c, clk := newTestClient(t, srv)
			srv.FailNext(tt.fault)
			up, err := c.Upload(context.Background(), []byte(testPDF))
			if tt.status != 0 {
				if err == nil || !strings.Contains(err.Error(), "storage answered 400") {
					t.Fatalf("error %v, want storage answered 400", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			puts := requests(srv, pingentest.OpPut)
			if n := len(requests(srv, pingentest.OpFileUpload)); n != 2 || len(puts) != 2 || puts[0].Path == puts[1].Path {
				t.Fatalf("%d file-upload requests and PUTs %+v, want two of each to different URLs", n, puts)
			}
			if !strings.Contains(up.URL, strings.TrimPrefix(puts[1].Path, "/")) || len(clk.slept()) != 1 {
				t.Errorf("upload %s, sleeps %v", up.URL, clk.slept())
			}
			if _, err := c.CreateLetter(context.Background(), NewLetter{FileName: "letter.pdf", File: up, Options: testOptions}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	ctx := context.Background()
	t.Run("401 refreshes once", func(t *testing.T) {
		srv := pingentest.New(t)
		c, _ := newTestClient(t, srv)
		if _, err := c.Upload(ctx, []byte(testPDF)); err != nil {
			t.Fatal(err)
		}
		srv.ExpireTokens()
		if _, err := c.Upload(ctx, []byte(testPDF)); err != nil {
			t.Fatal(err)
		}
		if n := len(requests(srv, pingentest.OpToken)); n != 2 {
			t.Errorf("%d token requests, want 2", n)
		}
	})
	t.Run("second 401 is an error", func(t *testing.T) {
		srv := pingentest.New(t)
		c, clk := newTestClient(t, srv)
		srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Status: 401})
		srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Status: 401})
		_, err := c.Upload(ctx, []byte(testPDF))
		var pe *Error
		if !errors.As(err, &pe) || pe.Status != 401 {
			t.Fatalf("got %v, want a 401 error", err)
		}
		if n, m := len(requests(srv, pingentest.OpToken)), len(requests(srv, pingentest.OpFileUpload)); n != 2 || m != 2 {
			t.Errorf("%d token and %d file-upload requests, want 2 and 2", n, m)
		}
		if len(clk.slept()) != 0 {
			t.Errorf("slept %v", clk.slept())
		}
	})
	t.Run("token renewed a minute early", func(t *testing.T) {
		srv := pingentest.New(t)
		srv.SetTokenLifetime(10 * time.Minute)
		c, clk := newTestClient(t, srv)
		c.Upload(ctx, []byte(testPDF))
		clk.advance(9*time.Minute - time.Second)
		c.Upload(ctx, []byte(testPDF))
		if n := len(requests(srv, pingentest.OpToken)); n != 1 {
			t.Errorf("%d token requests before the margin, want 1", n)
		}
		clk.advance(2 * time.Second)
		c.Upload(ctx, []byte(testPDF))
		if n := len(requests(srv, pingentest.OpToken)); n != 2 {
			t.Errorf("%d token requests after the margin, want 2", n)
		}
		for _, r := range srv.Requests() {
			if r.Status == 401 {
				t.Errorf("a request was refused: %+v", r)
			}
		}
	})
	t.Run("token endpoint retried", func(t *testing.T) {
		srv := pingentest.New(t)
		c, clk := newTestClient(t, srv)
		srv.FailNext(pingentest.Fault{Op: pingentest.OpToken, Status: 503, RetryAfter: "2"})
		srv.FailNext(pingentest.Fault{Op: pingentest.OpToken, Drop: true})
		if _, err := c.Upload(ctx, []byte(testPDF)); err != nil {
			t.Fatal(err)
		}
		if n := len(requests(srv, pingentest.OpToken)); n < 3 {
			t.Errorf("%d token requests, want 3", n)
		}
		if s := clk.slept(); len(s) != 2 || s[0] != 2*time.Second {
			t.Errorf("slept %v, want 2s then a backoff", s)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		srv := pingentest.New(t)
		cfg, _ := ConfigFromEnv(srv.Getenv)
		cfg.ClientSecret = "wrong"
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Upload(ctx, []byte(testPDF))
		var pe *Error
		if !errors.As(err, &pe) || pe.Status != 401 || len(pe.Errors) != 1 || pe.Errors[0].Code != "invalid_client" {
			t.Fatalf("got %v, want invalid_client", err)
		}
		if want := "upload: get access token: pingen: 401 Unauthorized: Client authentication failed (code invalid_client) (request id "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want prefix %q", err, want)
		}
		if n := len(requests(srv, pingentest.OpToken)); n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
	})
}

func TestContext(t *testing.T) {
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		srv := pingentest.New(t)
		c, clk := newTestClient(t, srv)
		ctx, cancel := context.WithCancel(context.Background())
		clk.onSleep = cancel
		srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Status: 429, RetryAfter: "5"})
		_, err := c.Upload(ctx, []byte(testPDF))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if n := len(requests(srv, pingentest.OpFileUpload)); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("slow answer past the deadline", func(t *testing.T) {
		srv := pingentest.New(t)
		c, _ := newTestClient(t, srv)
		c.Upload(context.Background(), []byte(testPDF)) // fetch the token first
		// The answer comes only after the client has given up.
		release := make(chan struct{})
		srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Hold: func() { <-release }})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		defer cancel()
		_, err := c.Upload(ctx, []byte(testPDF))
		close(release)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestClientChecksInput(t *testing.T) {
	srv := pingentest.New(t)
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	up := Upload{URL: "http://x/y", Signature: "s"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"short name", func() error {
			_, err := c.CreateLetter(ctx, NewLetter{FileName: "a.pd", File: up, Options: testOptions})
			return err
		}(), `file name "a.pd": Pingen needs 5 to 255 characters`},
		{"no position", func() error {
			_, err := c.CreateLetter(ctx, NewLetter{FileName: "a.pdf", File: up})
			return err
		}(), `address position "": want left or right`},
		{"auto-send without product", func() error {
			_, err := c.CreateLetter(ctx, NewLetter{FileName: "a.pdf", File: up, Options: LetterOptions{AddressPosition: AddressLeft, AutoSend: true}})
			return err
		}(), "delivery product missing"},
		{"bad print mode", func() error {
			_, err := c.SendLetter(ctx, "abc", LetterOptions{Product: ProductCheap, PrintMode: "both", Spectrum: Color}, "")
			return err
		}(), `print mode "both"`},
		{"path in id", func() error { _, err := c.Letter(ctx, "../x"); return err }(), `unexpected character '.'`},
		{"long key", func() error {
			_, err := c.SendLetter(ctx, "abc", testOptions, strings.Repeat("k", 65))
			return err
		}(), "longer than 64"},
		{"empty upload", func() error { _, err := c.Upload(ctx, nil); return err }(), "empty file"},
		{"no pages", func() error { _, err := c.CalculatePrice(ctx, "CH", nil, testOptions); return err }(), "no pages"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, tt.err, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// TestLostAnswerRetriedByClient closes the connection after Pingen acted,
// on a connection used before: Go's transport would resend a request with an
// Idempotency-Key on its own, unseen. The client's own retry, with the same
// key, must learn the outcome: after a wait, with a retry logged.
func TestLostAnswerRetriedByClient(t *testing.T) {
	auto := testOptions
	auto.AutoSend = true
	tests := []struct {
		name   string
		op     string
		method string
		call   func(c *Client, l Letter) error
		path   func(l Letter) string
	}{
		{"create, POST with a body", pingentest.OpCreate, "POST",
			func(c *Client, l Letter) error {
				up, err := c.Upload(context.Background(), []byte(testPDF))
				if err != nil {
					return err
				}
				_, err = c.CreateLetter(context.Background(), NewLetter{FileName: "letter.pdf", File: up, Options: testOptions})
				return err
			},
			func(Letter) string { return "" }},
		{"send, PATCH with a body", pingentest.OpSend, "PATCH",
			func(c *Client, l Letter) error {
				_, err := c.SendLetter(context.Background(), l.ID, testOptions, "")
				return err
			},
			func(l Letter) string { return "/" + l.ID + "/send" }},
		{"cancel, PATCH without a body", pingentest.OpCancel, "PATCH",
			func(c *Client, l Letter) error { return c.CancelLetter(context.Background(), l.ID) },
			func(l Letter) string { return "/" + l.ID + "/cancel" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			var log bytes.Buffer
			c, clk := newTestClient(t, srv, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			// A letter to send (valid) or to cancel (submitted, held in
			// print preparation); its requests open the connection.
			var l Letter
			switch tt.op {
			case pingentest.OpSend:
				l = createLetter(t, c, "letter.pdf", testOptions)
			case pingentest.OpCancel:
				l = createLetter(t, c, "letter_simulate_cancellable.pdf", auto)
			}
			if l.ID != "" {
				if _, err := c.Letter(context.Background(), l.ID); err != nil {
					t.Fatal(err)
				}
			}
			srv.FailNext(pingentest.Fault{Op: tt.op, Drop: true})
			if err := tt.call(c, l); err != nil {
				t.Fatal(err)
			}
			reqs := requests(srv, tt.op)
			if len(reqs) != 2 || !reqs[0].Dropped || !reqs[1].Replayed || reqs[0].IdempotencyKey == "" || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
				t.Fatalf("requests %+v: want a dropped one and a replay with the same key", reqs)
			}
			s := clk.slept()
			if len(s) != 1 || s[0] < 400*time.Millisecond || s[0] > 600*time.Millisecond {
				t.Fatalf("slept %v, want one backoff of 500ms ± 20%%", s)
			}
			path := "/organisations/" + srv.OrganisationID + "/deliveries/letters" + tt.path(l)
			want := []string{fmt.Sprintf(`level=WARN msg="pingen retry" method=%s path=%s attempt=1 error="%s \"%s\": EOF" wait=%s`,
				tt.method, path, strings.ToUpper(tt.method[:1])+strings.ToLower(tt.method[1:]), srv.APIURL()+path, s[0])}
			if got := retryLines(&log); !reflect.DeepEqual(got, want) {
				t.Errorf("retry log %q, want %q", got, want)
			}
		})
	}
}

// retryLines returns the retry lines of a text log.
func retryLines(log *bytes.Buffer) []string {
	var out []string
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, `msg="pingen retry"`) {
			_, rest, _ := strings.Cut(line, " ") // the time
			out = append(out, rest)
		}
	}
	return out
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"title repeats the status", &Error{Status: 404, RequestID: "r1", Errors: []ErrorObject{{Title: "Not Found", Detail: "letter not found"}}},
			"pingen: 404 Not Found: letter not found (request id r1)"},
		{"in other case", &Error{Status: 404, Errors: []ErrorObject{{Title: "not found", Detail: "letter not found"}}},
			"pingen: 404 Not Found: letter not found"},
		{"title says more", &Error{Status: 422, Errors: []ErrorObject{{Title: "The given data was invalid.", Detail: "print_mode is required", Pointer: "/data/attributes/print_mode"}}},
			"pingen: 422 Unprocessable Entity: The given data was invalid.: print_mode is required (/data/attributes/print_mode)"},
		{"only the status text", &Error{Status: 503, Errors: []ErrorObject{{Title: "Service Unavailable"}}, RetryAfter: 30 * time.Second},
			"pingen: 503 Service Unavailable (retry after 30s)"},
		{"second object", &Error{Status: 422, Errors: []ErrorObject{{Title: "Unprocessable Entity"}, {Detail: "country missing", Code: "validation"}}},
			"pingen: 422 Unprocessable Entity: country missing (code validation)"},
		{"no body", &Error{Status: 500}, "pingen: 500 Internal Server Error"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestKnownProducts(t *testing.T) {
	got := KnownProducts()
	generic := []Product{ProductFast, ProductCheap, ProductBulk, ProductPremium, ProductRegistered}
	if len(got) != 19 || !reflect.DeepEqual(got[:5], generic) || got[5] != "postag_a" || got[18] != "dhl_world_priority" {
		t.Fatalf("KnownProducts() = %q", got)
	}
	for i, p := range got {
		if p.Generic() != (i < 5) {
			t.Errorf("%s.Generic() = %v", p, p.Generic())
		}
	}
	got[0] = "changed"
	if KnownProducts()[0] != ProductFast {
		t.Error("KnownProducts returns the package's own slice")
	}
	if Product("express").Generic() {
		t.Error(`"express" is generic`)
	}
}
