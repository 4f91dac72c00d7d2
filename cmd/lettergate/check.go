package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

type checkFlags struct {
	profileFlags
	country string
	format  string
	failOn  string
	jobs    int
	preview string
	split   string

	maxFileMB      int64
	maxStreamMB    int64
	maxDecodedMB   int64
	maxImageMP     int64
	maxOperators   int
	maxFormDepth   int
	maxObjects     int
	timeoutPerFile time.Duration
}

func newCheckCmd(e *env) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [flags] FILE|DIR|GLOB...",
		Short: "Check letter PDFs against the print service's rules",
		Long: `Check letter PDFs against the rules of a print-and-mail profile (default:
pingen): page format, blank border and corner zones, the reserved postal block
and the recipient address in the envelope window, page and size limits, fonts
and interactive content. Each problem is explained in millimetres from the
top-left corner of the page.

Folders are searched for *.pdf files; a quoted glob is expanded. Files are
checked in parallel and reported as they finish; one broken file never stops
the others.

A continuous batch file (several letters in one PDF, as Pingen accepts for
batches) is checked letter by letter with --split: every:N starts a letter
every N pages; address starts one on page 1 and on each page whose address
area holds text while the rest of the reserved block around it is blank
(a continuation page whose text runs through the window has ink in the
postage area above it). The page-1 rules then apply to each letter's first
page, each letter is held to the page limit of its own destination, and
findings name the letter.

Exit status: 0 when every file is fine, 1 when some file has an error finding
(or a warning, with --fail-on warning), 2 when the check could not run.`,
		Example: `  lettergate check letter.pdf
  lettergate check --window right --country DE --format json invoices/
  lettergate check --format junit 'letters/*.pdf' > report.xml
  lettergate check --split every:2 batch.pdf`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd, e, &f, args)
		},
	}
	fs := cmd.Flags()
	f.register(fs, true)
	fs.StringVar(&f.country, "country", "", "destination country, ISO code such as CH or DE (default: from the address, else the profile's domestic country)")
	fs.StringVar(&f.format, "format", "text", "output format: text, json (one report per line) or junit")
	fs.StringVar(&f.failOn, "fail-on", "error", "exit 1 on findings of this severity or worse: error or warning")
	fs.IntVar(&f.jobs, "jobs", runtime.GOMAXPROCS(0), "files checked at the same time")
	fs.StringVar(&f.preview, "preview", "", "write a PNG of every page with a finding into `DIR`, with the zones and findings drawn (see lettergate preview)")
	fs.StringVar(&f.split, "split", "", "check each file as a batch of letters: every:N (a letter every N pages), address (a letter on each page with an address) or first:1,3,7 (the first page of each letter)")
	l := pdfdoc.DefaultLimits
	fs.Int64Var(&f.maxFileMB, "max-file-mb", 256, "limit: largest file read, in MB")
	fs.Int64Var(&f.maxStreamMB, "max-stream-mb", l.MaxStreamBytes>>20, "limit: decoded size of one stream, in MB")
	fs.Int64Var(&f.maxDecodedMB, "max-decoded-mb", l.MaxFileBytes>>20, "limit: decoded size of all streams of a file, in MB")
	fs.Int64Var(&f.maxImageMP, "max-image-mp", l.MaxImagePixels/1_000_000, "limit: pixels of one image, in megapixels")
	fs.IntVar(&f.maxOperators, "max-operators", l.MaxOperators, "limit: content operators on one page, forms counted each time drawn")
	fs.IntVar(&f.maxFormDepth, "max-form-depth", l.MaxFormDepth, "limit: nesting depth of forms (Form XObjects)")
	fs.IntVar(&f.maxObjects, "max-objects", l.MaxObjects, "limit: objects on one page as PDFium lists them, those inside forms included")
	fs.DurationVar(&f.timeoutPerFile, "timeout", l.Timeout, "limit: time to check one file, from reading it to its last page")
	for _, name := range []string{"max-file-mb", "max-stream-mb", "max-decoded-mb", "max-image-mp", "max-operators", "max-form-depth", "max-objects", "timeout"} {
		fs.SetAnnotation(name, "limit", []string{"true"})
	}
	return cmd
}

