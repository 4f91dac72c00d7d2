package pingentest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	jsonAPI = "application/vnd.api+json"
	keyTTL  = 24 * time.Hour // how long Pingen honours an idempotency key
)

// reply is an answer not yet written, so that it can be stored for an
// idempotent replay or thrown away when the connection is dropped.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// apiError is one JSON:API error object.
type apiError struct {
	code, title, detail, pointer, parameter string
}

func errorReply(status int, errs ...apiError) reply {
	type source struct {
		Pointer   string `json:"pointer,omitempty"`
		Parameter string `json:"parameter,omitempty"`
	}
	type obj struct {
		Code   string  `json:"code"`
		Title  string  `json:"title"`
		Detail string  `json:"detail"`
		Source *source `json:"source,omitempty"`
	}
	doc := struct {
		Errors []obj `json:"errors"`
	}{}
	for _, e := range errs {
		o := obj{Code: e.code, Title: e.title, Detail: e.detail}
		if o.Title == "" {
			o.Title = http.StatusText(status)
		}
		if e.pointer != "" || e.parameter != "" {
			o.Source = &source{Pointer: e.pointer, Parameter: e.parameter}
		}
		doc.Errors = append(doc.Errors, o)
	}
	return jsonReply(status, doc)
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the fake's own documents always encode
	}
	return reply{status: status, header: http.Header{"Content-Type": {jsonAPI}}, body: b}
}

func (r reply) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	w.Write(r.body)
}

// serve runs the parts common to all three hosts: request id, fault
// injection, logging, and writing or dropping the answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, op string, api bool, handle func(body []byte, f Fault, rec *Request) reply) {
	rec := Request{
		Op: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
		Authorization:  r.Header.Get("Authorization") != "",
		ContentLength:  r.ContentLength,
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		rec.Dropped = true
		s.log(rec)
		return
	}
	w.Header().Set("X-Request-Id", newUUID())
	s.mu.Lock()
	f, faulted := s.takeFault(op, api)
	s.mu.Unlock()
	if faulted && f.Status != 0 {
		f.wait()
		rep := faultReply(f, op)
		rec.Status, rec.Fault = rep.status, true
		s.log(rec)
		rep.write(w)
		return
	}
	rep := handle(body, f, &rec)
	if f.Drop {
		rec.Dropped, rec.Fault = true, true
		s.log(rec)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection all the same
	}
	rec.Status = rep.status
	s.log(rec)
	rep.write(w)
}

// wait runs Delay and Hold.
func (f Fault) wait() {
	time.Sleep(f.Delay)
	if f.Hold != nil {
		f.Hold()
	}
}

func faultReply(f Fault, op string) reply {
	var rep reply
	switch {
	case f.Status < 400:
		rep = reply{status: f.Status, header: http.Header{}}
	case op == OpToken:
		rep = jsonReply(f.Status, map[string]string{"error": "server_error", "error_description": "injected fault", "message": "injected fault"})
		rep.header.Set("Content-Type", "application/json")
	case op == OpPut:
		rep = reply{status: f.Status, header: http.Header{"Content-Type": {"application/xml"}},
			body: []byte("<Error><Code>InjectedFault</Code></Error>")}
	default:
		rep = errorReply(f.Status, apiError{code: "pingentest_fault", detail: "injected fault"})
	}
	if f.RetryAfter != "" {
		rep.header.Set("Retry-After", f.RetryAfter)
	}
	if f.Status == http.StatusTooManyRequests {
		rep.header.Set("X-Ratelimit-Limit", "300")
		rep.header.Set("X-Ratelimit-Remaining", "0")
	}
	for k, v := range f.Header {
		rep.header[http.CanonicalHeaderKey(k)] = v
	}
	return rep
}

// route is an API endpoint; {org} and {id} in the path are parameters.
type route struct {
	method, op, path string
	body             bool // takes a JSON:API body
}

const letters = "/organisations/{org}/deliveries/letters"

