package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/lettergate/lettergate/preflight"
)

// reportWriter writes check reports in one output format, as they arrive.
type reportWriter interface {
	write(*preflight.Report) error
	close() error
}

func newReportWriter(format string, e *env, failOnWarning bool) (reportWriter, error) {
	switch format {
	case "text":
		return &textWriter{w: e.stdout, color: useColor(e), failOnWarning: failOnWarning}, nil
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return jsonWriter{enc}, nil
	case "junit":
		return &junitWriter{w: e.stdout, failOnWarning: failOnWarning}, nil
	}
	return nil, fmt.Errorf("--format %q: want text, json or junit", format)
}

// parseFailOn reads --fail-on: whether warnings fail a file too.
func parseFailOn(s string) (warnings bool, err error) {
	switch s {
	case "error":
		return false, nil
	case "warning":
		return true, nil
	}
	return false, fmt.Errorf("--fail-on %q: want error or warning", s)
}

// useColor follows https://no-color.org: colour only on a terminal, and
// never when NO_COLOR is set to anything.
func useColor(e *env) bool {
	return e.stdoutTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}

type jsonWriter struct{ enc *json.Encoder }

func (j jsonWriter) write(r *preflight.Report) error { return j.enc.Encode(r) }
func (j jsonWriter) close() error                    { return nil }

// textWriter writes one block per file, findings grouped by page, numbered
// so that previews can refer to them.
type textWriter struct {
	w             io.Writer
	color         bool
	failOnWarning bool
	files         int
}

const (
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

func (t *textWriter) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) write(r *preflight.Report) error {
	var b strings.Builder
	if t.files > 0 {
		b.WriteString("\n")
	}
	t.files++
	nerr, nwarn := countSeverities(r.Findings)
	status := t.paint(ansiGreen+ansiBold, "ok")
	if failing(r, t.failOnWarning) {
		status = t.paint(ansiRed+ansiBold, "FAIL")
	}
	fmt.Fprintf(&b, "%s  %s", status, t.paint(ansiBold, r.File))
	if counts := severityCounts(nerr, nwarn); counts != "" {
		fmt.Fprintf(&b, "  (%s)", counts)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "    %s\n", t.paint(ansiDim, describeRun(r)))

	page := -1
	for i, f := range r.Findings {
		if f.Page != page {
			page = f.Page
			switch l := letterOfPage(r, page); {
			case page == 0:
				b.WriteString("  whole file\n")
			case l != nil:
				fmt.Fprintf(&b, "  page %d (letter %d, page %d)\n", page, l.Letter, page-l.FirstPage+1)
			default:
				fmt.Fprintf(&b, "  page %d\n", page)
			}
		}
		sev := t.paint(ansiYellow, "warning")
		if f.Severity == preflight.Error {
			sev = t.paint(ansiRed, "error  ")
		}
		fmt.Fprintf(&b, "  %3d  %s  %-20s %s\n", i+1, sev, f.Rule, f.Message)
		const indent = "                                     "
		if f.Object != nil {
			fmt.Fprintf(&b, "%s%s\n", indent, describeObject(f.Object))
		}
		if f.Box != nil {
			fmt.Fprintf(&b, "%s%s\n", indent, t.paint(ansiDim, describeBox(f.Box)))
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "%s%s\n", indent, t.paint(ansiBold, "fix: "+f.Fix))
		}
	}
	if r.Split != "" {
		t.writeLetters(&b, r)
	} else if a := r.Address; a != nil {
		fmt.Fprintf(&b, "  address as read from page 1")
		if a.Box != nil {
			fmt.Fprintf(&b, " (%s)", describeBox(a.Box))
		}
		if a.Country != "" {
			fmt.Fprintf(&b, ", destination %s", a.Country)
		}
		b.WriteString(":\n")
		for _, l := range a.Lines {
			fmt.Fprintf(&b, "       %s\n", l)
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "  %s\n", t.paint(ansiDim, "not checked until the errors above are fixed: "+strings.Join(r.Skipped, ", ")))
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *textWriter) close() error { return nil }

