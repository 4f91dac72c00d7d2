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
	Limits  pdfdoc.Limits // zero fields: pdfdoc.DefaultLimits
	// MaxReadBytes bounds how much of a file is loaded into memory; a
	// larger file is only measured. Zero means 256 MB.
	MaxReadBytes int64
}

const defaultMaxReadBytes = 256 << 20

type checkState struct {
	findings []ordered
	pixels   pixelState // shared by the rules that look at pixels
	// country is the destination as known so far: the one in the options,
	// else the profile's domestic one until the address rules read the
	// one the letter names. forced is set when the options gave it.
	country string
	forced  bool
	address addressState // page 1's recipient, read once
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
	h := sha256.New()
	data, err := io.ReadAll(io.LimitReader(io.TeeReader(r, h), o.MaxReadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) <= o.MaxReadBytes {
		return Check(ctx, name, data, o)
	}
	// Too large to load: measure it, hash it, and say so.
	n, err := io.Copy(h, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	size := int64(len(data)) + n
	return checkParsed(ctx, name, size, hex.EncodeToString(h.Sum(nil)), nil,
		&pdfdoc.OpenError{Kind: pdfdoc.OverLimit, Limit: "MaxReadBytes", Err: fmt.Errorf("the file is %s, more than the %s lettergate reads", formatBytes(size), formatBytes(o.MaxReadBytes))}, o)
}

// Check checks the PDF in data; name is used in the report. It returns an
// error only for bad options: everything wrong with the file is a finding.
func Check(ctx context.Context, name string, data []byte, opts Options) (*Report, error) {
	o, _, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	doc, err := pdfdoc.Open(ctx, data, o.Limits)
	var openErr *pdfdoc.OpenError
	if err != nil && !errors.As(err, &openErr) {
		return nil, fmt.Errorf("%s: %w", name, err) // cancelled
	}
	sum := sha256.Sum256(data)
	return checkParsed(ctx, name, int64(len(data)), hex.EncodeToString(sum[:]), doc, openErr, o)
}

func checkParsed(ctx context.Context, name string, size int64, sha string, doc *pdfdoc.Document, openErr *pdfdoc.OpenError, o Options) (*Report, error) {
	w, _ := o.Profile.Window(o.Window)
	st := &checkState{country: o.Country, forced: o.Country != ""}
	if !st.forced {
		st.country = o.Profile.DomesticCountry
	}
	rep := &Report{
		Schema:  Schema,
		File:    name,
		SHA256:  sha,
		Bytes:   size,
		Profile: o.Profile.Name,
		Window:  o.Window,
		Country: st.country,
	}
	if doc != nil {
		rep.Pages = doc.PageCount
	}
	base := Pass{
		Ctx: ctx, File: name, Size: size, Doc: doc, OpenErr: openErr,
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
			// A rule that fails on a file is a finding about the file,
			// not a reason to give up on the other rules.
			pass.Report(Finding{Rule: "pdf.unreadable", Severity: Error,
				Message: fmt.Sprintf("check %s could not finish: %v", r.ID, err),
				Fix:     "export the PDF again from the program that made it"})
		}
	}
	sort.SliceStable(st.findings, func(a, b int) bool {
		fa, fb := st.findings[a], st.findings[b]
		if fa.f.Page != fb.f.Page {
			return fa.f.Page < fb.f.Page
		}
		return fa.rule < fb.rule
	})
	for _, f := range st.findings {
		rep.Findings = append(rep.Findings, f.f)
	}
	rep.Country = st.country
	rep.Address = st.address.report()
	rep.OK = !hasError()
	return rep, nil
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