var routes = []route{
	{http.MethodGet, OpFileUpload, "/file-upload", false},
	{http.MethodGet, OpList, letters, false},
	{http.MethodPost, OpCreate, letters, true},
	{http.MethodPost, OpPrice, letters + "/price-calculator", true},
	{http.MethodGet, OpShow, letters + "/{id}", false},
	{http.MethodDelete, OpDelete, letters + "/{id}", false},
	{http.MethodPatch, OpSend, letters + "/{id}/send", true},
	{http.MethodPatch, OpCancel, letters + "/{id}/cancel", false},
	{http.MethodGet, OpEvents, letters + "/{id}/events", false},
}

// matchRoute finds the route for a request; status is 404 or 405 when there
// is none.
func matchRoute(method, path string) (rt route, params map[string]string, status int) {
	status = http.StatusNotFound
	got := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for _, c := range routes {
		want := strings.Split(c.path, "/")
		if len(want) != len(got) {
			continue
		}
		p := map[string]string{}
		ok := true
		for i, w := range want {
			if strings.HasPrefix(w, "{") {
				if got[i] == "" {
					ok = false
					break
				}
				p[strings.Trim(w, "{}")] = got[i]
			} else if w != got[i] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if c.method != method {
			status = http.StatusMethodNotAllowed
			continue
		}
		return c, p, 0
	}
	return route{}, nil, status
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	rt, params, status := matchRoute(r.Method, r.URL.Path)
	w.Header().Set("X-Ratelimit-Limit", "300")
	w.Header().Set("X-Ratelimit-Remaining", "299")
	s.serve(w, r, rt.op, true, func(body []byte, f Fault, rec *Request) reply {
		if status != 0 {
			return errorReply(status, apiError{detail: r.Method + " " + r.URL.Path + " is not an endpoint of the fake"})
		}
		return s.handleAPI(r, rt, params, body, f, rec)
	})
}

// idem is a stored idempotency key.
type idem struct {
	method, path string
	body         [sha256.Size]byte // of the request body
	created      time.Time
	inFlight     bool
	rep          reply
}

func (s *Server) handleAPI(r *http.Request, rt route, p map[string]string, body []byte, f Fault, rec *Request) reply {
	s.mu.Lock()
	if rep, ok := s.checkRequest(r, rt, p, body); !ok {
		s.mu.Unlock()
		return rep
	}
	// Pingen honours keys on POST and PATCH only.
	key := r.Header.Get("Idempotency-Key")
	keyed := key != "" && (r.Method == http.MethodPost || r.Method == http.MethodPatch)
	if keyed {
		if len(key) > 64 {
			s.violate(rt.op, "Idempotency-Key of %d characters, at most 64 allowed", len(key))
			s.mu.Unlock()
			return errorReply(http.StatusBadRequest, apiError{detail: "Idempotency-Key must be 1 to 64 characters"})
		}
		sum := sha256.Sum256(body)
		if k, ok := s.keys[key]; ok && s.now.Sub(k.created) < keyTTL {
			defer s.mu.Unlock()
			// Pingen documents two answers to a key it has seen
			// (pingen-api.md C4): "A replay returns the original response
			// with Idempotent-Replayed: true. The same key while the first
			// request is still running gives 409." For a key reused with a
			// different request (method, path or body) it documents none.
			// The fake answers 422, as the IETF draft "The Idempotency-Key
			// HTTP Header Field" asks ("If there is an attempt to reuse an
			// idempotency key with a different request payload, the
			// resource server SHOULD reply with a HTTP 422 status code"),
			// rather than 409, the documented "still running" answer that a
			// client rightly retries. 422 is also the harder case for a
			// client: it looks like a definite refusal although the first
			// request may have made a letter.
			switch {
			case k.method != r.Method || k.path != r.URL.Path:
				s.violate(rt.op, "Idempotency-Key %s reused for %s %s, first used for %s %s", key, r.Method, r.URL.Path, k.method, k.path)
				return errorReply(http.StatusUnprocessableEntity, apiError{code: "idempotency_key_reused", detail: "Idempotency-Key already used for another request"})
			case k.body != sum:
				s.violate(rt.op, "Idempotency-Key %s reused with another request body", key)
				return errorReply(http.StatusUnprocessableEntity, apiError{code: "idempotency_key_reused", detail: "Idempotency-Key already used with another request body"})
			case k.inFlight:
				return errorReply(http.StatusConflict, apiError{code: "idempotency_key_in_use", detail: "a request with this Idempotency-Key is still being processed"})
			}
			rec.Replayed = true
			rep := k.rep
			rep.header = rep.header.Clone()
			rep.header.Set("Idempotent-Replayed", "true")
			return rep
		}
		s.keys[key] = &idem{method: r.Method, path: r.URL.Path, body: sum, created: s.now, inFlight: true}
	}
	s.mu.Unlock()

	f.wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	rep := s.dispatch(rt.op, p, r.URL.Query(), body, key)
	if keyed {
		if rep.status >= 500 {
			delete(s.keys, key)
		} else {
			k := s.keys[key]
			k.inFlight, k.rep = false, rep
		}
	}
	return rep
}

// checkRequest checks headers, credentials and the organisation; s.mu must
// be held.
func (s *Server) checkRequest(r *http.Request, rt route, p map[string]string, body []byte) (reply, bool) {
	if !hasMediaType(r.Header.Get("Accept"), jsonAPI) {
		s.violate(rt.op, "Accept %q does not list %s", r.Header.Get("Accept"), jsonAPI)
		return errorReply(http.StatusNotAcceptable, apiError{detail: "Accept must list " + jsonAPI}), false
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		s.violate(rt.op, "no bearer token (Authorization %q)", redactAuth(auth))
		return unauthorized(), false
	}
	if exp, ok := s.tokens[tok]; !ok || !s.now.Before(exp) {
		return unauthorized(), false
	}
	if org, ok := p["org"]; ok && org != s.OrganisationID {
		return errorReply(http.StatusNotFound, apiError{detail: "organisation not found"}), false
	}
	if rt.body {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != jsonAPI || len(params) > 0 {
			s.violate(rt.op, "Content-Type %q, want %s without parameters", r.Header.Get("Content-Type"), jsonAPI)
			return errorReply(http.StatusUnsupportedMediaType, apiError{detail: "Content-Type must be " + jsonAPI}), false
		}
	} else if len(body) > 0 {
		s.violate(rt.op, "unexpected request body of %d bytes", len(body))
		return errorReply(http.StatusBadRequest, apiError{detail: "this endpoint takes no body"}), false
	}
	return reply{}, true
}

func unauthorized() reply {
	rep := errorReply(http.StatusUnauthorized, apiError{code: "unauthenticated", detail: "Unauthenticated."})
	rep.header.Set("WWW-Authenticate", "Bearer")
	return rep
}

// redactAuth keeps credentials out of violation messages.
func redactAuth(h string) string {
	if scheme, _, ok := strings.Cut(h, " "); ok {
		return scheme + " …"
	}
	if h == "" {
		return ""
	}
	return "…"
}

// dispatch runs the endpoint; s.mu must be held.
func (s *Server) dispatch(op string, p map[string]string, q url.Values, body []byte, key string) reply {
	switch op {
	case OpFileUpload:
		return s.fileUpload()
	case OpList:
		return s.listLetters(q)
	case OpCreate:
		return s.createLetter(body, key)
	case OpPrice:
		return s.price(body)
	}
	l, ok := s.letters[p["id"]]
	if !ok {
		return errorReply(http.StatusNotFound, apiError{detail: "letter not found"})
	}
	s.advance(l)
	switch op {
	case OpShow:
		return jsonReply(http.StatusOK, map[string]any{"data": s.letterObject(l, true)})
	case OpDelete:
		return s.deleteLetter(l)
	case OpSend:
		return s.sendLetter(l, body)
	case OpCancel:
		return s.cancelLetter(l)
	case OpEvents:
		return s.events(l, q)
	}
	panic("pingentest: no handler for " + op)
}

// page reads page[number] and page[limit] (default 1 and 20, limit at most
// 100) and returns the slice bounds and the collection's meta and links.
func (s *Server) page(op, path string, q url.Values, total int) (from, to int, meta, links map[string]any, rep reply, ok bool) {
	number, limit := 1, 20
	for _, p := range []struct {
		name string
		v    *int
		max  int
	}{{"page[number]", &number, 1 << 30}, {"page[limit]", &limit, 100}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.max {
				s.violate(op, "%s=%q: want 1 to %d", p.name, v, p.max)
				return 0, 0, nil, nil, errorReply(http.StatusBadRequest, apiError{detail: "invalid " + p.name, parameter: p.name}), false
			}
			*p.v = n
		}
	}
	last := max(1, (total+limit-1)/limit)
	from = min((number-1)*limit, total)
	to = min(from+limit, total)
	link := func(n int) string {
		v := url.Values{"page[number]": {strconv.Itoa(n)}, "page[limit]": {strconv.Itoa(limit)}}
		return s.api.URL + path + "?" + v.Encode()
	}
	meta = map[string]any{"current_page": number, "last_page": last, "per_page": limit, "total": total, "from": from + 1, "to": to}
	if from == to {
		meta["from"], meta["to"] = nil, nil
	}
	links = map[string]any{"first": link(1), "last": link(last), "self": link(number), "prev": nil, "next": nil}
	if number > 1 {
		links["prev"] = link(number - 1)
	}
	if number < last {
		links["next"] = link(number + 1)
	}
	return from, to, meta, links, reply{}, true
}

