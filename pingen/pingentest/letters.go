package pingentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lettergate/lettergate/pingen/internal/vocab"
)

// timeLayout is Pingen's timestamp format: no colon in the offset.
const timeLayout = "2006-01-02T15:04:05-0700"

var sprintf = fmt.Sprintf

// Enumerations the API accepts in requests (pingen-api.md C7, C9, C10).
var (
	positions  = []string{"left", "right"}
	printModes = []string{"simplex", "duplex"}
	spectra    = []string{"color", "grayscale"}
	paperTypes = []string{"normal", "qr", "sepa_at", "sepa_de"}
	products   = append(slices.Clone(vocab.GenericProducts), vocab.CarrierProducts...)
)

type letter struct {
	Letter
	updated time.Time
	sentAt  time.Time
	pages   int
	upload  string
}

func (l *letter) snapshot() Letter {
	c := l.Letter
	c.PDF = bytes.Clone(l.PDF)
	c.Events = slices.Clone(l.Events)
	return c
}

var eventNames = map[string]string{
	"created":                    "Letter created",
	"content_passed_inspection":  "Letter passed validation",
	"content_failed_inspection":  "Letter failed validation",
	"submitted":                  "Letter submitted",
	"auto_submitted":             "Letter submitted automatically",
	"accepted":                   "Letter accepted by the print centre",
	"transferred_to_distributor": "Letter handed to the postal service",
	"undeliverable":              "Letter undeliverable",
	"cancellation_requested":     "Cancellation requested",
	"cancellation_completed":     "Letter cancelled",
}

func (l *letter) event(now time.Time, code string) {
	l.Events = append(l.Events, Event{Code: code, Name: eventNames[code], EmittedAt: now})
}

func (l *letter) setStatus(now time.Time, status string) {
	l.Status, l.updated = status, now
}

// advance moves a letter along as far as the fake clock allows; s.mu must
// be held.
func (s *Server) advance(l *letter) {
	simulate := func(what string) bool { return strings.Contains(l.FileName, "_simulate_"+what) }
	for {
		switch l.Status {
		case "validating":
			at := l.CreatedAt.Add(s.validationDelay)
			if s.now.Before(at) {
				return
			}
			verdict := defaultVerdict
			if s.verdict != nil {
				verdict = s.verdict
			}
			switch v := verdict(l.snapshot()); v {
			case "valid":
				l.setStatus(at, "valid")
				l.event(at, "content_passed_inspection")
				if l.AutoSend {
					s.submit(l, at, "auto_submitted")
				}
			case "action_required", "invalid":
				l.setStatus(at, v)
				l.event(at, "content_failed_inspection")
			default:
				s.t.Errorf("pingentest: verdict %q for %s: want valid, action_required or invalid", v, l.FileName)
				return
			}
		case "submitted":
			at := l.SubmittedAt.Add(DispatchDelay)
			if s.now.Before(at) {
				return
			}
			if simulate("cancellable") {
				l.setStatus(at, "accepted")
				l.event(at, "accepted")
				return
			}
			l.setStatus(at, "sent")
			l.sentAt = at
			l.event(at, "transferred_to_distributor")
		case "sent":
			at := l.sentAt.Add(DispatchDelay)
			if !simulate("undeliverable") || s.now.Before(at) {
				return
			}
			l.setStatus(at, "undeliverable")
			l.event(at, "undeliverable")
		case "cancelling":
			l.setStatus(s.now, "cancelled")
			l.event(s.now, "cancellation_completed")
		default:
			return
		}
	}
}

func defaultVerdict(l Letter) string {
	switch {
	case strings.Contains(l.FileName, "_simulate_invalid"),
		strings.Contains(l.FileName, "_simulate_unprintable"),
		!bytes.HasPrefix(l.PDF, []byte("%PDF-")):
		return "invalid"
	case strings.Contains(l.FileName, "_simulate_action_required"):
		return "action_required"
	}
	return "valid"
}

func (s *Server) submit(l *letter, at time.Time, code string) {
	l.setStatus(at, "submitted")
	l.SubmittedAt = at
	l.event(at, code)
}

// abilities follow the status as the help pages describe it.
func abilities(status string) map[string]string {
	ok := func(b bool) string {
		if b {
			return "ok"
		}
		return "state"
	}
	return map[string]string{
		"submit":      ok(status == "valid"),
		"cancel":      ok(status == "submitted" || status == "accepted" || status == "awaiting_credits"),
		"delete":      ok(deletable(status)),
		"edit":        ok(status == "valid" || status == "action_required"),
		"get-pdf-raw": "ok",
	}
}

