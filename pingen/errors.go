package pingen

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is an error answer from Pingen.
type Error struct {
	Status    int           // HTTP status code
	RequestID string        // X-Request-Id; quote it to Pingen support
	Errors    []ErrorObject // may be empty

	// RetryAfter is how long Pingen asked to wait, for 429 and 503.
	RetryAfter time.Duration

	// uncertain is set when an earlier attempt of the same call got no
	// definite answer, so the operation may have happened after all.
	uncertain bool
}

// ErrorObject is one JSON:API error object. Every member may be empty; Code
// is an undocumented opaque string.
type ErrorObject struct {
	Code      string
	Title     string
	Detail    string
	Pointer   string // JSON pointer into the request body, e.g. /data/attributes/print_mode
	Parameter string // query parameter at fault
}

func (e *Error) Error() string {
	var b strings.Builder
	text := http.StatusText(e.Status)
	fmt.Fprintf(&b, "pingen: %d %s", e.Status, text)
	sep := ": "
	for _, o := range e.Errors {
		// JSON:API servers often title an error with the status text, which
		// the line has already said.
		if strings.EqualFold(strings.TrimSpace(o.Title), text) {
			o.Title = ""
		}
		if s := o.String(); s != "" {
			b.WriteString(sep)
			b.WriteString(s)
			sep = "; "
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// String joins the members that are set.
func (o ErrorObject) String() string {
	msg := o.Title
	switch {
	case msg == "":
		msg = o.Detail
	case o.Detail != "" && o.Detail != o.Title:
		msg += ": " + o.Detail
	}
	var where []string
	if o.Pointer != "" {
		where = append(where, o.Pointer)
	}
	if o.Parameter != "" {
		where = append(where, "parameter "+o.Parameter)
	}
	if o.Code != "" {
		where = append(where, "code "+o.Code)
	}
	if len(where) > 0 {
		if msg != "" {
			msg += " "
		}
		msg += "(" + strings.Join(where, ", ") + ")"
	}
	return msg
}

// ErrRefused is returned, wrapped, by Submitter.Submit when the letter it
// returns was refused by Pingen's validation (status action_required or
// invalid): the letter exists in Pingen but will not be sent as it is. The
// Result holds the letter.
var ErrRefused = errors.New("pingen: refused by Pingen's validation")

// ErrPriceNotReady is returned by CalculatePrice when Pingen has not
// determined the price yet (202 with no body); ask again later.
var ErrPriceNotReady = errors.New("pingen: price not determined yet")

// parseError builds an Error from a JSON:API error body, or from the OAuth
// error body of the token endpoint. scrub removes credentials a server might
// echo back.
func parseError(status int, h http.Header, body []byte, scrub func(string) string) *Error {
	e := &Error{Status: status, RequestID: scrub(h.Get("X-Request-Id"))}
	var doc struct {
		Errors []struct {
			Code   looseString `json:"code"`
			Title  looseString `json:"title"`
			Detail looseString `json:"detail"`
			Source struct {
				Pointer   looseString `json:"pointer"`
				Parameter looseString `json:"parameter"`
			} `json:"source"`
		} `json:"errors"`
		// OAuth form: {"error","error_description","message"}.
		Error       looseString `json:"error"`
		Description looseString `json:"error_description"`
		Message     looseString `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return e
	}
	for _, o := range doc.Errors {
		e.Errors = append(e.Errors, ErrorObject{
			Code:      scrub(string(o.Code)),
			Title:     scrub(string(o.Title)),
			Detail:    scrub(string(o.Detail)),
			Pointer:   scrub(string(o.Source.Pointer)),
			Parameter: scrub(string(o.Source.Parameter)),
		})
	}
	if doc.Error != "" {
		detail := doc.Description
		if detail == "" {
			detail = doc.Message
		}
		e.Errors = append(e.Errors, ErrorObject{Code: scrub(string(doc.Error)), Detail: scrub(string(detail))})
	}
	return e
}