// document reads a JSON:API request document whose data must have type typ
// and, when id is not empty, that id (PATCH), or no id at all (POST).
// Unknown members are errors: the fake is stricter than Pingen so that
// typos surface.
func (s *Server) document(op string, body []byte, typ, id string) (attributes map[string]json.RawMessage, errs []apiError) {
	fail := func(pointer, format string, args ...any) {
		e := apiError{detail: sprintf(format, args...), pointer: pointer}
		s.violate(op, "%s: %s", pointer, e.detail)
		errs = append(errs, e)
	}
	var top map[string]json.RawMessage
	if err := strictUnmarshal(body, &top); err != nil {
		fail("", "body is not a JSON object: %v", err)
		return nil, errs
	}
	for k := range top {
		if k != "data" && k != "meta" && k != "jsonapi" {
			fail("/"+k, "unknown top-level member %q", k)
		}
	}
	var data map[string]json.RawMessage
	if err := strictUnmarshal(top["data"], &data); err != nil || data == nil {
		fail("/data", "data must be a resource object")
		return nil, errs
	}
	for k := range data {
		switch k {
		case "type", "id", "attributes", "relationships", "meta":
		default:
			fail("/data/"+k, "unknown member %q", k)
		}
	}
	var gotType string
	if json.Unmarshal(data["type"], &gotType) != nil || gotType != typ {
		fail("/data/type", "type must be %q, got %s", typ, data["type"])
	}
	rawID, hasID := data["id"]
	switch {
	case id == "" && hasID:
		fail("/data/id", "a new resource takes no id")
	case id != "":
		var gotID string
		if json.Unmarshal(rawID, &gotID) != nil || gotID != id {
			fail("/data/id", "id must repeat the path id %s, got %s", id, orMissing(rawID))
		}
	}
	if raw, ok := data["attributes"]; ok {
		if err := strictUnmarshal(raw, &attributes); err != nil {
			fail("/data/attributes", "attributes must be an object")
		}
	}
	if raw, ok := data["relationships"]; ok {
		var rels map[string]json.RawMessage
		if err := strictUnmarshal(raw, &rels); err != nil {
			fail("/data/relationships", "relationships must be an object")
		}
		for k := range rels {
			if op != OpCreate || k != "preset" {
				fail("/data/relationships/"+k, "unknown relationship %q", k)
			}
		}
	}
	if attributes == nil {
		attributes = map[string]json.RawMessage{}
	}
	return attributes, errs
}

func orMissing(raw json.RawMessage) string {
	if raw == nil {
		return "none"
	}
	return string(raw)
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return io.ErrUnexpectedEOF
	}
	return nil
}
