package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/pingen"
	"github.com/lettergate/lettergate/preflight"
)

// sendSchema identifies the JSON records of send --format json.
const sendSchema = "lettergate.send/v1"

// maxSendBytes bounds what send reads into memory. Pingen takes at most
// 8 MB, so a larger file can only be refused; the bound keeps a mistaken
// argument (a disk image, say) from exhausting memory first.
const maxSendBytes = 256 << 20

type sendFlags struct {
	profileFlags
	country     string
	product     string
	duplex      bool
	color       bool
	autoSend    bool
	wait        bool
	waitTimeout time.Duration
	dryRun      bool
	again       bool
	format      string
	failOn      string
	pingenFlags
}

// pingenFlags are the flags of every command that talks to Pingen.
type pingenFlags struct {
	journal string
	verbose bool
}

func (pf *pingenFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&pf.journal, "journal", "", "journal `FILE` of submissions (default: lettergate/journal.jsonl in the user's data folder)")
	cmd.Flags().BoolVarP(&pf.verbose, "verbose", "v", false, "log every request to Pingen (method, path, status, request id) on standard error")
}

func newSendCmd(e *env) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send --window left|right --product P [flags] FILE...",
		Short: "Check letter PDFs and send the valid ones through Pingen",
		Long: `Check each PDF like 'lettergate check' and upload the ones without error
findings to Pingen as letters. A file with an error finding is refused: its
findings are printed and nothing of it is uploaded; the other files are still
sent.

Without --auto-send a letter is uploaded and validated by Pingen but waits there
until it is sent (by running the same command with --auto-send, or in Pingen's
app). With --auto-send lettergate waits for Pingen's verdict and sends the
letter when Pingen found it valid. --wait waits for the verdict without sending.
Pingen's verdict is printed next to lettergate's; when Pingen refuses a letter
lettergate passed, that is said loudly, with Pingen's events.

Credentials come from the environment only: PINGEN_CLIENT_ID,
PINGEN_CLIENT_SECRET (or PINGEN_CLIENT_SECRET_FILE), PINGEN_ORGANISATION_ID, and
PINGEN_ENV=staging|production (default staging, where nothing is printed).

A journal records every submission before it reaches Pingen, so running the same
command again (after an error, a crash or Ctrl-C) continues where it stopped
and never creates a second letter for the same file and options in the same
Pingen environment and organisation.

Exit status: 0 when every file went to Pingen and Pingen did not refuse it, 1
when the check refused a file or Pingen refused one, 2 when the command could
not run or a file could not be sent (run it again to resume).`,
		Example: `  lettergate send --window left --product cheap --dry-run invoice.pdf
  lettergate send --window left --product cheap --wait invoice.pdf
  PINGEN_ENV=production lettergate send --window right --product fast --duplex --auto-send letters/*.pdf`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSend(cmd, e, &f, args)
		},
	}
	fs := cmd.Flags()
	f.profileFlags.register(fs, true)
	fs.Lookup("window").Usage = "envelope window the address is laid out for: left or right (required; it becomes Pingen's address_position)"
	fs.StringVar(&f.country, "country", "", "destination country for the check, ISO code such as CH or DE (default: from the address, else the profile's domestic country)")
	generic, _ := knownProducts()
	fs.StringVar(&f.product, "product", "", "delivery product (required): "+strings.Join(generic, ", ")+", or a carrier-specific one such as postag_b")
	fs.BoolVar(&f.duplex, "duplex", false, "print on both sides of the sheet (default: one side)")
	fs.BoolVar(&f.color, "color", false, "print in colour (default: grayscale)")
	fs.BoolVar(&f.autoSend, "auto-send", false, "send each letter as soon as Pingen has found it valid (implies --wait)")
	fs.BoolVar(&f.wait, "wait", false, "wait for Pingen's verdict and print it next to lettergate's")
	fs.DurationVar(&f.waitTimeout, "wait-timeout", 10*time.Minute, "how long to wait for Pingen's verdict per letter")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check, and show the requests that would be sent, without sending anything (needs no credentials)")
	fs.BoolVar(&f.again, "new", false, "send a new letter even if the journal already has one for this file and these options")
	fs.StringVar(&f.format, "format", "text", "output format: text, or json (one object per file)")
	fs.StringVar(&f.failOn, "fail-on", "error", "refuse files with findings of this severity or worse: error or warning")
	f.pingenFlags.register(cmd)
	return cmd
}