// writeLetters writes how a split file was split and how many letters
// passed, and a line for each letter with findings of its own.
func (t *textWriter) writeLetters(b *strings.Builder, r *preflight.Report) {
	if len(r.Letters) == 0 {
		if r.Pages > 0 {
			fmt.Fprintf(b, "  %s\n", t.paint(ansiDim, "not split into letters (--split "+r.Split+"): the errors above stop the check before it reads the pages"))
		}
		return
	}
	failed := 0
	for _, l := range r.Letters {
		if !l.OK {
			failed++
		}
	}
	fmt.Fprintf(b, "  %s (--split %s): %d ok", describeLetters(r.Letters), r.Split, len(r.Letters)-failed)
	if failed > 0 {
		fmt.Fprintf(b, ", %s", t.paint(ansiRed, fmt.Sprintf("%d failed", failed)))
	}
	b.WriteString("\n")
	for _, l := range r.Letters {
		var errs, warns int
		for _, f := range r.Findings {
			if f.Letter == l.Letter {
				if f.Severity == preflight.Error {
					errs++
				} else {
					warns++
				}
			}
		}
		if errs+warns == 0 {
			continue // a letter failed by a finding on the whole file is not listed
		}
		pages := fmt.Sprintf("page %d", l.FirstPage)
		if l.Pages > 1 {
			pages = fmt.Sprintf("pages %d-%d", l.FirstPage, l.FirstPage+l.Pages-1)
		}
		fmt.Fprintf(b, "    letter %d  %s  to %s", l.Letter, pages, l.Country)
		if l.Address != nil && len(l.Address.Lines) > 0 {
			fmt.Fprintf(b, "  %q", l.Address.Lines[0])
		}
		fmt.Fprintf(b, ": %s\n", severityCounts(errs, warns))
	}
}

// describeLetters says how many letters of how many pages a file was split
// into: "6 letters of 2 pages", "4 letters of 2 pages, the last of 1",
// "4 letters of 1 to 15 pages".
func describeLetters(ls []preflight.Letter) string {
	lo, hi := ls[0].Pages, ls[0].Pages
	for _, l := range ls {
		lo, hi = min(lo, l.Pages), max(hi, l.Pages)
	}
	n := fmt.Sprintf("%d %s", len(ls), pluralize(len(ls), "letter", "letters"))
	last := ls[len(ls)-1].Pages
	rest := ls[0].Pages
	for _, l := range ls[:len(ls)-1] {
		if l.Pages != rest {
			rest = -1
		}
	}
	switch {
	case lo == hi:
		return fmt.Sprintf("%s of %d %s", n, lo, pluralize(lo, "page", "pages"))
	case len(ls) > 1 && rest > 0 && last < rest:
		return fmt.Sprintf("%s of %d pages, the last of %d", n, rest, last)
	}
	return fmt.Sprintf("%s of %d to %d pages", n, lo, hi)
}

// letterOfPage returns the letter of a split file that page n belongs to.
func letterOfPage(r *preflight.Report, n int) *preflight.Letter {
	for i, l := range r.Letters {
		if n >= l.FirstPage && n < l.FirstPage+l.Pages {
			return &r.Letters[i]
		}
	}
	return nil
}

func countSeverities(fs []preflight.Finding) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == preflight.Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func severityCounts(errs, warns int) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", errs, pluralize(errs, "error", "errors")))
	}
	if warns > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", warns, pluralize(warns, "warning", "warnings")))
	}
	return strings.Join(parts, ", ")
}

