// Package preflight checks a letter PDF against the rules of a print-and-mail
// service (a [rules.Profile]) and explains each problem in millimetres.
//
// [Check] is the entry point; [Rules] lists what it checks.
package preflight

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// Options say what to check a file against. The zero value checks against
// the built-in pingen profile, left window, domestic mail.
type Options struct {
	Profile *rules.Profile // nil: the built-in "pingen"
	Window  string         // "": the profile's default window
	// Country is the destination, ISO 3166-1 alpha-2. "" means: the
	// country the address on page 1 names, else the profile's domestic
	// country.
	Country string
	// Limits bound the work on one file; zero fields: pdfdoc.DefaultLimits.
	// Limits.Timeout is the time for the whole check of a file.
	Limits pdfdoc.Limits
	// MaxReadBytes bounds how much of a file is loaded into memory; a
	// larger file is only measured. Zero means 256 MB.
	MaxReadBytes int64
	// Split says how the file holds letters; the zero value checks it as
	// one letter.
	Split Split
}

const defaultMaxReadBytes = 256 << 20

// fileContext returns the context a file is checked under, which ends at
// its time limit; tests end it at a page of their choice instead.
var fileContext = context.WithTimeout

type checkState struct {
	findings []ordered
	pixels   pixelState // shared by the rules that look at pixels
	// country is the destination of letter 1 as known so far: the one in
	// the options, else the profile's domestic one until the address rules
	// read the one the letter names. defaultCountry is the one of a letter
	// whose address names none; forced is set when the options gave it.
	country        string
	defaultCountry string
	forced         bool

	split      Split
	maxObjects int // Limits.MaxObjects
	letters    letterState
	addresses  map[int]*addressState // by letter, each read once
	pixelsRun  bool                  // the rules that look at pixels run

	// pagesDone counts the pages whose zones were checked, from page 1 on;
	// timedOut is set when the file's time limit stopped the check.
	pagesDone int
	timedOut  bool
	skipped   []string // rules that could not run, in order
}

type ordered struct {
	f    Finding
	rule int // position of the rule in Rules, for a stable order
}

// Validate reports bad options (an unknown window, a malformed country) before
// any file is checked.
func (o Options) Validate() error {
	_, _, err := o.resolve()
	return err
}

// resolve fills in the defaults and validates the options.
func (o Options) resolve() (Options, rules.Window, error) {
	if o.Profile == nil {
		p, err := rules.Builtin("pingen")
		if err != nil {
			return o, rules.Window{}, err
		}
		o.Profile = p
	}
	if o.Window == "" {
		o.Window = o.Profile.DefaultWindow()
	}
	w, err := o.Profile.Window(o.Window)
	if err != nil {
		return o, w, err
	}
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if o.Country != "" && (len(o.Country) != 2 || strings.Trim(o.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return o, w, fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code such as CH or DE", o.Country)
	}
	if o.MaxReadBytes <= 0 {
		o.MaxReadBytes = defaultMaxReadBytes
	}
	if err := o.Split.validate(); err != nil {
		return o, w, err
	}
	o.Limits = o.Limits.WithDefaults()
	return o, w, nil
}

// CheckFile checks the PDF file at path. Its error is for a file that cannot
// be read at all (missing, a folder, no permission) or bad options; a file
// that is not a valid PDF gives a report with a pdf.unreadable finding.
func CheckFile(ctx context.Context, path string, opts Options) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a folder, not a PDF file", path)
	}
	return CheckReader(ctx, path, f, opts)
}

// CheckReader checks the PDF read from r; name is used in the report.
func CheckReader(ctx context.Context, name string, r io.Reader, opts Options) (*Report, error) {
	o, _, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, o.MaxReadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) <= o.MaxReadBytes {
		return Check(ctx, name, data, o)
	}
	// Too large to load: measure it, hash it, and say so.
	h := sha256.New()
	h.Write(data)
	n, err := io.Copy(h, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	size := int64(len(data)) + n
	return checkParsed(ctx, ctx, name, size, hex.EncodeToString(h.Sum(nil)), nil,
		&pdfdoc.OpenError{Kind: pdfdoc.OverLimit, Limit: "MaxReadBytes", Err: fmt.Errorf("the file is %s, more than the %s lettergate reads", formatBytes(size), formatBytes(o.MaxReadBytes))}, o)
}