// sendOutcome is what became of one file.
type sendOutcome string

const (
	outcomeRefused     sendOutcome = "refused"     // the check failed: nothing uploaded
	outcomeSent        sendOutcome = "sent"        // a letter exists in Pingen
	outcomeFailed      sendOutcome = "failed"      // an error; a re-run resumes
	outcomePlanned     sendOutcome = "planned"     // --dry-run
	outcomeInterrupted sendOutcome = "interrupted" // Ctrl-C; a re-run resumes
)

// sendResult is one file's check and submission.
type sendResult struct {
	file    string
	rep     *preflight.Report
	outcome sendOutcome
	letter  pingen.Letter // ID empty when no letter is known
	resumed bool
	// refused: Pingen's validation refused the letter, so it will not be
	// sent as it is.
	refused bool
	err     error
	plan    *pingen.Plan
	// events explain a letter Pingen refused; eventsErr says why they are
	// missing.
	events    []pingen.Event
	eventsErr error
}

// falsePass reports whether Pingen refused a file lettergate's check passed.
// Only files that passed are sent, so every refusal is one.
func (r *sendResult) falsePass() bool {
	return r.outcome == outcomeSent && r.refused
}

func runSend(cmd *cobra.Command, e *env, f *sendFlags, args []string) error {
	// Every flag is checked before a file is read or a request made, so
	// that a mistake costs nothing.
	if !cmd.Flags().Changed("window") {
		return errors.New("--window is required: left or right, the envelope window the letters are laid out for")
	}
	profile, window, err := f.resolve(cmd)
	if err != nil {
		return err
	}
	pos := pingen.AddressPosition(window)
	if pos != pingen.AddressLeft && pos != pingen.AddressRight {
		return fmt.Errorf("window %q of profile %s is not one of Pingen's address positions (left, right)", window, profile.Name)
	}
	product, err := checkProduct(f.product)
	if err != nil {
		return err
	}
	failOnWarning, err := parseFailOn(f.failOn)
	if err != nil {
		return err
	}
	if f.format != "text" && f.format != "json" {
		return fmt.Errorf("--format %q: want text or json", f.format)
	}
	if f.waitTimeout <= 0 {
		return errors.New("--wait-timeout must be positive")
	}
	checkOpts := preflight.Options{Profile: profile, Window: window, Country: f.country}
	if err := checkOpts.Validate(); err != nil {
		return err
	}
	if err := statFiles(args); err != nil {
		return err
	}

	var (
		client *pingen.Client
		cfg    pingen.Config
	)
	if f.dryRun {
		// A dry run shows the requests without credentials, for the
		// environment PINGEN_ENV names; with them the URLs name the
		// organisation too.
		var cerr error
		cfg, cerr = pingen.ConfigFromEnv(e.getenv)
		if envLabel(cfg) == invalidEnv {
			return credentialsHint(cerr) // nothing to plan for
		}
		if cerr == nil {
			client, cerr = pingen.New(cfg)
		}
		if cerr != nil {
			fmt.Fprintf(e.stderr, "lettergate: note: a real send would stop here: %s\n", oneLine(credentialsHint(cerr).Error()))
		}
	} else if client, cfg, err = newPingenClient(e, f.verbose); err != nil {
		return err
	}
	journal, _, err := openJournal(e, f.journal, !f.dryRun)
	if err != nil && !(f.dryRun && f.journal == "") {
		return err // a dry run without a default journal plans without one
	}
	if journal != nil {
		defer journal.Close()
	}

	s := &sender{
		e: e, f: f, cfg: cfg, env: envLabel(cfg), checkOpts: checkOpts, failOnWarning: failOnWarning,
		sub: &pingen.Submitter{Client: client, Journal: journal, WaitTimeout: f.waitTimeout},
		options: pingen.LetterOptions{
			AddressPosition: pos, Product: product,
			PrintMode: pingen.Simplex, Spectrum: pingen.Grayscale,
		},
		tw: &textWriter{w: e.stdout, color: useColor(e), failOnWarning: failOnWarning},
	}
	if f.duplex {
		s.options.PrintMode = pingen.Duplex
	}
	if f.color {
		s.options.Spectrum = pingen.Color
	}
	if f.format == "json" {
		s.enc = json.NewEncoder(e.stdout)
		s.enc.SetEscapeHTML(false)
	}
	return s.run(cmd.Context(), args)
}