func pluralize(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// describeRun says what a report was checked against. The destination of
// a split file is each letter's.
func describeRun(r *preflight.Report) string {
	parts := []string{fmt.Sprintf("profile %s, %s window, to %s", r.Profile, r.Window, r.Country)}
	if r.Split != "" {
		parts[0] = fmt.Sprintf("profile %s, %s window", r.Profile, r.Window)
	}
	if r.Pages > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", r.Pages, pluralize(r.Pages, "page", "pages")))
	}
	parts = append(parts, humanBytes(r.Bytes))
	return strings.Join(parts, " · ")
}

func describeObject(o *preflight.ObjectRef) string {
	var b strings.Builder
	if o.Text != "" {
		fmt.Fprintf(&b, "%q ", o.Text)
	}
	b.WriteString("(" + o.Kind)
	if o.Font != "" {
		b.WriteString(", " + o.Font)
	}
	if o.SizePt > 0 {
		fmt.Fprintf(&b, " %g pt", o.SizePt)
	}
	b.WriteString(")")
	return b.String()
}

func describeBox(bx *preflight.BoxMM) string {
	return fmt.Sprintf("at x %.1f-%.1f, y %.1f-%.1f mm", bx.X0, bx.X1, bx.Y0, bx.Y1)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// junitWriter writes one testsuite per file and one testcase per rule, so
// that CI systems show findings as failed tests.
type junitWriter struct {
	w             io.Writer
	failOnWarning bool
	suites        []junitSuite
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (j *junitWriter) write(r *preflight.Report) error {
	s := junitSuite{Name: r.File, Properties: []junitProperty{
		{"sha256", r.SHA256}, {"bytes", fmt.Sprint(r.Bytes)}, {"pages", fmt.Sprint(r.Pages)},
		{"profile", r.Profile}, {"window", r.Window}, {"country", r.Country},
	}}
	if r.Split != "" {
		s.Properties = append(s.Properties, junitProperty{"split", r.Split}, junitProperty{"letters", fmt.Sprint(len(r.Letters))})
	}
	skipped := map[string]bool{}
	for _, id := range r.Skipped {
		skipped[id] = true
	}
	for _, rule := range preflight.Rules() {
		c := junitCase{Name: rule.ID, Classname: r.File}
		var lines []string
		first, worst := "", preflight.Severity("")
		for _, f := range r.Findings {
			if f.Rule != rule.ID {
				continue
			}
			if first == "" {
				first = f.Message
			}
			if worst != preflight.Error {
				worst = f.Severity
			}
			lines = append(lines, findingLine(f))
		}
		switch {
		case len(lines) > 0 && (worst == preflight.Error || j.failOnWarning):
			c.Failure = &junitMessage{Message: first, Type: string(worst), Text: strings.Join(lines, "\n")}
			s.Failures++
		case len(lines) > 0:
			c.SystemOut = strings.Join(lines, "\n")
		case skipped[rule.ID]:
			c.Skipped = &junitMessage{Message: "not checked until the errors of this file are fixed"}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
		s.Tests++
	}
	j.suites = append(j.suites, s)
	return nil
}

// findingLine is a finding on one line, for JUnit bodies.
func findingLine(f preflight.Finding) string {
	var b strings.Builder
	b.WriteString(string(f.Severity) + ": ")
	switch {
	case f.Letter > 0:
		fmt.Fprintf(&b, "letter %d, page %d: ", f.Letter, f.Page)
	case f.Page > 0:
		fmt.Fprintf(&b, "page %d: ", f.Page)
	}
	b.WriteString(f.Message)
	if f.Object != nil {
		b.WriteString(" " + describeObject(f.Object))
	}
	if f.Box != nil {
		b.WriteString(" " + describeBox(f.Box))
	}
	if f.Fix != "" {
		b.WriteString("; fix: " + f.Fix)
	}
	return b.String()
}

func (j *junitWriter) close() error {
	all := junitSuites{Name: "lettergate check", Suites: j.suites}
	for _, s := range j.suites {
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Skipped += s.Skipped
	}
	if _, err := io.WriteString(j.w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(j.w, "\n")
	return err
}
