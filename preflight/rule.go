package preflight

import (
	"context"
	"fmt"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// A Rule is one check, in the manner of a go/analysis Analyzer: it knows
// its ID, its documentation and how to find problems, and nothing about
// output formats or the command line.
type Rule struct {
	ID       string
	Doc      string   // first line: a summary; the rest: what it checks and why
	Severity Severity // of the findings it reports, unless a finding says otherwise
	// Pixels marks rules that look at what prints (through PDFium). They
	// run only when no structural rule reported an error, so a file that
	// fails the cheap checks never pays for the expensive ones.
	Pixels bool
	Run    func(*Pass) error
}

// A Pass is one rule's view of one file.
type Pass struct {
	Ctx  context.Context
	File string // as given by the caller, for messages
	Size int64
	// Doc is the file's structure; nil when it could not be opened, and
	// then OpenErr says why.
	Doc     *pdfdoc.Document
	OpenErr *pdfdoc.OpenError

	Profile    *rules.Profile
	WindowName string
	Window     rules.Window
	// Country is the destination (ISO 3166-1 alpha-2) of the first
	// letter: the one given in the options, else the one the address on
	// page 1 names (for the rules after the address rules), else the
	// profile's domestic country. Letters has the letters of a split file.
	Country string

	rule   *Rule
	report func(Finding)
	check  *checkState
}

// Report records a finding. Rule and Severity default to the rule's own.
func (p *Pass) Report(f Finding) {
	if f.Rule == "" {
		f.Rule = p.rule.ID
	}
	if f.Severity == "" {
		f.Severity = p.rule.Severity
	}
	p.report(f)
}

// skip records that the rule could not run, for the report's Skipped.
func (p *Pass) skip() { p.check.skipped = append(p.check.skipped, p.rule.ID) }

// Reportf records a finding on a page (0: the whole file) with a message
// and a fix.
func (p *Pass) Reportf(page int, fix, format string, args ...any) {
	p.Report(Finding{Page: page, Message: fmt.Sprintf(format, args...), Fix: fix})
}