// sender runs one send command over its files.
type sender struct {
	e             *env
	f             *sendFlags
	cfg           pingen.Config // without credentials in a dry run
	env           string        // staging or production
	checkOpts     preflight.Options
	failOnWarning bool
	sub           *pingen.Submitter
	options       pingen.LetterOptions
	tw            *textWriter
	enc           *json.Encoder // nil: text output

	counts map[sendOutcome]int
	pass   int // letters Pingen refused although the check passed them
}

func (s *sender) run(ctx context.Context, files []string) error {
	s.counts = map[sendOutcome]int{}
	for _, file := range files {
		r := s.one(ctx, file)
		s.counts[r.outcome]++
		if r.falsePass() {
			s.pass++
		}
		if err := s.write(r); err != nil {
			return err
		}
		if r.err != nil && r.outcome != outcomeRefused {
			fmt.Fprintf(s.e.stderr, "lettergate: %s: %s\n", file, oneLine(r.err.Error()))
		}
		if r.outcome == outcomeInterrupted {
			break
		}
	}
	s.summary(len(files))
	resume := "run the same command again to resume (the journal keeps it from sending anything twice)"
	if s.f.again {
		// --new again would start yet another letter, beside the one the
		// failed run may have made.
		resume = "run the same command again without --new to resume (with --new it would start yet another letter)"
	}
	switch {
	case s.counts[outcomeInterrupted] > 0:
		return errors.New("interrupted; " + resume)
	case s.counts[outcomeFailed] > 0:
		n := s.counts[outcomeFailed]
		return fmt.Errorf("%d %s could not be sent; %s", n, pluralize(n, "file", "files"), resume)
	case s.counts[outcomeRefused] > 0 || s.pass > 0:
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// one checks a file and, if it passes, submits it (or plans to).
func (s *sender) one(ctx context.Context, file string) *sendResult {
	r := &sendResult{file: file}
	data, err := readForSend(file)
	if err != nil {
		r.outcome, r.err = outcomeFailed, err
		return r
	}
	r.rep, err = preflight.Check(ctx, file, data, s.checkOpts)
	if err != nil {
		r.outcome, r.err = outcomeFailed, err
		if ctx.Err() != nil {
			r.outcome = outcomeInterrupted
		}
		return r
	}
	if failing(r.rep, s.failOnWarning) {
		r.outcome = outcomeRefused
		return r
	}
	sub := pingen.Submission{
		FileName: filepath.Base(file), PDF: data, SHA256: r.rep.SHA256, Options: s.options,
		Wait: s.f.wait, Send: s.f.autoSend, New: s.f.again,
	}
	if s.f.dryRun {
		plan, err := s.sub.Plan(s.cfg, sub)
		if err != nil {
			r.outcome, r.err = outcomeFailed, err
			return r
		}
		r.outcome, r.plan = outcomePlanned, &plan
		return r
	}
	res, err := s.sub.Submit(ctx, sub)
	r.letter, r.resumed = res.Letter, res.Resumed
	switch {
	case errors.Is(err, pingen.ErrRefused):
		// The letter exists and Pingen has judged it: that is the result,
		// shown with Pingen's reasons.
		r.outcome, r.refused = outcomeSent, true
		r.events, r.eventsErr = s.sub.Client.LetterEvents(ctx, res.Letter.ID)
	case err != nil && ctx.Err() != nil:
		r.outcome, r.err = outcomeInterrupted, err
	case err != nil:
		r.outcome, r.err = outcomeFailed, err
	default:
		r.outcome = outcomeSent
	}
	return r
}

func (s *sender) write(r *sendResult) error {
	if s.enc != nil {
		return s.enc.Encode(s.record(r))
	}
	var b strings.Builder
	if r.rep != nil {
		if err := s.tw.write(r.rep); err != nil {
			return err
		}
	} else {
		// Not checked (unreadable, or interrupted): a header in the
		// check's layout, so that the file is named all the same.
		if s.tw.files > 0 {
			b.WriteString("\n")
		}
		s.tw.files++
		fmt.Fprintf(&b, "%s  %s\n", s.tw.paint(ansiRed+ansiBold, "error"), s.tw.paint(ansiBold, r.file))
	}
	ours := s.tw.paint(ansiGreen+ansiBold, "ok")
	if r.rep == nil {
		ours = "not checked"
	} else if failing(r.rep, s.failOnWarning) {
		ours = s.tw.paint(ansiRed+ansiBold, "FAIL")
	}
	fmt.Fprintf(&b, "  lettergate: %s  Pingen: ", ours)
	switch r.outcome {
	case outcomeRefused:
		b.WriteString("not sent\n")
	case outcomePlanned:
		b.WriteString("not sent (dry run)\n")
		s.writePlan(&b, r.plan)
	case outcomeFailed, outcomeInterrupted:
		if r.letter.ID == "" {
			fmt.Fprintf(&b, "%s (see the error below)\n", r.outcome)
			break
		}
		fmt.Fprintf(&b, "%s  (letter %s; %s, see the error below)\n", r.letter.Status, r.letter.ID, r.outcome)
	case outcomeSent:
		status := string(r.letter.Status)
		if r.falsePass() {
			status = s.tw.paint(ansiRed+ansiBold, status)
		}
		fmt.Fprintf(&b, "%s  (letter %s", status, r.letter.ID)
		if r.resumed {
			b.WriteString(", resumed from the journal")
		}
		b.WriteString(")\n")
		if r.falsePass() {
			s.writeFalsePass(&b, r)
		}
	}
	_, err := io.WriteString(s.e.stdout, b.String())
	return err
}

// writeFalsePass says that Pingen refused a letter lettergate passed, with
// what Pingen says about it: the user must act, and lettergate's rules have
// a gap.
func (s *sender) writeFalsePass(b *strings.Builder, r *sendResult) {
	fmt.Fprintf(b, "  %s lettergate passed this file but Pingen says %s: it will not be sent as it is.\n",
		s.tw.paint(ansiRed+ansiBold, "!! FALSE PASS:"), r.letter.Status)
	switch {
	case r.eventsErr != nil:
		fmt.Fprintf(b, "    Pingen's events could not be read: %s\n", oneLine(r.eventsErr.Error()))
	case len(r.events) > 0:
		b.WriteString("    Pingen's events:\n")
		writeEvents(b, "      ", r.events)
	}
	if a := allowed(r.letter); len(a) > 0 {
		fmt.Fprintf(b, "    Pingen allows now: %s\n", strings.Join(a, ", "))
	}
	b.WriteString("    Fix the PDF (or the letter in Pingen's app), and report the file to lettergate: its check missed a rule.\n")
}

func (s *sender) writePlan(b *strings.Builder, p *pingen.Plan) {
	fmt.Fprintf(b, "  would send to Pingen %s:\n", s.env)
	for i, st := range p.Steps {
		fmt.Fprintf(b, "    %d. %-5s %s\n", i+1, st.Method, st.URL)
		fmt.Fprintf(b, "             %s\n", st.Note)
		if len(st.Body) > 0 {
			fmt.Fprintf(b, "             %s\n", st.Body)
		}
	}
}

func (s *sender) summary(total int) {
	w := s.e.stdout
	if s.enc != nil {
		w = s.e.stderr // stdout stays machine-readable
	}
	var parts []string
	add := func(o sendOutcome, what string) {
		if n := s.counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	if s.f.dryRun {
		add(outcomePlanned, "would be sent to Pingen "+s.env)
	} else {
		verb := "uploaded to"
		if s.f.autoSend {
			verb = "sent to"
		}
		if n := s.counts[outcomeSent] - s.pass; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s Pingen %s", n, verb, s.env))
		}
		if s.pass > 0 {
			parts = append(parts, fmt.Sprintf("%d refused by Pingen after passing the check", s.pass))
		}
	}
	add(outcomeRefused, "refused by the check")
	add(outcomeFailed, "failed")
	add(outcomeInterrupted, "interrupted")
	if len(parts) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d %s: %s\n", total, pluralize(total, "file", "files"), strings.Join(parts, ", "))
	switch {
	case s.f.dryRun:
		fmt.Fprintln(w, "dry run: nothing was uploaded")
	case s.counts[outcomeSent] == 0:
	case s.env == string(pingen.Production) && s.f.autoSend:
		fmt.Fprintln(w, "Pingen production: letters sent are printed, posted and charged")
	case s.env != string(pingen.Production):
		fmt.Fprintln(w, "Pingen staging: nothing is printed or posted there")
	}
	if !s.f.dryRun && !s.f.autoSend && s.counts[outcomeSent]-s.pass > 0 {
		fmt.Fprintln(w, "not sent yet: run the same command with --auto-send to send them (nothing is uploaded twice)")
	}
}

// Records of send --format json.
type (
	sendRecord struct {
		Schema    string         `json:"schema"`
		File      string         `json:"file"`
		SHA256    string         `json:"sha256,omitempty"`
		Env       string         `json:"env"`
		Check     *checkSummary  `json:"check,omitempty"`
		Outcome   sendOutcome    `json:"outcome"`
		LetterID  string         `json:"letter_id,omitempty"`
		Status    string         `json:"status,omitempty"`
		Resumed   bool           `json:"resumed"`
		FalsePass bool           `json:"false_pass"`
		Events    []eventRecord  `json:"events,omitempty"`
		Allowed   []string       `json:"allowed,omitempty"`
		Plan      []planStep     `json:"plan,omitempty"`
		Error     string         `json:"error,omitempty"`
		Options   *pingenOptions `json:"options,omitempty"`
	}
	checkSummary struct {
		OK       bool                `json:"ok"`
		Profile  string              `json:"profile"`
		Window   string              `json:"window"`
		Country  string              `json:"country"`
		Pages    int                 `json:"pages"`
		Errors   int                 `json:"errors"`
		Warnings int                 `json:"warnings"`
		Findings []preflight.Finding `json:"findings"`
	}
	pingenOptions struct {
		AddressPosition string `json:"address_position"`
		Product         string `json:"delivery_product"`
		PrintMode       string `json:"print_mode"`
		Spectrum        string `json:"print_spectrum"`
	}
	eventRecord struct {
		Code      string    `json:"code"`
		Name      string    `json:"name"`
		EmittedAt time.Time `json:"emitted_at"`
	}
	planStep struct {
		Method string          `json:"method"`
		URL    string          `json:"url"`
		Note   string          `json:"note"`
		Body   json.RawMessage `json:"body,omitempty"`
	}
)

func (s *sender) record(r *sendResult) sendRecord {
	rec := sendRecord{Schema: sendSchema, File: r.file, Env: s.env, Outcome: r.outcome, Resumed: r.resumed,
		LetterID: r.letter.ID, Status: string(r.letter.Status), FalsePass: r.falsePass()}
	if r.rep != nil {
		nerr, nwarn := countSeverities(r.rep.Findings)
		rec.SHA256 = r.rep.SHA256
		rec.Check = &checkSummary{
			OK: !failing(r.rep, s.failOnWarning), Profile: r.rep.Profile, Window: r.rep.Window, Country: r.rep.Country,
			Pages: r.rep.Pages, Errors: nerr, Warnings: nwarn, Findings: r.rep.Findings,
		}
		if rec.Check.Findings == nil {
			rec.Check.Findings = []preflight.Finding{}
		}
	}
	if r.outcome != outcomeRefused {
		o := s.options
		rec.Options = &pingenOptions{string(o.AddressPosition), string(o.Product), string(o.PrintMode), string(o.Spectrum)}
	}
	if r.falsePass() {
		for _, ev := range r.events {
			rec.Events = append(rec.Events, eventRecord{ev.Code, ev.Name, ev.EmittedAt})
		}
		rec.Allowed = allowed(r.letter)
		if r.eventsErr != nil {
			rec.Error = r.eventsErr.Error()
		}
	}
	if r.plan != nil {
		for _, st := range r.plan.Steps {
			rec.Plan = append(rec.Plan, planStep{st.Method, st.URL, st.Note, st.Body})
		}
	}
	if r.err != nil {
		rec.Error = r.err.Error()
	}
	return rec
}

// checkProduct validates --product against the products Pingen is known to
// accept. Pingen's set is open, but a typo would cost a refused letter, so
// the flag takes only these and says so.
func checkProduct(p string) (pingen.Product, error) {
	generic, carrier := knownProducts()
	known := "generic: " + strings.Join(generic, ", ") + "; carrier-specific: " + strings.Join(carrier, ", ")
	if p == "" {
		return "", fmt.Errorf("--product is required (%s)", known)
	}
	if slices.Contains(pingen.KnownProducts(), pingen.Product(p)) {
		return pingen.Product(p), nil
	}
	return "", fmt.Errorf("--product %q: not a delivery product lettergate knows (%s)", p, known)
}

// knownProducts splits pingen.KnownProducts into the generic and the
// carrier-specific ones.
func knownProducts() (generic, carrier []string) {
	for _, p := range pingen.KnownProducts() {
		if p.Generic() {
			generic = append(generic, string(p))
		} else {
			carrier = append(carrier, string(p))
		}
	}
	return generic, carrier
}

// statFiles makes sure every argument is a file before anything is sent,
// so that a typo is exit status 2 and not half a batch.
func statFiles(args []string) error {
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return fmt.Errorf("%s: %w", a, unwrapPathError(err))
		}
		if st.IsDir() {
			return fmt.Errorf("%s: is a folder; give the PDF files in it", a)
		}
	}
	return nil
}