func (f *checkFlags) options(cmd *cobra.Command) (preflight.Options, error) {
	profile, window, err := f.resolve(cmd)
	if err != nil {
		return preflight.Options{}, err
	}
	for name, v := range map[string]int64{
		"--max-file-mb": f.maxFileMB, "--max-stream-mb": f.maxStreamMB, "--max-decoded-mb": f.maxDecodedMB,
		"--max-image-mp": f.maxImageMP, "--max-operators": int64(f.maxOperators), "--max-form-depth": int64(f.maxFormDepth),
		"--max-objects": int64(f.maxObjects), "--timeout": int64(f.timeoutPerFile),
	} {
		if v <= 0 {
			return preflight.Options{}, fmt.Errorf("%s must be positive", name)
		}
	}
	split, err := preflight.ParseSplit(f.split)
	if err != nil {
		return preflight.Options{}, fmt.Errorf("--%w", err)
	}
	opts := preflight.Options{
		Profile: profile, Window: window, Country: f.country, Split: split,
		MaxReadBytes: f.maxFileMB << 20,
		Limits: pdfdoc.Limits{
			MaxStreamBytes: f.maxStreamMB << 20,
			MaxFileBytes:   f.maxDecodedMB << 20,
			MaxImagePixels: f.maxImageMP * 1_000_000,
			MaxOperators:   f.maxOperators,
			MaxFormDepth:   f.maxFormDepth,
			MaxObjects:     f.maxObjects,
			Timeout:        f.timeoutPerFile,
		},
	}
	return opts, opts.Validate()
}

