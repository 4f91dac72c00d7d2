package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/render"
	"github.com/lettergate/lettergate/templates"
)

type renderFlags struct {
	profileFlags
	template string
	data     string
	sets     []string
	lang     string
	date     string
	out      string
	outDir   string
	name     string
	merge    bool
	noCheck  bool
}

func newRenderCmd(e *env) *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render --template NAME|FILE [--data FILE] -o OUT.pdf",
		Short: "Render letters from a template and check them before writing",
		Long: `Render a letter from a template (a built-in one, see 'lettergate templates',
or a template file) and data (JSON or YAML; - reads standard input). The
recipient address goes into the envelope window of the profile and nothing is
set in its blank zones. Each PDF is checked like 'lettergate check' before it
is written; one that fails is not written and its findings are printed, unless
--no-check. A built-in template without --data uses its sample data.

With --out-dir or --merge, --data is JSON Lines, one letter a line: --out-dir
writes one PDF per letter, named by the template's output expression or
--name; --merge writes all letters into the one PDF given with -o.

Exit status: 0 when everything was written, 1 when some letter failed the
check, 2 when rendering could not run (bad template, data or flags).`,
		Example: `  lettergate render --template reminder -o reminder.pdf
  lettergate render --template invoice --data invoice.json --lang fr --window right -o invoice.pdf
  lettergate render --template letter.yaml --data - --set date=2026-11-27 -o letter.pdf < data.yaml
  lettergate render --template reminder --data reminders.jsonl --out-dir out --name '{{.customer.number}}'
  lettergate render --template reminder --data reminders.jsonl --merge -o batch.pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRender(cmd, e, &f)
		},
	}
	fs := cmd.Flags()
	f.register(fs, true)
	fs.StringVar(&f.template, "template", "", "built-in template name or template `FILE` (YAML)")
	fs.StringVar(&f.data, "data", "", "data `FILE`: JSON or YAML, JSON Lines with --out-dir or --merge; - for standard input")
	fs.StringArrayVar(&f.sets, "set", nil, "override a data value, `key.path=value` (repeatable)")
	fs.StringVar(&f.lang, "lang", "", "language de, fr or en, or a locale such as de-DE (default: the template's first)")
	fs.StringVar(&f.date, "date", "", "letter date, `YYYY-MM-DD` (default: the data's date)")
	fs.StringVarP(&f.out, "output", "o", "", "output PDF `FILE`; - for standard output")
	fs.StringVar(&f.outDir, "out-dir", "", "write one PDF per record into `DIR`")
	fs.StringVar(&f.name, "name", "", "file name of each record's PDF, a template expression such as '{{.invoice.number}}' (default: the template's output)")
	fs.BoolVar(&f.merge, "merge", false, "write all records into the one PDF given with -o")
	fs.BoolVar(&f.noCheck, "no-check", false, "write the PDF without checking it")
	_ = cmd.MarkFlagRequired("template")
	return cmd
}

// renderJob is what every letter of a run shares.
type renderJob struct {
	e       *env
	f       *renderFlags
	tmpl    *render.Template
	builtin bool
	opts    render.Options
	inputs  []string // files that must never be overwritten
}

func runRender(cmd *cobra.Command, e *env, f *renderFlags) error {
	ctx := cmd.Context()
	profile, window, err := f.resolve(cmd)
	if err != nil {
		return err
	}
	j := &renderJob{e: e, f: f, opts: render.Options{Profile: profile, Window: window, Lang: f.lang, Output: f.name}}
	if f.date != "" {
		d, err := time.Parse("2006-01-02", f.date)
		if err != nil {
			return fmt.Errorf("--date %q: want YYYY-MM-DD", f.date)
		}
		j.opts.Date = d
	}
	if j.tmpl, j.builtin, err = loadTemplate(f.template); err != nil {
		return err
	}
	// the language, window and --name are known to be good before any
	// data is read
	if _, err := render.NewDocument(j.tmpl, j.opts); err != nil {
		return err
	}
	if !j.builtin {
		j.inputs = append(j.inputs, f.template)
	}
	if f.data != "" && f.data != "-" {
		j.inputs = append(j.inputs, f.data)
	}
	if f.name != "" && f.outDir == "" {
		return errors.New("--name names the files of --out-dir")
	}
	batch := f.outDir != "" || f.merge
	switch {
	case f.outDir != "" && f.merge:
		return errors.New("give --out-dir or --merge, not both")
	case f.outDir != "" && f.out != "":
		return errors.New("--out-dir names its files itself; leave out -o")
	case !batch && f.out == "":
		return errors.New("give the output file with -o (or - for standard output)")
	case f.merge && (f.out == "" || f.out == "-"):
		return errors.New("--merge needs an output file with -o")
	case batch && f.data == "":
		return errors.New("--out-dir and --merge render the records of --data FILE (JSON Lines)")
	case !batch && isJSONLines(f.data):
		return fmt.Errorf("%s holds one letter a line: give --out-dir DIR or --merge -o FILE", f.data)
	}
	if f.out != "" && f.out != "-" {
		if err := j.notInput(f.out); err != nil {
			return err
		}
	}
	if !batch {
		return j.single(ctx)
	}
	return j.batch(ctx)
}

// loadTemplate reads a template file, or a built-in template when no such
// file exists.
func loadTemplate(name string) (*render.Template, bool, error) {
	if st, err := os.Stat(name); err == nil && !st.IsDir() {
		t, err := render.LoadFile(name)
		return t, false, err
	}
	for _, n := range templates.Names() {
		if n == name {
			t, err := templates.Load(name)
			return t, true, err
		}
	}
	if strings.ContainsAny(name, `/\`) || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
		return nil, false, fmt.Errorf("%s: no such template file", name)
	}
	return nil, false, fmt.Errorf("no template %q: neither a file nor built in (built in: %s)", name, strings.Join(templates.Names(), ", "))
}

func isJSONLines(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".jsonl" || ext == ".ndjson"
}

// notInput refuses to write over the template or the data.
func (j *renderJob) notInput(out string) error {
	ost, err := os.Stat(out)
	if err != nil {
		return nil // a new file
	}
	for _, in := range j.inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(ist, ost) {
			return fmt.Errorf("%s is an input of this run; it will not be overwritten", out)
		}
	}
	return nil
}

// open returns the data input: a file, or standard input for -.
func (j *renderJob) open() (io.ReadCloser, error) {
	if j.f.data == "-" {
		return io.NopCloser(j.e.stdin), nil
	}
	return os.Open(j.f.data)
}

// prepare applies the --set overrides to one letter's data.
func (j *renderJob) prepare(data map[string]any) error {
	for _, s := range j.f.sets {
		if err := render.Set(data, s); err != nil {
			return err
		}
	}
	return nil
}

// messages is where status lines go: standard output, unless it carries
// the PDF.
func (j *renderJob) messages() io.Writer {
	if j.f.out == "-" {
		return j.e.stderr
	}
	return j.e.stdout
}

func (j *renderJob) single(ctx context.Context) error {
	var data map[string]any
	var err error
	switch {
	case j.f.data != "":
		r, err := j.open()
		if err != nil {
			return fmt.Errorf("--data: %w", err)
		}
		data, err = render.ReadData(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", dataName(j.f.data), err)
		}
	case j.builtin:
		if data, err = templates.Sample(j.tmpl.Name(), j.langOrDefault()); err != nil {
			return err
		}
	default:
		return errors.New("give the letter's data with --data FILE (or - for standard input)")
	}
	if err := j.prepare(data); err != nil {
		return err
	}
	pdf, info, err := render.Render(ctx, j.tmpl, data, j.opts)
	if err != nil {
		return err
	}
	name := j.f.out
	if name == "-" {
		name = "letter.pdf"
	}
	rep, err := j.check(ctx, name, pdf, info.Country)
	if err != nil {
		return err
	}
	if rep != nil && (!rep.OK || len(rep.Findings) > 0) {
		tw := &textWriter{w: j.messages(), color: useColor(j.e) && j.f.out != "-"}
		if err := tw.write(rep); err != nil {
			return err
		}
		if !rep.OK {
			return &exitCodeError{code: exitFindings, err: fmt.Errorf("%s not written: the letter fails the check", name)}
		}
	}
	if j.f.out == "-" {
		_, err = j.e.stdout.Write(pdf)
		return err
	}
	if err := writeAtomic(j.f.out, pdf); err != nil {
		return err
	}
	fmt.Fprintf(j.messages(), "wrote %s: %s\n", j.f.out, j.describe(info, rep))
	return nil
}

func (j *renderJob) langOrDefault() string {
	if j.f.lang != "" {
		return j.f.lang
	}
	return j.tmpl.Languages()[0]
}

func dataName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// describe sums up a written letter.
func (j *renderJob) describe(info render.Letter, rep *preflight.Report) string {
	s := fmt.Sprintf("%d %s, to %s", info.Pages, pluralize(info.Pages, "page", "pages"), info.Country)
	if rep == nil {
		return s + ", not checked (--no-check)"
	}
	return s + fmt.Sprintf(", checked against profile %s, %s window: ok", rep.Profile, rep.Window)
}

// check runs the pre-flight check on a rendered PDF; nil with --no-check.
func (j *renderJob) check(ctx context.Context, name string, pdf []byte, country string) (*preflight.Report, error) {
	if j.f.noCheck {
		return nil, nil
	}
	return preflight.Check(ctx, name, pdf, preflight.Options{Profile: j.opts.Profile, Window: j.opts.Window, Country: country})
}

// record is one line of a JSON Lines batch.
type record struct {
	n    int // line-based record number, 1-based
	data map[string]any
}

// records reads the batch input, counting the lines first when it is a
// file, so that the progress line can show the total.
func (j *renderJob) records(ctx context.Context) (<-chan record, func() error, int) {
	total := 0
	if j.f.data != "-" {
		if fh, err := os.Open(j.f.data); err == nil {
			sc := bufio.NewScanner(fh)
			sc.Buffer(make([]byte, 64<<10), 64<<20)
			for sc.Scan() {
				if len(bytes.TrimSpace(sc.Bytes())) > 0 {
					total++
				}
			}
			fh.Close()
		}
	}
	ch := make(chan record)
	var rerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		r, err := j.open()
		if err != nil {
			rerr = fmt.Errorf("--data: %w", err)
			return
		}
		defer r.Close()
		n := 0
		for data, err := range render.ReadRecords(r) {
			if err != nil {
				rerr = fmt.Errorf("%s: %w", dataName(j.f.data), err)
				return
			}
			n++
			select {
			case ch <- record{n, data}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, func() error { <-done; return rerr }, total
}

func (j *renderJob) batch(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	recs, readErr, total := j.records(ctx)
	prog := newProgress(j.e, total, "letters")
	if j.f.merge {
		return j.merged(ctx, recs, readErr, prog)
	}
	if err := os.MkdirAll(j.f.outDir, 0o755); err != nil {
		return err
	}

	type result struct {
		n        int
		name     string
		err      error
		rep      *preflight.Report
		rendered bool
	}
	results := make(chan result)
	var wg sync.WaitGroup
	var names sync.Map // file name -> record number, to refuse duplicates
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rec := range recs {
				res := result{n: rec.n}
				res.name, res.rep, res.err = j.one(ctx, rec, &names)
				res.rendered = res.err == nil
				select {
				case results <- res:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var written, failed, broken int
	for res := range results {
		prog.step(res.err != nil || res.rep != nil && !res.rep.OK)
		switch {
		case res.err != nil:
			broken++
			// a mistake that hits every record is said ten times, not
			// a thousand
			if broken <= maxRecordErrors {
				prog.clear()
				fmt.Fprintf(j.e.stderr, "lettergate: record %d: %s\n", res.n, oneLine(res.err.Error()))
			}
		case res.rep != nil && !res.rep.OK:
			failed++
			prog.clear()
			tw := &textWriter{w: j.e.stdout, color: useColor(j.e)}
			if err := tw.write(res.rep); err != nil {
				return err
			}
			fmt.Fprintf(j.e.stdout, "  record %d: %s not written\n", res.n, res.name)
		default:
			written++
		}
	}
	prog.clear()
	if err := readErr(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(j.e.stdout, "wrote %d %s to %s", written, pluralize(written, "letter", "letters"), j.f.outDir)
	if failed > 0 {
		fmt.Fprintf(j.e.stdout, "; %d failed the check and %s not written", failed, pluralize(failed, "was", "were"))
	}
	if broken > 0 {
		fmt.Fprintf(j.e.stdout, "; %d could not be rendered", broken)
		if broken > maxRecordErrors {
			fmt.Fprintf(j.e.stdout, " (the first %d are shown)", maxRecordErrors)
		}
	}
	if j.f.noCheck {
		fmt.Fprint(j.e.stdout, " (not checked: --no-check)")
	}
	fmt.Fprintln(j.e.stdout)
	switch {
	case broken > 0:
		return &exitCodeError{code: exitError}
	case failed > 0:
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// maxRecordErrors is how many records' errors a batch prints.
const maxRecordErrors = 10

// one renders, checks and writes the PDF of one record of an --out-dir
// run. A record that fails the check is not written.
func (j *renderJob) one(ctx context.Context, rec record, names *sync.Map) (string, *preflight.Report, error) {
	if err := j.prepare(rec.data); err != nil {
		return "", nil, err
	}
	pdf, info, err := render.Render(ctx, j.tmpl, rec.data, j.opts)
	if err != nil {
		return "", nil, err
	}
	name, err := fileName(info.Output, rec.n)
	if err != nil {
		return "", nil, err
	}
	if prev, dup := names.LoadOrStore(name, rec.n); dup {
		return "", nil, fmt.Errorf("file name %s is also record %d's; make --name unique", name, prev)
	}
	path := filepath.Join(j.f.outDir, name)
	rep, err := j.check(ctx, path, pdf, info.Country)
	if err != nil {
		return "", nil, err
	}
	if rep != nil && !rep.OK {
		return name, rep, nil
	}
	if err := j.notInput(path); err != nil {
		return "", nil, err
	}
	return name, rep, writeAtomic(path, pdf)
}

// fileName makes a record's PDF file name from the output expression's
// result: one plain name, ".pdf" added when missing.
func fileName(out string, n int) (string, error) {
	out = strings.TrimSpace(out)
	if out == "" || out == ".pdf" {
		out = fmt.Sprintf("letter-%04d.pdf", n)
	}
	if strings.ContainsAny(out, `/\`+"\x00") || out == "." || out == ".." || strings.HasPrefix(out, ".") {
		return "", fmt.Errorf("file name %q: want a plain file name, without folders", out)
	}
	if !strings.EqualFold(filepath.Ext(out), ".pdf") {
		out += ".pdf"
	}
	return out, nil
}

func (j *renderJob) merged(ctx context.Context, recs <-chan record, readErr func() error, prog *progress) error {
	doc, err := render.NewDocument(j.tmpl, j.opts)
	if err != nil {
		return err
	}
	type letterInfo struct {
		n, first int
		info     render.Letter
	}
	var letters []letterInfo
	page := 1
	for rec := range recs {
		if err := j.prepare(rec.data); err != nil {
			return fmt.Errorf("record %d: %w", rec.n, err)
		}
		info, err := doc.Add(ctx, rec.data)
		if err != nil {
			prog.clear()
			return fmt.Errorf("record %d: %w", rec.n, err)
		}
		letters = append(letters, letterInfo{rec.n, page, info})
		page += info.Pages
		prog.step(false)
	}
	prog.clear()
	if err := readErr(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(letters) == 0 {
		return fmt.Errorf("%s: no records", dataName(j.f.data))
	}
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return err
	}
	pdf := buf.Bytes()
	var rep *preflight.Report
	if !j.f.noCheck {
		// Checked as the batch it is: the page-1 rules on each letter's
		// first page, each letter's page count against the limit of its own
		// destination, which the check reads from its address.
		firsts := make([]int, len(letters))
		for i, l := range letters {
			firsts[i] = l.first
		}
		rep, err = preflight.Check(ctx, j.f.out, pdf, preflight.Options{
			Profile: j.opts.Profile, Window: j.opts.Window,
			Split: preflight.Split{First: firsts},
			// A batch takes longer than one letter: allow the default per
			// file, or 50 ms a page, whichever is more.
			Limits: pdfdoc.Limits{Timeout: max(pdfdoc.DefaultLimits.Timeout, time.Duration(page-1)*50*time.Millisecond)},
		})
		if err != nil {
			return err
		}
		if !rep.OK || len(rep.Findings) > 0 {
			tw := &textWriter{w: j.e.stdout, color: useColor(j.e)}
			if err := tw.write(rep); err != nil {
				return err
			}
		}
		if !rep.OK {
			return &exitCodeError{code: exitFindings, err: fmt.Errorf("%s not written: the merged letters fail the check", j.f.out)}
		}
	}
	if err := writeAtomic(j.f.out, pdf); err != nil {
		return err
	}
	checked := ", checked: ok"
	if rep == nil {
		checked = ", not checked (--no-check)"
	}
	fmt.Fprintf(j.e.stdout, "wrote %s: %d %s, %d pages%s\n", j.f.out, len(letters), pluralize(len(letters), "letter", "letters"), page-1, checked)
	return nil
}

// writeAtomic writes data to a temporary file beside name and renames it,
// so that a reader never sees half a PDF and a failed run leaves no file.
func writeAtomic(name string, data []byte) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