func deletable(status string) bool {
	switch status {
	case "valid", "invalid", "action_required", "cancelled", "expired":
		return true
	}
	return false
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(timeLayout)
}

func stringOrNil(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// letterObject renders a letter resource; meta.abilities only for a
// single-resource GET, as Pingen does.
func (s *Server) letterObject(l *letter, withMeta bool) map[string]any {
	validated := l.Status != "validating"
	attrs := map[string]any{
		"status":             l.Status,
		"file_original_name": l.FileName,
		"file_pages":         nil,
		"address":            nil,
		"address_position":   l.AddressPosition,
		"country":            nil,
		"delivery_product":   stringOrNil(l.DeliveryProduct),
		"print_mode":         stringOrNil(l.PrintMode),
		"print_spectrum":     stringOrNil(l.PrintSpectrum),
		"price_currency":     nil,
		"price_value":        nil,
		"paper_types":        []string{},
		"fonts":              []any{},
		"source":             "api",
		"tracking_number":    nil,
		"submitted_at":       timeOrNil(l.SubmittedAt),
		"created_at":         l.CreatedAt.Format(timeLayout),
		"updated_at":         l.updated.Format(timeLayout),
	}
	if validated {
		pt := make([]string, l.pages)
		for i := range pt {
			pt[i] = "normal"
		}
		attrs["file_pages"] = l.pages
		attrs["address"] = "Herr Hans Muster\nSeestrasse 12\n8002 Zürich\nSchweiz"
		attrs["country"] = "CH"
		attrs["paper_types"] = pt
		// The spec's example gives is_embedded as a number.
		attrs["fonts"] = []any{map[string]any{"name": "Helvetica", "is_embedded": 1}}
		if l.DeliveryProduct != "" && l.PrintMode != "" && l.PrintSpectrum != "" {
			attrs["price_currency"] = "CHF"
			attrs["price_value"] = tariff(l.DeliveryProduct, l.PrintMode, l.PrintSpectrum, pt)
		}
	}
	self := s.api.URL + strings.ReplaceAll(letters, "{org}", s.OrganisationID) + "/" + l.ID
	o := map[string]any{
		"id":         l.ID,
		"type":       "letters",
		"attributes": attrs,
		"relationships": map[string]any{
			"organisation": map[string]any{"data": map[string]any{"id": s.OrganisationID, "type": "organisations"}},
			"events": map[string]any{"links": map[string]any{"related": map[string]any{
				"href": self + "/events", "meta": map[string]any{"count": len(l.Events)},
			}}},
			"batch": map[string]any{"data": nil},
		},
		"links": map[string]any{"self": self},
	}
	if withMeta {
		o["meta"] = map[string]any{"abilities": map[string]any{"self": abilities(l.Status)}}
	}
	return o
}

// tariff is a made-up but deterministic price in CHF.
func tariff(product, mode, spectrum string, pages []string) float64 {
	base := map[string]float64{"fast": 1.15, "cheap": 0.95, "bulk": 0.85, "premium": 1.45, "registered": 5.60}[product]
	if base == 0 {
		base = 1.05 // carrier-specific products
	}
	sheets := len(pages)
	if mode == "duplex" {
		sheets = (sheets + 1) / 2
	}
	p := base + 0.10*float64(max(sheets-1, 0))
	if spectrum == "color" {
		p += 0.15 * float64(len(pages))
	}
	return math.Round(p*100) / 100
}

var pageObject = regexp.MustCompile(`/Type\s*/Page\b`)

// attrs reads JSON:API attributes, collecting errors with pointers.
type attrs struct {
	s    *Server
	op   string
	a    map[string]json.RawMessage
	errs []apiError
}

func (r *attrs) fail(name, format string, args ...any) {
	e := apiError{code: "validation", detail: sprintf(format, args...), pointer: "/data/attributes/" + name}
	r.s.violate(r.op, "%s: %s", e.pointer, e.detail)
	r.errs = append(r.errs, e)
}

// only reports attributes outside known.
func (r *attrs) only(known ...string) {
	for k := range r.a {
		if !slices.Contains(known, k) {
			r.fail(k, "unknown attribute %q", k)
		}
	}
}

func (r *attrs) present(name string) bool {
	raw, ok := r.a[name]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func (r *attrs) str(name string, required bool, minLen, maxLen int) string {
	if !r.present(name) {
		if required {
			r.fail(name, "%s is required", name)
		}
		return ""
	}
	var v string
	if json.Unmarshal(r.a[name], &v) != nil {
		r.fail(name, "%s must be a string", name)
		return ""
	}
	if n := len([]rune(v)); n < minLen || n > maxLen {
		r.fail(name, "%s must be %d to %d characters, got %d", name, minLen, maxLen, n)
	}
	return v
}

func (r *attrs) enum(name string, required bool, allowed []string) string {
	v := r.str(name, required, 0, 1000)
	if v != "" && !slices.Contains(allowed, v) {
		r.fail(name, "%s %q is not one of %s", name, v, strings.Join(allowed, ", "))
	}
	return v
}

func (r *attrs) boolean(name string, required bool) bool {
	if !r.present(name) {
		if required {
			r.fail(name, "%s is required", name)
		}
		return false
	}
	var v bool
	if json.Unmarshal(r.a[name], &v) != nil {
		r.fail(name, "%s must be true or false", name)
	}
	return v
}

func validationFailed(errs []apiError) reply {
	for i := range errs {
		errs[i].title = "The given data was invalid."
	}
	return errorReply(http.StatusUnprocessableEntity, errs...)
}

// createLetter handles POST …/letters; s.mu must be held.
func (s *Server) createLetter(body []byte, key string) reply {
	a, errs := s.document(OpCreate, body, "letters", "")
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	r := &attrs{s: s, op: OpCreate, a: a}
	r.only("file_original_name", "file_url", "file_url_signature", "address_position", "auto_send",
		"delivery_product", "print_mode", "print_spectrum", "meta_data")
	name := r.str("file_original_name", true, 5, 255)
	fileURL := r.str("file_url", true, 1, 1000)
	sig := r.str("file_url_signature", true, 1, 60)
	pos := r.enum("address_position", false, positions)
	auto := r.boolean("auto_send", true)
	product := r.enum("delivery_product", auto, products)
	mode := r.enum("print_mode", auto, printModes)
	spectrum := r.enum("print_spectrum", auto, spectra)
	if r.present("meta_data") {
		var m map[string]json.RawMessage
		if json.Unmarshal(a["meta_data"], &m) != nil {
			r.fail("meta_data", "meta_data must be an object")
		}
	}
	var up *upload
	if fileURL != "" {
		for _, u := range s.uploads {
			if u.url == fileURL {
				up = u
			}
		}
		switch {
		case up == nil:
			r.fail("file_url", "file_url is not a URL from /file-upload (it must be passed on verbatim)")
		case sig != up.signature:
			r.fail("file_url_signature", "file_url_signature does not belong to file_url (it must be passed on verbatim)")
		case !up.put:
			r.fail("file_url", "nothing was uploaded to file_url")
		case up.letter != "":
			r.fail("file_url", "file_url was already used for letter %s", up.letter)
		}
	}
	if len(r.errs) > 0 {
		return validationFailed(r.errs)
	}
	if pos == "" {
		pos = "left" // the organisation's default_address_position
	}
	l := &letter{
		Letter: Letter{
			ID: newUUID(), Status: "validating", FileName: name, AddressPosition: pos,
			DeliveryProduct: product, PrintMode: mode, PrintSpectrum: spectrum, AutoSend: auto,
			PDF: up.data, IdempotencyKey: key, CreatedAt: s.now,
		},
		updated: s.now,
		pages:   max(1, len(pageObject.FindAll(up.data, -1))),
		upload:  up.id,
	}
	up.letter = l.ID
	l.event(s.now, "created")
	s.letters[l.ID] = l
	s.order = append(s.order, l)
	return jsonReply(http.StatusCreated, map[string]any{"data": s.letterObject(l, false)})
}

// listLetters handles GET …/letters; s.mu must be held.
func (s *Server) listLetters(q url.Values) reply {
	ls := slices.Clone(s.order)
	switch sort := q.Get("sort"); sort {
	case "", "created_at":
	case "-created_at":
		slices.Reverse(ls)
	default:
		return errorReply(http.StatusBadRequest, apiError{detail: "pingentest supports sort=created_at and -created_at only", parameter: "sort"})
	}
	if q.Has("filter") || q.Has("q") {
		return errorReply(http.StatusBadRequest, apiError{detail: "pingentest does not implement filter or q"})
	}
	path := strings.ReplaceAll(letters, "{org}", s.OrganisationID)
	from, to, meta, links, rep, ok := s.page(OpList, path, q, len(ls))
	if !ok {
		return rep
	}
	data := []any{}
	for _, l := range ls[from:to] {
		s.advance(l)
		data = append(data, s.letterObject(l, false))
	}
	return jsonReply(http.StatusOK, map[string]any{"data": data, "meta": meta, "links": links})
}

// events handles GET …/letters/{id}/events; s.mu must be held.
func (s *Server) events(l *letter, q url.Values) reply {
	if lang := q.Get("language"); lang != "" && !slices.Contains([]string{"en-GB", "de-DE", "de-CH", "nl-NL", "fr-FR", "es-ES"}, lang) {
		return errorReply(http.StatusBadRequest, apiError{detail: "unknown language", parameter: "language"})
	}
	path := strings.ReplaceAll(letters, "{org}", s.OrganisationID) + "/" + l.ID + "/events"
	from, to, meta, links, rep, ok := s.page(OpEvents, path, q, len(l.Events))
	if !ok {
		return rep
	}
	data := []any{}
	for i, e := range l.Events[from:to] {
		data = append(data, map[string]any{
			"id":   sprintf("%s-%d", l.ID[:8], from+i+1),
			"type": "letters_events",
			"attributes": map[string]any{
				"code": e.Code, "name": e.Name, "producer": "Pingen", "location": "",
				"has_image": false, "data": []any{},
				"emitted_at": e.EmittedAt.Format(timeLayout), "created_at": e.EmittedAt.Format(timeLayout),
				"updated_at": e.EmittedAt.Format(timeLayout),
			},
		})
	}
	return jsonReply(http.StatusOK, map[string]any{"data": data, "meta": meta, "links": links})
}

func notAllowed(l *letter, action string) reply {
	return errorReply(http.StatusUnprocessableEntity, apiError{
		code:   "ability_" + action,
		title:  "Action not allowed",
		detail: sprintf("a letter in status %s cannot be %s", l.Status, map[string]string{"send": "sent", "cancel": "cancelled", "delete": "deleted"}[action]),
	})
}

// sendLetter handles PATCH …/{id}/send; s.mu must be held.
func (s *Server) sendLetter(l *letter, body []byte) reply {
	a, errs := s.document(OpSend, body, "letters", l.ID)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	r := &attrs{s: s, op: OpSend, a: a}
	r.only("delivery_product", "print_mode", "print_spectrum", "meta_data")
	product := r.enum("delivery_product", true, products)
	mode := r.enum("print_mode", true, printModes)
	spectrum := r.enum("print_spectrum", true, spectra)
	if len(r.errs) > 0 {
		return validationFailed(r.errs)
	}
	if l.Status != "valid" {
		return notAllowed(l, "send")
	}
	l.DeliveryProduct, l.PrintMode, l.PrintSpectrum = product, mode, spectrum
	s.submit(l, s.now, "submitted")
	return jsonReply(http.StatusOK, map[string]any{"data": s.letterObject(l, false)})
}

// cancelLetter handles PATCH …/{id}/cancel; s.mu must be held.
func (s *Server) cancelLetter(l *letter) reply {
	if abilities(l.Status)["cancel"] != "ok" {
		return notAllowed(l, "cancel")
	}
	l.setStatus(s.now, "cancelling")
	l.event(s.now, "cancellation_requested")
	return reply{status: http.StatusAccepted, header: http.Header{}}
}

// deleteLetter handles DELETE …/{id}; s.mu must be held.
func (s *Server) deleteLetter(l *letter) reply {
	if !deletable(l.Status) {
		return notAllowed(l, "delete")
	}
	delete(s.letters, l.ID)
	s.order = slices.DeleteFunc(s.order, func(x *letter) bool { return x == l })
	return reply{status: http.StatusNoContent, header: http.Header{}}
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// price handles POST …/price-calculator; s.mu must be held.
func (s *Server) price(body []byte) reply {
	a, errs := s.document(OpPrice, body, "letter_price_calculator", "")
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	r := &attrs{s: s, op: OpPrice, a: a}
	r.only("country", "paper_types", "print_mode", "print_spectrum", "delivery_product")
	country := r.str("country", true, 2, 2)
	if country != "" && !countryCode.MatchString(country) {
		r.fail("country", "country must be an ISO 3166-1 alpha-2 code")
	}
	var pt []string
	if !r.present("paper_types") {
		r.fail("paper_types", "paper_types is required")
	} else if json.Unmarshal(a["paper_types"], &pt) != nil || len(pt) == 0 {
		r.fail("paper_types", "paper_types must be a non-empty array of strings, one per page")
	}
	for _, p := range pt {
		if !slices.Contains(paperTypes, p) {
			r.fail("paper_types", "paper type %q is not one of %s", p, strings.Join(paperTypes, ", "))
		}
	}
	mode := r.enum("print_mode", true, printModes)
	spectrum := r.enum("print_spectrum", true, spectra)
	product := r.enum("delivery_product", true, products)
	if len(r.errs) > 0 {
		return validationFailed(r.errs)
	}
	return jsonReply(http.StatusOK, map[string]any{"data": map[string]any{
		"id":         newUUID(),
		"type":       "letter_price_calculator",
		"attributes": map[string]any{"currency": "CHF", "price": tariff(product, mode, spectrum, pt)},
	}})
}
