package pingentest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

const pdf = "%PDF-1.7\n1 0 obj <</Type /Page>> endobj\n2 0 obj <</Type /Page>> endobj\n3 0 obj <</Type /Pages>> endobj\n%%EOF\n"

// call is a raw request to the fake.
type call struct {
	method, url string
	header      map[string]string
	body        string
	chunked     bool
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", a.status, err, a.body)
	}
	return m
}

// pointers lists the source pointers of a JSON:API error answer.
func (a answer) pointers(t *testing.T) []string {
	t.Helper()
	var doc struct {
		Errors []struct {
			Source struct {
				Pointer string `json:"pointer"`
			} `json:"source"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatalf("error body: %v: %s", err, a.body)
	}
	var out []string
	for _, e := range doc.Errors {
		out = append(out, e.Source.Pointer)
	}
	slices.Sort(out)
	return out
}

func send(t *testing.T, c call) answer {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
		if c.chunked {
			body = io.MultiReader(strings.NewReader(c.body)) // unknown length
		}
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

func token(t *testing.T, srv *pingentest.Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret}}
	a := send(t, call{method: "POST", url: srv.IdentityURL() + "/auth/access-tokens",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: form.Encode()})
	if a.status != 200 {
		t.Fatalf("token: %d %s", a.status, a.body)
	}
	return a.json(t)["access_token"].(string)
}

// api is a well-formed API call with token tok.
func api(srv *pingentest.Server, tok, method, path, body string) call {
	h := map[string]string{"Accept": "application/vnd.api+json", "Authorization": "Bearer " + tok}
	if body != "" {
		h["Content-Type"] = "application/vnd.api+json"
	}
	return call{method: method, url: srv.APIURL() + path, header: h, body: body}
}

func lettersPath(srv *pingentest.Server) string {
	return "/organisations/" + srv.OrganisationID + "/deliveries/letters"
}

// uploaded asks for an upload URL and PUTs pdf there.
func uploaded(t *testing.T, srv *pingentest.Server, tok, content string) (fileURL, sig string) {
	t.Helper()
	a := send(t, api(srv, tok, "GET", "/file-upload", ""))
	if a.status != 200 {
		t.Fatalf("file-upload: %d %s", a.status, a.body)
	}
	attrs := a.json(t)["data"].(map[string]any)["attributes"].(map[string]any)
	fileURL, sig = attrs["url"].(string), attrs["url_signature"].(string)
	if !strings.HasPrefix(fileURL, "http://127.0.0.1") || strings.HasPrefix(fileURL, srv.APIURL()) || !strings.Contains(fileURL, "X-Amz-Signature=") {
		t.Fatalf("upload URL %s does not look presigned on its own host", fileURL)
	}
	if _, err := time.Parse("2006-01-02T15:04:05-0700", attrs["expires_at"].(string)); err != nil {
		t.Fatalf("expires_at: %v", err)
	}
	if p := send(t, call{method: "PUT", url: fileURL, body: content}); p.status != 200 {
		t.Fatalf("PUT: %d %s", p.status, p.body)
	}
	return fileURL, sig
}

func createBody(name, fileURL, sig string, extra string) string {
	attrs := `"file_original_name":` + quote(name) + `,"file_url":` + quote(fileURL) + `,"file_url_signature":` + quote(sig) +
		`,"address_position":"left","auto_send":false` + extra
	return `{"data":{"type":"letters","attributes":{` + attrs + `}}}`
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func create(t *testing.T, srv *pingentest.Server, tok, name, extra string) string {
	t.Helper()
	u, sig := uploaded(t, srv, tok, pdf)
	a := send(t, api(srv, tok, "POST", lettersPath(srv), createBody(name, u, sig, extra)))
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	return a.json(t)["data"].(map[string]any)["id"].(string)
}

func status(t *testing.T, srv *pingentest.Server, tok, id string) string {
	t.Helper()
	a := send(t, api(srv, tok, "GET", lettersPath(srv)+"/"+id, ""))
	if a.status != 200 {
		t.Fatalf("show: %d %s", a.status, a.body)
	}
	return a.json(t)["data"].(map[string]any)["attributes"].(map[string]any)["status"].(string)
}

func TestToken(t *testing.T) {
	form := func(grant, id, secret, scope string) string {
		v := url.Values{"grant_type": {grant}, "client_id": {id}, "client_secret": {secret}}
		if scope != "" {
			v.Set("scope", scope)
		}
		return v.Encode()
	}
	const formType = "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		contentType string
		body        func(*pingentest.Server) string
		status      int
		code        string
		violation   bool
	}{
		{"ok", formType, func(s *pingentest.Server) string { return form("client_credentials", s.ClientID, s.ClientSecret, "") }, 200, "", false},
		{"scopes", formType, func(s *pingentest.Server) string {
			return form("client_credentials", s.ClientID, s.ClientSecret, "letter organisation_read")
		}, 200, "", false},
		{"unknown scope", formType, func(s *pingentest.Server) string {
			return form("client_credentials", s.ClientID, s.ClientSecret, "letters")
		}, 400, "invalid_scope", false},
		{"wrong secret", formType, func(s *pingentest.Server) string { return form("client_credentials", s.ClientID, "nope", "") }, 401, "invalid_client", false},
		{"wrong grant", formType, func(s *pingentest.Server) string { return form("password", s.ClientID, s.ClientSecret, "") }, 400, "unsupported_grant_type", true},
		{"JSON body", "application/json", func(s *pingentest.Server) string { return `{"grant_type":"client_credentials"}` }, 400, "invalid_request", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.TolerateViolations()
			a := send(t, call{method: "POST", url: srv.IdentityURL() + "/auth/access-tokens",
				header: map[string]string{"Content-Type": tt.contentType}, body: tt.body(srv)})
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			m := a.json(t)
			if tt.status == 200 {
				if m["token_type"] != "Bearer" || m["expires_in"] != float64(43200) || !strings.HasPrefix(m["access_token"].(string), "pt_") {
					t.Errorf("token answer %v", m)
				}
			} else if m["error"] != tt.code {
				t.Errorf("error %v, want %s", m["error"], tt.code)
			}
			if got := len(srv.Violations()) > 0; got != tt.violation {
				t.Errorf("violation %v, want %v: %q", got, tt.violation, srv.Violations())
			}
		})
	}
}

func TestRequestChecks(t *testing.T) {
	tests := []struct {
		name      string
		call      func(s *pingentest.Server, tok string) call
		status    int
		violation bool
	}{
		{"ok", func(s *pingentest.Server, tok string) call { return api(s, tok, "GET", "/file-upload", "") }, 200, false},
		{"no Accept", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "GET", "/file-upload", "")
			delete(c.header, "Accept")
			return c
		}, 406, true},
		{"JSON Accept", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "GET", "/file-upload", "")
			c.header["Accept"] = "application/json"
			return c
		}, 406, true},
		{"no Authorization", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "GET", "/file-upload", "")
			delete(c.header, "Authorization")
			return c
		}, 401, true},
		{"unknown token", func(s *pingentest.Server, tok string) call { return api(s, "pt_unknown", "GET", "/file-upload", "") }, 401, false},
		{"wrong organisation", func(s *pingentest.Server, tok string) call {
			return api(s, tok, "GET", "/organisations/00000000-0000-4000-8000-000000000000/deliveries/letters", "")
		}, 404, false},
		{"JSON Content-Type", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "POST", lettersPath(s), `{"data":{}}`)
			c.header["Content-Type"] = "application/json"
			return c
		}, 415, true},
		{"media type parameter", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "POST", lettersPath(s), `{"data":{}}`)
			c.header["Content-Type"] = "application/vnd.api+json; charset=utf-8"
			return c
		}, 415, true},
		{"body on GET", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "GET", "/file-upload", "")
			c.body = "{}"
			return c
		}, 400, true},
		{"key too long", func(s *pingentest.Server, tok string) call {
			c := api(s, tok, "PATCH", lettersPath(s)+"/x/cancel", "")
			c.header["Idempotency-Key"] = strings.Repeat("k", 65)
			return c
		}, 400, true},
		{"unknown path", func(s *pingentest.Server, tok string) call { return api(s, tok, "GET", "/organisations", "") }, 404, false},
		{"wrong method", func(s *pingentest.Server, tok string) call { return api(s, tok, "PUT", lettersPath(s), "") }, 405, false},
		{"unknown letter", func(s *pingentest.Server, tok string) call { return api(s, tok, "GET", lettersPath(s)+"/nope", "") }, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.TolerateViolations()
			a := send(t, tt.call(srv, token(t, srv)))
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if a.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if tt.status >= 400 {
				if _, ok := a.json(t)["errors"].([]any); !ok {
					t.Errorf("error answer is not a JSON:API error document: %s", a.body)
				}
			}
			if got := len(srv.Violations()) > 0; got != tt.violation {
				t.Errorf("violation %v, want %v: %q", got, tt.violation, srv.Violations())
			}
		})
	}
}

func TestUploadChecks(t *testing.T) {
	tests := []struct {
		name      string
		prepare   func(srv *pingentest.Server, u string) call
		status    int
		violation bool
	}{
		{"ok", func(_ *pingentest.Server, u string) call { return call{method: "PUT", url: u, body: pdf} }, 200, false},
		{"application/pdf", func(_ *pingentest.Server, u string) call {
			return call{method: "PUT", url: u, body: pdf, header: map[string]string{"Content-Type": "application/pdf"}}
		}, 200, false},
		{"Authorization", func(_ *pingentest.Server, u string) call {
			return call{method: "PUT", url: u, body: pdf, header: map[string]string{"Authorization": "Bearer x"}}
		}, 400, true},
		{"chunked", func(_ *pingentest.Server, u string) call {
			return call{method: "PUT", url: u, body: pdf, chunked: true}
		}, 501, true},
		{"altered URL", func(_ *pingentest.Server, u string) call {
			return call{method: "PUT", url: strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signature=0", 1), body: pdf}
		}, 403, true},
		{"used twice", func(_ *pingentest.Server, u string) call {
			http.DefaultClient.Do(must(http.NewRequest("PUT", u, strings.NewReader(pdf))))
			return call{method: "PUT", url: u, body: pdf}
		}, 403, true},
		{"expired", func(srv *pingentest.Server, u string) call {
			srv.Advance(31 * time.Minute)
			return call{method: "PUT", url: u, body: pdf}
		}, 403, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.TolerateViolations()
			tok := token(t, srv)
			a := send(t, api(srv, tok, "GET", "/file-upload", ""))
			u := a.json(t)["data"].(map[string]any)["attributes"].(map[string]any)["url"].(string)
			if got := send(t, tt.prepare(srv, u)); got.status != tt.status {
				t.Fatalf("status %d, want %d: %s", got.status, tt.status, got.body)
			}
			if got := len(srv.Violations()) > 0; got != tt.violation {
				t.Errorf("violation %v, want %v: %q", got, tt.violation, srv.Violations())
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name     string
		body     func(u, sig string) string
		pointers []string
	}{
		{"ok", func(u, sig string) string { return createBody("letter.pdf", u, sig, "") }, nil},
		{"auto_send complete", func(u, sig string) string {
			return createBody("letter.pdf", u, sig, `,"delivery_product":"postag_b","print_mode":"duplex","print_spectrum":"color"`)
		}, nil},
		{"auto_send incomplete", func(u, sig string) string {
			return strings.Replace(createBody("letter.pdf", u, sig, ""), `"auto_send":false`, `"auto_send":true`, 1)
		}, []string{"/data/attributes/delivery_product", "/data/attributes/print_mode", "/data/attributes/print_spectrum"}},
		{"bad enums", func(u, sig string) string {
			return strings.Replace(createBody("letter.pdf", u, sig, `,"print_mode":"both","print_spectrum":"colour"`), `"left"`, `"middle"`, 1)
		}, []string{"/data/attributes/address_position", "/data/attributes/print_mode", "/data/attributes/print_spectrum"}},
		{"auto_send as string", func(u, sig string) string {
			return strings.Replace(createBody("letter.pdf", u, sig, ""), `"auto_send":false`, `"auto_send":"false"`, 1)
		}, []string{"/data/attributes/auto_send"}},
		{"short name", func(u, sig string) string { return createBody("a.pd", u, sig, "") }, []string{"/data/attributes/file_original_name"}},
		{"unknown attribute", func(u, sig string) string { return createBody("letter.pdf", u, sig, `,"colour":true`) }, []string{"/data/attributes/colour"}},
		{"signature re-encoded", func(u, sig string) string {
			return createBody("letter.pdf", u, strings.ReplaceAll(sig, "+", " "), "")
		}, []string{"/data/attributes/file_url_signature"}},
		{"URL not from file-upload", func(u, sig string) string {
			return createBody("letter.pdf", u+"&x=1", sig, "")
		}, []string{"/data/attributes/file_url"}},
		{"id on create", func(u, sig string) string {
			return strings.Replace(createBody("letter.pdf", u, sig, ""), `"type":"letters"`, `"type":"letters","id":"x"`, 1)
		}, []string{"/data/id"}},
		{"wrong type", func(u, sig string) string {
			return strings.Replace(createBody("letter.pdf", u, sig, ""), `"type":"letters"`, `"type":"letter"`, 1)
		}, []string{"/data/type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.TolerateViolations()
			tok := token(t, srv)
			u, sig := uploaded(t, srv, tok, pdf)
			a := send(t, api(srv, tok, "POST", lettersPath(srv), tt.body(u, sig)))
			if tt.pointers == nil {
				if a.status != 201 {
					t.Fatalf("status %d: %s", a.status, a.body)
				}
				if n := len(srv.Letters()); n != 1 {
					t.Errorf("%d letters, want 1", n)
				}
				return
			}
			if a.status != 422 {
				t.Fatalf("status %d, want 422: %s", a.status, a.body)
			}
			if got := a.pointers(t); !reflect.DeepEqual(got, tt.pointers) {
				t.Errorf("pointers %q, want %q", got, tt.pointers)
			}
			if len(srv.Letters()) != 0 || len(srv.Violations()) != len(tt.pointers) {
				t.Errorf("letters %d, violations %q", len(srv.Letters()), srv.Violations())
			}
		})
	}
}

func TestCreateNeedsUploadedUnusedFile(t *testing.T) {
	srv := pingentest.New(t)
	srv.TolerateViolations()
	tok := token(t, srv)
	a := send(t, api(srv, tok, "GET", "/file-upload", ""))
	attrs := a.json(t)["data"].(map[string]any)["attributes"].(map[string]any)
	u, sig := attrs["url"].(string), attrs["url_signature"].(string)
	if a := send(t, api(srv, tok, "POST", lettersPath(srv), createBody("letter.pdf", u, sig, ""))); a.status != 422 {
		t.Fatalf("create before PUT: %d, want 422", a.status)
	}
	send(t, call{method: "PUT", url: u, body: pdf})
	if a := send(t, api(srv, tok, "POST", lettersPath(srv), createBody("letter.pdf", u, sig, ""))); a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	a = send(t, api(srv, tok, "POST", lettersPath(srv), createBody("letter.pdf", u, sig, "")))
	if got := a.pointers(t); a.status != 422 || !reflect.DeepEqual(got, []string{"/data/attributes/file_url"}) {
		t.Fatalf("second create from one upload: %d %q", a.status, got)
	}
}

func TestIdempotency(t *testing.T) {
	srv := pingentest.New(t)
	tok := token(t, srv)
	u, sig := uploaded(t, srv, tok, pdf)
	keyed := func(key, method, path, body string) call {
		c := api(srv, tok, method, path, body)
		c.header["Idempotency-Key"] = key
		return c
	}
	body := createBody("letter.pdf", u, sig, "")

	// The first request is held in flight while a second arrives.
	arrived, release := make(chan struct{}), make(chan struct{})
	srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Hold: func() { close(arrived); <-release }})
	var first answer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = send(t, keyed("k1", "POST", lettersPath(srv), body))
	}()
	<-arrived
	if a := send(t, keyed("k1", "POST", lettersPath(srv), body)); a.status != 409 {
		t.Errorf("same key in flight: %d, want 409", a.status)
	}
	close(release)
	wg.Wait()
	if first.status != 201 {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	again := send(t, keyed("k1", "POST", lettersPath(srv), body))
	if again.status != 201 || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %q %s", again.status, again.header.Get("Idempotent-Replayed"), again.body)
	}
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Error("original answer marked as replayed")
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("%d letters, want 1", n)
	}
	if l := srv.Letters()[0]; l.IdempotencyKey != "k1" {
		t.Errorf("letter key %q", l.IdempotencyKey)
	}

	// A key belongs to one request.
	srv.TolerateViolations()
	id := srv.Letters()[0].ID
	if a := send(t, keyed("k1", "PATCH", lettersPath(srv)+"/"+id+"/cancel", "")); a.status != 422 || len(srv.Violations()) != 1 {
		t.Errorf("key reused elsewhere: %d, violations %q", a.status, srv.Violations())
	}
	// And to one body: the same create naming another upload is refused,
	// not replayed.
	u2, sig2 := uploaded(t, srv, tok, pdf)
	a := send(t, keyed("k1", "POST", lettersPath(srv), createBody("letter.pdf", u2, sig2, "")))
	want := `{"errors":[{"code":"idempotency_key_reused","title":"Unprocessable Entity","detail":"Idempotency-Key already used with another request body"}]}`
	if v := srv.Violations(); a.status != 422 || string(a.body) != want || a.header.Get("Idempotent-Replayed") != "" ||
		len(v) != 2 || v[1] != "letters.create: Idempotency-Key k1 reused with another request body" || len(srv.Letters()) != 1 {
		t.Errorf("key reused with another body: %d %s, violations %q, %d letters", a.status, a.body, v, len(srv.Letters()))
	}
	// After 24 hours the key is forgotten.
	srv.Advance(24*time.Hour + time.Second)
	tok = token(t, srv)
	a = send(t, api(srv, tok, "PATCH", lettersPath(srv)+"/"+id+"/cancel", ""))
	a2 := send(t, keyed("k1", "PATCH", lettersPath(srv)+"/"+id+"/cancel", ""))
	if a.status != a2.status || a2.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("expired key: %d %q, want a fresh answer like %d", a2.status, a2.header.Get("Idempotent-Replayed"), a.status)
	}
}

func TestLifecycle(t *testing.T) {
	const send3 = `,"delivery_product":"cheap","print_mode":"simplex","print_spectrum":"grayscale"`
	tests := []struct {
		name  string
		file  string
		extra string
		steps []string // statuses seen after each one-hour Advance
	}{
		{"auto send", "letter.pdf", send3, []string{"submitted", "sent", "sent"}},
		{"manual", "letter.pdf", "", []string{"valid", "valid"}},
		{"action required", "x_simulate_action_required.pdf", send3, []string{"action_required"}},
		{"invalid", "x_simulate_invalid.pdf", send3, []string{"invalid"}},
		{"undeliverable", "x_simulate_undeliverable.pdf", send3, []string{"submitted", "sent", "undeliverable"}},
		{"cancellable", "x_simulate_cancellable.pdf", send3, []string{"submitted", "accepted", "accepted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pingentest.New(t)
			srv.SetValidationDelay(time.Minute)
			tok := token(t, srv)
			u, sig := uploaded(t, srv, tok, pdf)
			b := createBody(tt.file, u, sig, tt.extra)
			if tt.extra != "" {
				b = strings.Replace(b, `"auto_send":false`, `"auto_send":true`, 1)
			}
			a := send(t, api(srv, tok, "POST", lettersPath(srv), b))
			if a.status != 201 {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			id := a.json(t)["data"].(map[string]any)["id"].(string)
			if got := status(t, srv, tok, id); got != "validating" {
				t.Fatalf("before the delay: %s", got)
			}
			var seen []string
			for range tt.steps {
				srv.Advance(time.Hour)
				seen = append(seen, status(t, srv, tok, id))
			}
			if !reflect.DeepEqual(seen, tt.steps) {
				t.Errorf("statuses %q, want %q", seen, tt.steps)
			}
		})
	}
}

func TestSendCancelDelete(t *testing.T) {
	srv := pingentest.New(t)
	srv.TolerateViolations()
	tok := token(t, srv)
	id := create(t, srv, tok, "letter_simulate_cancellable.pdf", "")
	path := lettersPath(srv) + "/" + id
	sendBody := func(id string) string {
		return `{"data":{"id":"` + id + `","type":"letters","attributes":{"delivery_product":"fast","print_mode":"duplex","print_spectrum":"color"}}}`
	}
	if a := send(t, api(srv, tok, "PATCH", path+"/send", sendBody("other"))); a.status != 422 || !reflect.DeepEqual(a.pointers(t), []string{"/data/id"}) {
		t.Fatalf("send with another id: %d %s", a.status, a.body)
	}
	if a := send(t, api(srv, tok, "PATCH", path+"/send", strings.Replace(sendBody(id), `"fast"`, `"slow"`, 1))); a.status != 422 {
		t.Fatalf("send with bad product: %d", a.status)
	}
	a := send(t, api(srv, tok, "GET", path, ""))
	abilities := a.json(t)["data"].(map[string]any)["meta"].(map[string]any)["abilities"].(map[string]any)["self"].(map[string]any)
	if abilities["submit"] != "ok" || abilities["cancel"] != "state" {
		t.Fatalf("abilities of a valid letter: %v", abilities)
	}
	if a := send(t, api(srv, tok, "PATCH", path+"/send", sendBody(id))); a.status != 200 {
		t.Fatalf("send: %d %s", a.status, a.body)
	}
	if a := send(t, api(srv, tok, "PATCH", path+"/send", sendBody(id))); a.status != 422 {
		t.Fatalf("second send: %d, want 422", a.status)
	}
	if a := send(t, api(srv, tok, "DELETE", path, "")); a.status != 422 {
		t.Fatalf("delete submitted: %d, want 422", a.status)
	}
	if a := send(t, api(srv, tok, "PATCH", path+"/cancel", "")); a.status != 202 || len(a.body) != 0 {
		t.Fatalf("cancel: %d %q", a.status, a.body)
	}
	if got := status(t, srv, tok, id); got != "cancelled" {
		t.Fatalf("after cancel: %s", got)
	}
	if a := send(t, api(srv, tok, "DELETE", path, "")); a.status != 204 {
		t.Fatalf("delete cancelled: %d %s", a.status, a.body)
	}
	if a := send(t, api(srv, tok, "GET", path, "")); a.status != 404 {
		t.Fatalf("after delete: %d", a.status)
	}
	if len(srv.Letters()) != 0 {
		t.Fatal("letter still stored")
	}
	if len(srv.Violations()) != 2 {
		t.Errorf("violations %q, want the id and the product", srv.Violations())
	}
}

func TestEventsAndPaging(t *testing.T) {
	srv := pingentest.New(t)
	srv.TolerateViolations()
	tok := token(t, srv)
	var ids []string
	for _, name := range []string{"one.pdf", "two.pdf", "three.pdf"} {
		ids = append(ids, create(t, srv, tok, name, ""))
		srv.Advance(time.Second)
	}
	a := send(t, api(srv, tok, "GET", lettersPath(srv)+"?sort=-created_at&page[limit]=2&page[number]=1", ""))
	m := a.json(t)
	data := m["data"].([]any)
	meta := m["meta"].(map[string]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != ids[2] || meta["last_page"] != float64(2) || meta["total"] != float64(3) {
		t.Fatalf("page 1: %s", a.body)
	}
	if _, ok := data[0].(map[string]any)["meta"]; ok {
		t.Error("list items carry meta")
	}
	a = send(t, api(srv, tok, "GET", lettersPath(srv)+"?sort=-created_at&page[limit]=2&page[number]=2", ""))
	if data := a.json(t)["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != ids[0] {
		t.Fatalf("page 2: %s", a.body)
	}
	if a := send(t, api(srv, tok, "GET", lettersPath(srv)+"?page[limit]=101", "")); a.status != 400 || len(srv.Violations()) != 1 {
		t.Fatalf("limit 101: %d %q", a.status, srv.Violations())
	}
	a = send(t, api(srv, tok, "GET", lettersPath(srv)+"/"+ids[0]+"/events", ""))
	var codes []string
	for _, e := range a.json(t)["data"].([]any) {
		codes = append(codes, e.(map[string]any)["attributes"].(map[string]any)["code"].(string))
	}
	if want := []string{"created", "content_passed_inspection"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("events %q, want %q", codes, want)
	}
}

func TestFaults(t *testing.T) {
	srv := pingentest.New(t)
	tok := token(t, srv)
	u, sig := uploaded(t, srv, tok, pdf)
	body := createBody("letter.pdf", u, sig, "")

	srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Status: 429, RetryAfter: "7",
		Header: http.Header{"X-RateLimit-Reset": {"1790000000"}}})
	a := send(t, api(srv, tok, "POST", lettersPath(srv), body))
	if a.status != 429 || a.header.Get("Retry-After") != "7" || a.header.Get("X-Ratelimit-Reset") != "1790000000" || len(srv.Letters()) != 0 {
		t.Fatalf("429 fault: %d %v, %d letters", a.status, a.header, len(srv.Letters()))
	}
	// A fault without Op hits the next API request, not the identity host.
	srv.FailNext(pingentest.Fault{Status: 503})
	tok = token(t, srv)
	if a := send(t, api(srv, tok, "GET", "/file-upload", "")); a.status != 503 {
		t.Fatalf("503 fault: %d", a.status)
	}
	// Dropped after the letter was made: no answer, one letter.
	srv.FailNext(pingentest.Fault{Op: pingentest.OpCreate, Drop: true})
	c := api(srv, tok, "POST", lettersPath(srv), body)
	req := must(http.NewRequest(c.method, c.url, strings.NewReader(c.body)))
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	req.Header.Set("Idempotency-Key", "drop-1")
	if res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("dropped request answered %d", res.StatusCode)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Fatalf("%d letters after the drop, want 1", n)
	}
	// The key was stored: a retry learns the letter.
	c.header["Idempotency-Key"] = "drop-1"
	a = send(t, c)
	if a.status != 201 || a.header.Get("Idempotent-Replayed") != "true" || a.json(t)["data"].(map[string]any)["id"] != srv.Letters()[0].ID {
		t.Fatalf("retry after drop: %d %s", a.status, a.body)
	}
	// 202 with no body, as the price calculator may answer.
	srv.FailNext(pingentest.Fault{Op: pingentest.OpPrice, Status: 202})
	a = send(t, api(srv, tok, "POST", lettersPath(srv)+"/price-calculator", `{}`))
	if a.status != 202 || len(a.body) != 0 {
		t.Fatalf("202 fault: %d %q", a.status, a.body)
	}
	var faults []string
	for _, r := range srv.Requests() {
		if r.Fault {
			faults = append(faults, r.Op)
		}
	}
	if want := []string{pingentest.OpCreate, pingentest.OpFileUpload, pingentest.OpCreate, pingentest.OpPrice}; !reflect.DeepEqual(faults, want) {
		t.Errorf("faulted requests %q, want %q", faults, want)
	}
}

func TestTokensExpire(t *testing.T) {
	srv := pingentest.New(t)
	srv.SetTokenLifetime(time.Hour)
	tok := token(t, srv)
	get := func() int { return send(t, api(srv, tok, "GET", "/file-upload", "")).status }
	if s := get(); s != 200 {
		t.Fatalf("fresh token: %d", s)
	}
	srv.Advance(time.Hour)
	if s := get(); s != 401 {
		t.Fatalf("after its lifetime: %d", s)
	}
	tok = token(t, srv)
	srv.ExpireTokens()
	if s := get(); s != 401 {
		t.Fatalf("after ExpireTokens: %d", s)
	}
}

func TestPrice(t *testing.T) {
	srv := pingentest.New(t)
	srv.TolerateViolations()
	tok := token(t, srv)
	body := `{"data":{"type":"letter_price_calculator","attributes":{"country":"CH","paper_types":["normal","normal","qr"],"print_mode":"duplex","print_spectrum":"color","delivery_product":"cheap"}}}`
	a := send(t, api(srv, tok, "POST", lettersPath(srv)+"/price-calculator", body))
	attrs := a.json(t)["data"].(map[string]any)["attributes"].(map[string]any)
	// cheap 0.95 + 1 more sheet 0.10 + colour 3 × 0.15
	if a.status != 200 || attrs["currency"] != "CHF" || attrs["price"] != 1.5 {
		t.Fatalf("price: %d %s", a.status, a.body)
	}
	bad := strings.NewReplacer(`"CH"`, `"ch"`, `"letter_price_calculator"`, `"letters"`).Replace(body)
	a = send(t, api(srv, tok, "POST", lettersPath(srv)+"/price-calculator", bad))
	if got := a.pointers(t); a.status != 422 || !reflect.DeepEqual(got, []string{"/data/type"}) {
		t.Fatalf("wrong type: %d %q", a.status, got)
	}
}

// recorder is a testing.TB that keeps Errorf messages.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, format)
}

func TestViolationFailsTest(t *testing.T) {
	rec := &recorder{TB: t}
	srv := pingentest.New(rec)
	tok := token(t, srv)
	c := api(srv, tok, "GET", "/file-upload", "")
	c.header["Accept"] = "application/json"
	send(t, c)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "protocol violation") {
		t.Fatalf("Errorf calls %q, want one protocol violation", rec.errs)
	}
}

func TestVerdictAndSetStatus(t *testing.T) {
	srv := pingentest.New(t)
	srv.SetVerdict(func(l pingentest.Letter) string {
		if strings.HasPrefix(l.FileName, "bad") {
			return "action_required"
		}
		return "valid"
	})
	tok := token(t, srv)
	bad := create(t, srv, tok, "bad-letter.pdf", "")
	good := create(t, srv, tok, "x_simulate_invalid.pdf", "") // the hook replaces the name rules
	if a, b := status(t, srv, tok, bad), status(t, srv, tok, good); a != "action_required" || b != "valid" {
		t.Fatalf("statuses %s, %s", a, b)
	}
	srv.SetVerdict(nil)
	srv.SetStatus(good, "delivered")
	if l, ok := srv.Letter(good); !ok || l.Status != "delivered" || len(l.Events) != 2 {
		t.Fatalf("after SetStatus: %+v", l)
	}
	if string(srv.Letters()[0].PDF) != pdf {
		t.Error("stored PDF differs from the upload")
	}
}

func TestDelay(t *testing.T) {
	srv := pingentest.New(t)
	tok := token(t, srv)
	const d = 3 * time.Millisecond
	srv.FailNext(pingentest.Fault{Op: pingentest.OpFileUpload, Delay: d})
	start := time.Now()
	if a := send(t, api(srv, tok, "GET", "/file-upload", "")); a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	if took := time.Since(start); took < d {
		t.Errorf("answered after %v, want at least %v", took, d)
	}
}