// Check checks the PDF in data; name is used in the report. It returns an
// error only for bad options or when ctx ends: everything wrong with the
// file is a finding. The check of the file, from reading its structure to
// the last page, stops at o.Limits.Timeout with a finding that says how
// far it got.
func Check(ctx context.Context, name string, data []byte, opts Options) (*Report, error) {
	o, _, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	fileCtx, cancel := fileContext(ctx, o.Limits.Timeout)
	defer cancel()
	doc, err := pdfdoc.Open(fileCtx, data, o.Limits)
	var openErr *pdfdoc.OpenError
	if err != nil && !errors.As(err, &openErr) {
		return nil, fmt.Errorf("%s: %w", name, err) // cancelled
	}
	var sha string
	if doc != nil {
		sha = doc.SHA256 // of the same bytes
	} else {
		sum := sha256.Sum256(data)
		sha = hex.EncodeToString(sum[:])
	}
	return checkParsed(ctx, fileCtx, name, int64(len(data)), sha, doc, openErr, o)
}

// checkParsed runs the rules on a file whose structure was read. ctx is
// the caller's; the rules run under fileCtx, which ends at the file's time
// limit.
func checkParsed(ctx, fileCtx context.Context, name string, size int64, sha string, doc *pdfdoc.Document, openErr *pdfdoc.OpenError, o Options) (*Report, error) {
	if f := o.Split.First; len(f) > 0 && doc != nil && f[len(f)-1] > doc.PageCount {
		// The options do not fit the file: nothing about the file is known
		// wrong, so this is not a finding.
		return nil, fmt.Errorf("--split %s names page %d as a letter's first, but the file has %d pages", o.Split, f[len(f)-1], doc.PageCount)
	}
	w, _ := o.Profile.Window(o.Window)
	st := &checkState{country: o.Country, forced: o.Country != "", split: o.Split, maxObjects: o.Limits.MaxObjects}
	if !st.forced {
		st.country = o.Profile.DomesticCountry
	}
	st.defaultCountry = st.country
	rep := &Report{
		Schema:  Schema,
		File:    name,
		SHA256:  sha,
		Bytes:   size,
		Split:   o.Split.String(),
		Profile: o.Profile.Name,
		Window:  o.Window,
		Country: st.country,
	}
	if doc != nil {
		rep.Pages = doc.PageCount
	}
	base := Pass{
		Ctx: fileCtx, File: name, Size: size, Doc: doc, OpenErr: openErr,
		Profile: o.Profile, WindowName: o.Window, Window: w,
		check: st,
	}
	hasError := func() bool {
		for _, f := range st.findings {
			if f.f.Severity == Error {
				return true
			}
		}
		return false
	}
	defer st.pixels.close()
	// Whether the pixel rules run is decided once, on the findings of the
	// structural rules before them: an error from one pixel rule must not
	// skip the others, nor may one from pages.count, which runs after the
	// address rules so that it knows the destination. A file without
	// pages has no pixels to look at.
	pixelsGate := -1 // -1 undecided, 0 skip, 1 run
	for i, r := range Rules() {
		if r.Pixels && pixelsGate < 0 {
			pixelsGate = 1
			if doc == nil || doc.PageCount == 0 || hasError() {
				pixelsGate = 0
			}
			st.pixelsRun = pixelsGate == 1
		}
		if r.Pixels && pixelsGate == 0 {
			rep.Skipped = append(rep.Skipped, r.ID)
			continue
		}
		pass := base
		pass.rule = r
		pass.Country = st.country
		pass.report = func(f Finding) { st.findings = append(st.findings, ordered{f, i}) }
		if err := runRule(r, &pass); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", name, ctx.Err())
			}
			if fileCtx.Err() != nil {
				// The time limit: reported once, below, with how far the
				// check got. The rules after this one report what they
				// found before it.
				st.timedOut = true
				continue
			}
			// A rule that fails on a file is a finding about the file,
			// not a reason to give up on the other rules.
			pass.Report(Finding{Rule: "pdf.unreadable", Severity: Error,
				Message: fmt.Sprintf("check %s could not finish: %v", r.ID, err),
				Fix:     "export the PDF again from the program that made it"})
		}
	}
	if st.timedOut {
		st.findings = append(st.findings, ordered{timeLimitFinding(o.Limits.Timeout, st.pagesDone, rep.Pages), 0})
	}
	rep.Skipped = append(rep.Skipped, st.skipped...)
	sort.SliceStable(st.findings, func(a, b int) bool {
		fa, fb := st.findings[a], st.findings[b]
		if fa.f.Page != fb.f.Page {
			return fa.f.Page < fb.f.Page
		}
		return fa.rule < fb.rule
	})
	// The letters: known without reading pages for a split by count; for
	// a split by address, found by the zone rules, those of the pages
	// checked when the check stopped early (no error then, but not all).
	letters, lettersErr := base.Letters()
	for _, f := range st.findings {
		if !o.Split.IsZero() {
			f.f.Letter = st.letterOfFinding(f.f)
		}
		rep.Findings = append(rep.Findings, f.f)
	}
	rep.Country = st.country
	if a := st.addresses[1]; a != nil {
		rep.Address = a.report()
	}
	rep.OK = !hasError()
	if lettersErr == nil && !o.Split.IsZero() {
		for _, l := range letters {
			rep.Letters = append(rep.Letters, st.letterReport(l, rep))
		}
	}
	return rep, nil
}