// readForSend reads a file to check and send; the same bytes are checked
// and sent.
func readForSend(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSendBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSendBytes {
		return nil, fmt.Errorf("larger than the %d MB lettergate reads (Pingen takes at most 8 MB)", maxSendBytes>>20)
	}
	return data, nil
}

// newPingenClient builds a client from the PINGEN_* variables. Credentials
// come from the environment only: a flag would leave the secret in the
// shell history and the process list.
func newPingenClient(e *env, verbose bool) (*pingen.Client, pingen.Config, error) {
	cfg, err := pingen.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, cfg, credentialsHint(err)
	}
	level := slog.LevelWarn // retries are worth seeing: they explain a wait
	if verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // the terminal has the time; tests compare lines
			}
			return a
		},
	}))
	c, err := pingen.New(cfg, pingen.WithLogger(log))
	if err != nil {
		return nil, cfg, credentialsHint(err)
	}
	return c, cfg, nil
}

// credentialsHint adds to a configuration error that the secret may come
// from a file, and where the settings are explained.
func credentialsHint(err error) error {
	msg := err.Error()
	if head, list, ok := strings.Cut(msg, "missing "); ok {
		list, rest, _ := strings.Cut(list, ";")
		names := strings.Split(list, ", ")
		for i, n := range names {
			if n == "PINGEN_CLIENT_SECRET" {
				names[i] = "PINGEN_CLIENT_SECRET (or PINGEN_CLIENT_SECRET_FILE)"
			}
		}
		msg = head + "missing " + strings.Join(names, ", ")
		if rest != "" {
			msg += ";" + rest
		}
	}
	return fmt.Errorf("%s; see docs/sending.md", msg)
}

