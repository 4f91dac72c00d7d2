package preflight

import (
	"encoding/json"
	"math"

	"github.com/lettergate/lettergate/rules"
)

// Schema identifies the JSON report format.
const Schema = "lettergate.report/v1"

// Severity is how bad a finding is: an error stops the letter, a warning
// does not.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Report is the result of checking one file.
type Report struct {
	Schema string `json:"schema"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Pages  int    `json:"pages"`
	// Split is how the file was split into letters (Split.String), empty
	// when it was checked as one letter.
	Split   string `json:"split,omitempty"`
	Profile string `json:"profile"`
	Window  string `json:"window"`
	// Country is the destination of the (first) letter.
	Country  string    `json:"country"`
	OK       bool      `json:"ok"`
	Findings []Finding `json:"findings"`
	// Address is the recipient of the (first) letter.
	Address *Address `json:"address,omitempty"`
	// Letters lists the letters of a split file; it is empty when the file
	// was not split, or the split could not be worked out.
	Letters []Letter `json:"letters,omitempty"`
	// Skipped lists the rules that did not run because an earlier rule
	// found an error that makes them meaningless or unsafe to run.
	Skipped []string `json:"skipped,omitempty"`
}

// Letter is one letter of a split file.
type Letter struct {
	Letter    int    `json:"letter"` // 1-based
	FirstPage int    `json:"first_page"`
	Pages     int    `json:"pages"`
	Country   string `json:"country"` // its destination
	// OK is true when no error finding is on one of its pages or on the
	// whole file, and no rule was skipped.
	OK      bool     `json:"ok"`
	Address *Address `json:"address,omitempty"`
}

// Finding is one problem found in a file.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Page is the page the finding is about (1-based), or 0 when it is
	// about the whole file. Pages lists all the pages when it spans several.
	Page  int   `json:"page,omitempty"`
	Pages []int `json:"pages,omitempty"`
	// Letter is the letter (1-based) of a split file that the page or
	// pages belong to; 0 when the file was not split, or the finding is
	// about the whole file or spans letters.
	Letter  int        `json:"letter,omitempty"`
	Zone    string     `json:"zone,omitempty"`
	Box     *BoxMM     `json:"box_mm,omitempty"`
	Object  *ObjectRef `json:"object,omitempty"`
	Message string     `json:"message"`
	Fix     string     `json:"fix,omitempty"`
}

// BoxMM is a rectangle in millimetres from the top-left corner of the page
// as displayed.
type BoxMM struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// BoxOf converts a rules.Rect, rounding to the 0.1 mm the reports show.
func BoxOf(r rules.Rect) *BoxMM {
	return &BoxMM{X0: round1(r.X), Y0: round1(r.Y), X1: round1(r.X1()), Y1: round1(r.Y1())}
}

// ObjectRef names the page object that caused a finding.
type ObjectRef struct {
	Kind   string  `json:"kind"` // text, path, image, shading, form, annotation
	Text   string  `json:"text,omitempty"`
	Font   string  `json:"font,omitempty"`
	SizePt float64 `json:"size_pt,omitempty"`
}

// Address is the recipient address as read from a letter's first page.
type Address struct {
	Lines   []string `json:"lines"`
	Country string   `json:"country,omitempty"`
	Box     *BoxMM   `json:"box_mm,omitempty"`
}

// MarshalJSON writes findings as an empty list rather than null, so that
// consumers can always iterate.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return json.Marshal(plain(r))
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