// timeLimitFinding reports a check stopped by the file's time limit after
// done of pages pages.
func timeLimitFinding(limit time.Duration, done, pages int) Finding {
	var how string
	switch {
	case done == 0:
		how = "no page was checked"
	case done == 1:
		how = fmt.Sprintf("page 1 of %d was checked", pages)
	default:
		how = fmt.Sprintf("pages 1-%d of %d were checked", done, pages)
	}
	return Finding{Rule: Unreadable.ID, Severity: Error,
		Message: fmt.Sprintf("checking took longer than the %v time limit; %s", limit, how),
		Fix:     "if the file is genuine, raise the limit with " + LimitFlags["Timeout"] + "; otherwise export it again from the program that made it"}
}

// letterOfFinding returns the letter all pages of f belong to; 0 when f
// is about the whole file or spans letters, or the letters are not known.
func (s *checkState) letterOfFinding(f Finding) int {
	pages := f.Pages
	if len(pages) == 0 && f.Page > 0 {
		pages = []int{f.Page}
	}
	letter := 0
	for i, n := range pages {
		l, ok := s.letterOf(n)
		if !ok || i > 0 && l.Letter != letter {
			return 0
		}
		letter = l.Letter
	}
	return letter
}

// letterReport describes letter l of rep for the report.
func (s *checkState) letterReport(l LetterPages, rep *Report) Letter {
	out := Letter{Letter: l.Letter, FirstPage: l.First, Pages: l.Pages(), Country: s.defaultCountry, OK: len(rep.Skipped) == 0}
	if a := s.addresses[l.Letter]; a != nil {
		out.Country = a.dest
		out.Address = a.report()
	}
	for _, f := range rep.Findings {
		if !out.OK || f.Severity != Error {
			continue
		}
		pages := f.Pages
		if len(pages) == 0 {
			pages = []int{f.Page}
		}
		for _, n := range pages {
			if n == 0 || n >= l.First && n <= l.Last {
				out.OK = false
			}
		}
	}
	return out
}

// runRule runs r, turning a panic into an error naming the rule.
func runRule(r *Rule, p *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error in %s: %v", r.ID, v)
		}
	}()
	return r.Run(p)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}