// invalidEnv is envLabel's name for a PINGEN_ENV that is neither.
const invalidEnv = "(invalid PINGEN_ENV)"

// envLabel names the Pingen environment of cfg without printing a value
// that is neither: it might be a secret set in the wrong variable.
func envLabel(cfg pingen.Config) string {
	switch cfg.Env {
	case "", pingen.Staging:
		return string(pingen.Staging)
	case pingen.Production:
		return string(pingen.Production)
	}
	return invalidEnv
}

// openJournal opens the journal at path, or at pingen.DefaultJournalPath
// when path is empty, and returns it with its path. One journal serves both
// environments and every organisation: its entries record theirs. create
// false opens it only if it exists (nil otherwise), for commands that must
// not leave a file behind.
func openJournal(e *env, path string, create bool) (*pingen.Journal, string, error) {
	if path == "" {
		p, err := pingen.DefaultJournalPath(e.getenv)
		if err != nil {
			return nil, "", fmt.Errorf("%w; give --journal FILE", err)
		}
		path = p
	}
	if !create {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, path, nil
		}
	}
	j, err := pingen.OpenJournal(path)
	return j, path, err
}

// allowed lists the abilities Pingen grants on a letter now.
func allowed(l pingen.Letter) []string {
	var out []string
	for k, v := range l.Abilities {
		if v == "ok" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// writeEvents writes a letter's history, one event a line.
func writeEvents(b *strings.Builder, indent string, events []pingen.Event) {
	width := 0
	for _, ev := range events {
		width = max(width, len(ev.Code))
	}
	for _, ev := range events {
		fmt.Fprintf(b, "%s%s  %-*s  %s\n", indent, formatTime(ev.EmittedAt), width, ev.Code, ev.Name)
	}
}

// formatTime shows a time to the minute in local time, so that Pingen's
// times (Swiss) and the journal's read alike.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}
