package pingen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

// TestNoSecretInOutput drives every error path of the client, submitter
// and config, with debug logging on, against the fake and against servers
// that echo credentials back, and looks for the client secret and every
// access token in all that was said.
func TestNoSecretInOutput(t *testing.T) {
	var out bytes.Buffer // errors, formatted values, logs, journal
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &tokenRecorder{}
	hc := &http.Client{Transport: rec}
	ctx := context.Background()
	secrets := []string{}
	note := func(err error) {
		t.Helper()
		if err == nil {
			t.Errorf("expected an error")
			return
		}
		fmt.Fprintf(&out, "%v\n%+v\n%#v\n%s\n", err, err, err, err)
		var pe *Error
		if errors.As(err, &pe) {
			fmt.Fprintf(&out, "%#v\n", *pe)
		}
	}
	client := func(t *testing.T, cfg Config, opts ...Option) *Client {
		secrets = append(secrets, string(cfg.ClientSecret))
		c, err := New(cfg, append([]Option{WithHTTPClient(hc), WithLogger(log), WithClock(&fakeClock{now: time.Now()})}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fmt.Fprintf(&out, "%v %+v %#v\n", c, c, c) })
		return c
	}

	t.Run("fake", func(t *testing.T) {
		srv := pingentest.New(t)
		srv.TolerateViolations()
		cfg, _ := ConfigFromEnv(srv.Getenv)
		c := client(t, cfg)
		up, err := c.Upload(ctx, []byte(testPDF))
		if err != nil {
			t.Fatal(err)
		}
		l, err := c.CreateLetter(ctx, NewLetter{FileName: "letter.pdf", File: up, Options: testOptions})
		if err != nil {
			t.Fatal(err)
		}
		fail := func(f ...pingentest.Fault) {
			for _, x := range f {
				srv.FailNext(x)
			}
		}
		five := func(op string, status int) []pingentest.Fault {
			return []pingentest.Fault{{Op: op, Status: status}, {Op: op, Status: status}, {Op: op, Status: status}, {Op: op, Status: status}}
		}
		cases := []func() error{
			func() error {
				fail(five(pingentest.OpFileUpload, 500)...)
				_, err := c.Upload(ctx, []byte(testPDF))
				return err
			},
			func() error {
				fail(five(pingentest.OpPut, 503)...)
				_, err := c.Upload(ctx, []byte(testPDF))
				return err
			},
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpPut, Status: 400})
				_, err := c.Upload(ctx, []byte(testPDF))
				return err
			},
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpCreate, Status: 422})
				_, err := c.CreateLetter(ctx, NewLetter{FileName: "letter.pdf", File: up, Options: testOptions})
				return err
			},
			func() error {
				// Reusing a used upload: a 422 from validation with pointers.
				_, err := c.CreateLetter(ctx, NewLetter{FileName: "letter.pdf", File: up, Options: testOptions})
				return err
			},
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpShow, Status: 401}, pingentest.Fault{Op: pingentest.OpShow, Status: 401})
				_, err := c.Letter(ctx, l.ID)
				return err
			},
			func() error { srv.ExpireTokens(); _, err := c.Letter(ctx, "missing"); return err },
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpCancel, Status: 409})
				return c.CancelLetter(ctx, l.ID)
			},
			func() error { return c.DeleteLetter(ctx, "missing") },
			func() error {
				_, err := c.SendLetter(ctx, l.ID, LetterOptions{Product: "slow", PrintMode: Simplex, Spectrum: Color}, "")
				return err
			},
			func() error { _, err := c.LetterEvents(ctx, "missing"); return err },
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpPrice, Status: 202})
				_, err := c.CalculatePrice(ctx, "CH", []string{"normal"}, testOptions)
				return err
			},
			func() error {
				fail(pingentest.Fault{Op: pingentest.OpShow, Status: 429, RetryAfter: "3600"})
				_, err := c.Letter(ctx, l.ID)
				return err
			},
			func() error {
				c2 := client(t, cfg)
				fail(five(pingentest.OpToken, 500)...)
				_, err := c2.Letter(ctx, l.ID)
				return err
			},
			func() error {
				bad := cfg
				bad.ClientSecret = "wrong-" + Secret(srv.ClientSecret)
				_, err := client(t, bad).Letter(ctx, l.ID)
				return err
			},
			func() error {
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				_, err := c.Letter(cctx, l.ID)
				return err
			},
			func() error {
				j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"))
				if err != nil {
					t.Fatal(err)
				}
				defer func() {
					b, _ := os.ReadFile(filepath.Join(filepath.Dir(j.path), "j.jsonl"))
					out.Write(b)
					j.Close()
				}()
				fail(pingentest.Fault{Op: pingentest.OpCreate, Status: 422})
				s := &Submitter{Client: c, Journal: j}
				_, err = s.Submit(ctx, testSubmission("letter.pdf"))
				return err
			},
		}
		for _, f := range cases {
			note(f())
		}
	})

	t.Run("echo", func(t *testing.T) {
		// Servers that quote the request, credentials included, in their
		// errors.
		const echoed = "tok-echo-0123456789"
		identity := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			form, _ := url.ParseQuery(string(b))
			w.Header().Set("X-Request-Id", form.Get("client_secret"))
			if form.Get("client_id") == "bad" {
				w.WriteHeader(401)
				fmt.Fprintf(w, `{"error":%q,"error_description":"you sent %s","message":%q}`, form.Get("client_secret"), b, b)
				return
			}
			if form.Get("client_id") == "truncated" {
				fmt.Fprintf(w, `{"token_type":"Bearer","access_token":"%s","expires_in":`, echoed)
				return
			}
			if form.Get("client_id") == "odd-type" {
				fmt.Fprintf(w, `{"token_type":"%s","access_token":"%s","expires_in":60}`, form.Get("client_secret"), echoed)
				return
			}
			fmt.Fprintf(w, `{"token_type":"Bearer","access_token":"%s","expires_in":3600}`, echoed)
		}))
		defer identity.Close()
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			w.Header().Set("X-Request-Id", auth)
			w.Header().Set("Retry-After", auth)
			w.WriteHeader(422)
			fmt.Fprintf(w, `{"errors":[{"code":%q,"title":%q,"detail":"header was %s","source":{"pointer":%q,"parameter":%q}}]}`, auth, auth, auth, auth, auth)
		}))
		defer api.Close()
		secrets = append(secrets, echoed)
		for _, id := range []string{"bad", "truncated", "odd-type", "good"} {
			cfg := Config{ClientID: id, ClientSecret: "echo-secret-" + Secret(id), OrganisationID: "org", APIURL: api.URL, IdentityURL: identity.URL}
			c := client(t, cfg)
			_, err := c.Letter(ctx, "abc")
			note(err)
			// A failure before any create request is recorded in the
			// journal, error text and all.
			path := filepath.Join(t.TempDir(), "j.jsonl")
			j, err := OpenJournal(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&Submitter{Client: c, Journal: j}).Submit(ctx, testSubmission("letter.pdf"))
			note(err)
			j.Close()
			b, _ := os.ReadFile(path)
			if !bytes.Contains(b, []byte(`"error":`)) {
				t.Errorf("journal without the failure: %s", b)
			}
			out.Write(b)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		cfg := Config{ClientID: "id", ClientSecret: "dead-secret", OrganisationID: "org", APIURL: dead.URL, IdentityURL: dead.URL}
		_, err := client(t, cfg, WithMaxAttempts(2)).Letter(ctx, "abc")
		note(err)
	})

	t.Run("config", func(t *testing.T) {
		secrets = append(secrets, "env-secret")
		for _, env := range []map[string]string{
			{"PINGEN_CLIENT_SECRET": "env-secret"},
			{"PINGEN_CLIENT_SECRET": "env-secret", "PINGEN_CLIENT_SECRET_FILE": "/nonexistent"},
			{"PINGEN_CLIENT_SECRET": "env-secret", "PINGEN_ENV": "env-secret", "PINGEN_CLIENT_ID": "x", "PINGEN_ORGANISATION_ID": "y"},
		} {
			cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
			note(err)
			fmt.Fprintf(&out, "%v %+v %#v\n", cfg, cfg, cfg)
		}
	})

	tokens := rec.seen()
	if len(tokens) < 3 {
		t.Fatalf("only %d tokens seen; the test did not exercise refreshes", len(tokens))
	}
	all := out.String()
	if !strings.Contains(all, "pingen retry") || !strings.Contains(all, "pingen response") {
		t.Fatal("no log lines were written")
	}
	for _, s := range append(secrets, tokens...) {
		if s == "" {
			continue
		}
		if i := strings.Index(all, s); i >= 0 {
			t.Errorf("output contains %q: …%s…", s, all[max(0, i-200):min(len(all), i+100)])
		}
	}
	if testing.Verbose() {
		t.Logf("%d bytes of output checked for %d secrets and %d tokens", len(all), len(secrets), len(tokens))
	}
}