func runCheck(cmd *cobra.Command, e *env, f *checkFlags, args []string) error {
	opts, err := f.options(cmd)
	if err != nil {
		return err
	}
	failOnWarning, err := parseFailOn(f.failOn)
	if err != nil {
		return err
	}
	if f.jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1")
	}
	out, err := newReportWriter(f.format, e, failOnWarning)
	if err != nil {
		return err
	}
	// Every argument must name something before any file is checked, so
	// that a typo is exit status 2 and not a report with a hole.
	files, err := expandArgs(args)
	if err != nil {
		return err
	}

	var previews *previewWriter
	if f.preview != "" {
		if err := os.MkdirAll(f.preview, 0o755); err != nil {
			return fmt.Errorf("--preview: %w", err)
		}
		previews = &previewWriter{dir: f.preview, profile: opts.Profile, window: opts.Window}
	}

	sum := newSummary(failOnWarning)
	bar := newProgress(e, len(files), "files")
	var readErrs []string
	for res := range checkAll(cmd.Context(), files, opts, f.jobs, previews) {
		if res.err != nil {
			// The file went away or cannot be read: say so, go on.
			bar.clear()
			fmt.Fprintf(e.stderr, "lettergate: %s: %v\n", res.name, unwrapPathError(res.err))
			readErrs = append(readErrs, res.name)
			bar.step(false)
			continue
		}
		sum.add(res.rep)
		bar.clear()
		if err := out.write(res.rep); err != nil {
			return err
		}
		if res.previewErr != nil {
			fmt.Fprintf(e.stderr, "lettergate: %s: preview: %v\n", res.name, res.previewErr)
		}
		bar.step(failing(res.rep, failOnWarning))
	}
	bar.clear()
	if err := cmd.Context().Err(); err != nil {
		return fmt.Errorf("interrupted after %d of %d files", sum.files, len(files))
	}
	if err := out.close(); err != nil {
		return err
	}
	if len(files) > 1 {
		w := e.stdout
		if f.format != "text" {
			w = e.stderr // stdout stays machine-readable
		}
		sum.write(w)
	}
	switch {
	case len(readErrs) > 0:
		return fmt.Errorf("%d %s could not be checked", len(readErrs), pluralize(len(readErrs), "file", "files"))
	case sum.failed > 0:
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

type checkResult struct {
	name       string
	rep        *preflight.Report
	err        error
	previewErr error
}

// checkAll checks files with jobs workers and delivers the results as they
// finish. Memory stays bounded: each worker holds one file at a time.
func checkAll(ctx context.Context, files []string, opts preflight.Options, jobs int, previews *previewWriter) <-chan checkResult {
	// In a batch PDFium is all but certainly needed: start it while the
	// first files' structure is read. A single file starts it only once it
	// passes the structural rules, so a broken file never pays for it. A
	// failed start fails the files' OpenRaster again, which reports it.
	if len(files) > 1 {
		go pdfdoc.StartEngine(ctx)
	}
	names := make(chan string)
	results := make(chan checkResult)
	go func() {
		defer close(names)
		for _, n := range files {
			select {
			case names <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(jobs, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range names {
				res := checkResult{name: n}
				res.rep, res.err = preflight.CheckFile(ctx, n, opts)
				if res.err == nil && previews != nil {
					res.previewErr = previews.write(ctx, n, res.rep)
				}
				if ctx.Err() != nil {
					return
				}
				results <- res
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	return results
}

// expandArgs turns the arguments into the files to check: files as given,
// folders searched for *.pdf, globs expanded. Each argument must match
// something.
func expandArgs(args []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, arg := range args {
		paths := []string{arg}
		if _, err := os.Stat(arg); err != nil && strings.ContainsAny(arg, "*?[") {
			m, gerr := filepath.Glob(arg)
			if gerr != nil {
				return nil, fmt.Errorf("%s: %w", arg, gerr)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: no files match", arg)
			}
			paths = m
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
			}
			if !st.IsDir() {
				add(p)
				continue
			}
			found, err := pdfsIn(p)
			if err != nil {
				return nil, err
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("%s: no PDF files in this folder", p)
			}
			for _, f := range found {
				add(f)
			}
		}
	}
	return files, nil
}

// pdfsIn lists the *.pdf files under dir, in lexical order.
func pdfsIn(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".pdf") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// failing reports whether rep makes check exit with status 1.
func failing(rep *preflight.Report, failOnWarning bool) bool {
	if !rep.OK {
		return true
	}
	return failOnWarning && len(rep.Findings) > 0
}

// unwrapPathError drops the operation and path of an *os.PathError, which
// the caller already names.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// summary counts a batch: files, pages, passed, failed, and files by rule.
type summary struct {
	failOnWarning        bool
	files, pages, failed int
	errs, warns          int
	byRule               map[string]int // files with a finding of the rule
	letters, lettersOK   int            // of split files
}

func newSummary(failOnWarning bool) *summary {
	return &summary{failOnWarning: failOnWarning, byRule: map[string]int{}}
}

func (s *summary) add(r *preflight.Report) {
	s.files++
	s.pages += r.Pages
	if failing(r, s.failOnWarning) {
		s.failed++
	}
	for _, l := range r.Letters {
		s.letters++
		if l.OK {
			s.lettersOK++
		}
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity == preflight.Error {
			s.errs++
		} else {
			s.warns++
		}
		if !seen[f.Rule] {
			seen[f.Rule] = true
			s.byRule[f.Rule]++
		}
	}
}

func (s *summary) write(w io.Writer) {
	fmt.Fprintf(w, "\n%d files checked, %d %s: %d ok, %d failed", s.files, s.pages, pluralize(s.pages, "page", "pages"), s.files-s.failed, s.failed)
	if counts := severityCounts(s.errs, s.warns); counts != "" {
		fmt.Fprintf(w, " (%s)", counts)
	}
	fmt.Fprintln(w)
	if s.letters > 0 {
		fmt.Fprintf(w, "%d %s in split files: %d ok, %d failed\n", s.letters, pluralize(s.letters, "letter", "letters"), s.lettersOK, s.letters-s.lettersOK)
	}
	if len(s.byRule) == 0 {
		return
	}
	var parts []string
	for _, r := range preflight.Rules() {
		if n := s.byRule[r.ID]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r.ID, n))
		}
	}
	fmt.Fprintf(w, "files by rule: %s\n", strings.Join(parts, ", "))
}
