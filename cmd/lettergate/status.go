package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/pingen"
)

type statusFlags struct {
	pingenFlags
	format  string
	refresh bool
}

func newStatusCmd(e *env) *cobra.Command {
	var f statusFlags
	cmd := &cobra.Command{
		Use:   "status [LETTER_ID]",
		Short: "Show a letter's status and events, or the journal's letters",
		Long: `With a letter id, ask Pingen for the letter and its events and print them
(the journal's record of the letter is brought up to date). A letter the journal
records for another environment or organisation than PINGEN_ENV and
PINGEN_ORGANISATION_ID name is an error, said before Pingen is asked.

Without one, list the letters in the journal, like a print-job overview: file,
Pingen environment, letter id, status and when the status was last seen. The
statuses are the ones lettergate saw last; --refresh asks Pingen for those of
PINGEN_ENV's environment and organisation that can still change. A status of
"unconfirmed" means a create request got no answer: run the same send again to
resume it.`,
		Example: `  lettergate status
  lettergate status --refresh
  lettergate status 7f3c1a2b-0d4e-4f5a-9b6c-7d8e9fa0b1c2`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "text" && f.format != "json" {
				return fmt.Errorf("--format %q: want text or json", f.format)
			}
			if len(args) == 1 {
				if f.refresh {
					return errors.New("--refresh is for the journal's list; a single letter is always asked of Pingen")
				}
				return runLetterStatus(cmd.Context(), e, &f, args[0])
			}
			return runJournalStatus(cmd.Context(), e, &f)
		},
	}
	f.pingenFlags.register(cmd)
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text, or json (one object per letter)")
	cmd.Flags().BoolVar(&f.refresh, "refresh", false, "ask Pingen for the current status of the journal's letters that can still change")
	return cmd
}

// finalStatus reports whether a letter's status can no longer change, so
// that --refresh need not ask.
func finalStatus(s pingen.Status) bool {
	switch s {
	case pingen.StatusInvalid, pingen.StatusCancelled, pingen.StatusCancelledExpired, pingen.StatusExpired,
		pingen.StatusRejected, pingen.StatusUnprintable, pingen.StatusDelivered, pingen.StatusUndeliverable,
		pingen.StatusDeleted:
		return true
	}
	return false
}

// letterJournal is the journal's record of one letter, for the commands
// that ask Pingen about it.
type letterJournal struct {
	j     *pingen.Journal // nil: no journal here
	entry pingen.Entry
	found bool
}

// openLetterJournal finds the journal entry of letter id, if the journal
// exists and has one. It refuses a letter the journal records for another
// environment or organisation than cfg's: that Pingen would answer 404,
// which would say nothing about where the letter is.
func openLetterJournal(e *env, path, id string, cfg pingen.Config) (*letterJournal, error) {
	if path == "" {
		if _, err := pingen.DefaultJournalPath(e.getenv); err != nil {
			return &letterJournal{}, nil // no default journal here: nothing to bring up to date
		}
	}
	j, _, err := openJournal(e, path, false)
	if err != nil {
		return nil, err
	}
	if j == nil {
		return &letterJournal{}, nil // none yet
	}
	lj := &letterJournal{j: j}
	if lj.entry, lj.found, err = j.EntryByLetter(id); err == nil && lj.found {
		err = checkAccount(lj.entry, cfg)
	}
	if err != nil {
		j.Close()
		return nil, err
	}
	return lj, nil
}

// record brings the journal's entry for letter id up to date; a letter
// sent by other means is no error.
func (lj *letterJournal) record(id string, s pingen.Status) error {
	if !lj.found {
		return nil
	}
	return lj.j.SetStatus(id, s, time.Now())
}

// Close closes the journal, if there is one.
func (lj *letterJournal) Close() {
	if lj.j != nil {
		lj.j.Close()
	}
}

// checkAccount reports a journal entry made for another environment or
// organisation than cfg's. Entries that do not record theirs pass.
func checkAccount(en pingen.Entry, cfg pingen.Config) error {
	switch {
	case en.Env == "" || en.For(cfg):
		return nil
	case string(en.Env) != envLabel(cfg):
		return fmt.Errorf("letter %s was sent to Pingen %s (journal entry %s), but PINGEN_ENV is %s: set PINGEN_ENV=%s and that environment's credentials",
			en.LetterID, en.Env, en.ID, envLabel(cfg), en.Env)
	}
	return fmt.Errorf("letter %s belongs to organisation %s (journal entry %s), not to PINGEN_ORGANISATION_ID %s",
		en.LetterID, en.OrganisationID, en.ID, cfg.OrganisationID)
}

func runLetterStatus(ctx context.Context, e *env, f *statusFlags, id string) error {
	client, cfg, err := newPingenClient(e, f.verbose)
	if err != nil {
		return err
	}
	lj, err := openLetterJournal(e, f.journal, id, cfg)
	if err != nil {
		return err
	}
	defer lj.Close()
	l, err := client.Letter(ctx, id)
	if err != nil {
		return err
	}
	events, err := client.LetterEvents(ctx, id)
	if err != nil {
		return err
	}
	if err := lj.record(l.ID, l.Status); err != nil {
		return err
	}
	if f.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(letterRecordOf(envLabel(cfg), l, events))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "letter %s  (Pingen %s)\n", l.ID, envLabel(cfg))
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-10s %s\n", name, value)
		}
	}
	field("file", l.FileOriginalName)
	field("status", string(l.Status))
	var delivery []string
	for _, v := range []string{string(l.Product), string(l.PrintMode), string(l.Spectrum)} {
		if v != "" {
			delivery = append(delivery, v)
		}
	}
	if l.AddressPosition != "" {
		delivery = append(delivery, string(l.AddressPosition)+" window")
	}
	field("delivery", strings.Join(delivery, ", "))
	if l.FilePages > 0 {
		field("pages", fmt.Sprint(l.FilePages))
	}
	if l.PriceCurrency != "" {
		field("price", fmt.Sprintf("%s %.2f", l.PriceCurrency, l.PriceValue))
	}
	field("recipient", strings.Join(strings.FieldsFunc(l.Address, func(r rune) bool { return r == '\n' }), ", "))
	field("country", l.Country)
	field("tracking", l.TrackingNumber)
	if !l.CreatedAt.IsZero() {
		field("created", formatTime(l.CreatedAt))
	}
	if !l.SubmittedAt.IsZero() {
		field("submitted", formatTime(l.SubmittedAt))
	}
	field("allows", strings.Join(allowed(l), ", "))
	if len(events) > 0 {
		b.WriteString("  events\n")
		writeEvents(&b, "    ", events)
	}
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

func runJournalStatus(ctx context.Context, e *env, f *statusFlags) error {
	j, path, err := openJournal(e, f.journal, false)
	if err != nil {
		return err
	}
	if j == nil {
		fmt.Fprintf(e.stdout, "no journal at %s yet: nothing has been sent with it\n", path)
		return nil
	}
	defer j.Close()
	entries, err := j.Entries()
	if err != nil {
		return err
	}
	var refreshErrs []string
	if f.refresh {
		client, cfg, err := newPingenClient(e, f.verbose)
		if err != nil {
			return err
		}
		for _, en := range entries {
			// Another account's letters are not asked of this one's
			// Pingen. Those of an unknown account are, but a 404 then
			// does not say the letter is gone.
			known := en.Env != ""
			if en.LetterID == "" || finalStatus(en.Status) || known && !en.For(cfg) {
				continue
			}
			l, err := client.Letter(ctx, en.LetterID)
			var pe *pingen.Error
			switch {
			case errors.As(err, &pe) && pe.Status == http.StatusNotFound:
				if !known {
					continue
				}
				l.Status = pingen.StatusDeleted
			case err != nil:
				if ctx.Err() != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "lettergate: %s\n", oneLine(err.Error()))
				refreshErrs = append(refreshErrs, en.LetterID)
				continue
			}
			if err := j.SetStatus(en.LetterID, l.Status, time.Now()); err != nil {
				return err
			}
		}
		if entries, err = j.Entries(); err != nil {
			return err
		}
	}
	if f.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, en := range entries {
			if err := enc.Encode(journalRecordOf(en)); err != nil {
				return err
			}
		}
	} else if len(entries) == 0 {
		fmt.Fprintln(e.stdout, "the journal has no letters yet")
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FILE\tENV\tLETTER\tSTATUS\tUPDATED")
		for _, en := range entries {
			id := en.LetterID
			if id == "" {
				id = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", en.File, entryEnv(en), id, entryStatus(en), formatTime(en.Updated))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(refreshErrs) > 0 {
		return fmt.Errorf("%d %s could not be refreshed", len(refreshErrs), pluralize(len(refreshErrs), "letter", "letters"))
	}
	return nil
}

// entryStatus is a journal entry's status in words: the letter's, or what
// became of the submission when there is no letter.
func entryStatus(en pingen.Entry) string {
	switch {
	case en.LetterID != "" && en.Status != "":
		return string(en.Status)
	case en.LetterID != "":
		return "unknown"
	case en.Err != "":
		return "failed" // definitely: no letter exists
	}
	return "unconfirmed"
}

// entryEnv is the Pingen environment of a journal entry, "unknown" for
// entries written before the journal recorded it.
func entryEnv(en pingen.Entry) string {
	if en.Env == "" {
		return "unknown"
	}
	return string(en.Env)
}

// Records of status --format json.
type (
	letterRecord struct {
		Schema          string        `json:"schema"`
		Env             string        `json:"env"`
		ID              string        `json:"id"`
		File            string        `json:"file"`
		Status          string        `json:"status"`
		AddressPosition string        `json:"address_position,omitempty"`
		Product         string        `json:"delivery_product,omitempty"`
		PrintMode       string        `json:"print_mode,omitempty"`
		Spectrum        string        `json:"print_spectrum,omitempty"`
		Pages           int           `json:"pages,omitempty"`
		PriceCurrency   string        `json:"price_currency,omitempty"`
		PriceValue      float64       `json:"price_value,omitempty"`
		Address         string        `json:"address,omitempty"`
		Country         string        `json:"country,omitempty"`
		TrackingNumber  string        `json:"tracking_number,omitempty"`
		CreatedAt       *time.Time    `json:"created_at,omitempty"`
		SubmittedAt     *time.Time    `json:"submitted_at,omitempty"`
		Allowed         []string      `json:"allowed"`
		Events          []eventRecord `json:"events"`
	}
	journalRecord struct {
		Schema string `json:"schema"`
		File   string `json:"file"`
		SHA256 string `json:"sha256"`
		// Env and OrganisationID are absent for entries written before the
		// journal recorded them.
		Env            string    `json:"env,omitempty"`
		OrganisationID string    `json:"organisation_id,omitempty"`
		LetterID       string    `json:"letter_id,omitempty"`
		Status         string    `json:"status"`
		Error          string    `json:"error,omitempty"`
		Created        time.Time `json:"created"`
		Updated        time.Time `json:"updated"`
	}
)

func letterRecordOf(env string, l pingen.Letter, events []pingen.Event) letterRecord {
	timePtr := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	r := letterRecord{
		Schema: "lettergate.letter/v1", Env: env, ID: l.ID, File: l.FileOriginalName, Status: string(l.Status),
		AddressPosition: string(l.AddressPosition), Product: string(l.Product), PrintMode: string(l.PrintMode),
		Spectrum: string(l.Spectrum), Pages: l.FilePages, PriceCurrency: l.PriceCurrency, PriceValue: l.PriceValue,
		Address: l.Address, Country: l.Country, TrackingNumber: l.TrackingNumber,
		CreatedAt: timePtr(l.CreatedAt), SubmittedAt: timePtr(l.SubmittedAt),
		Allowed: allowed(l), Events: []eventRecord{},
	}
	if r.Allowed == nil {
		r.Allowed = []string{}
	}
	for _, ev := range events {
		r.Events = append(r.Events, eventRecord{ev.Code, ev.Name, ev.EmittedAt})
	}
	return r
}

func journalRecordOf(en pingen.Entry) journalRecord {
	return journalRecord{
		Schema: "lettergate.journal/v1", File: en.File, SHA256: en.SHA256,
		Env: string(en.Env), OrganisationID: en.OrganisationID, LetterID: en.LetterID,
		Status: entryStatus(en), Error: en.Err, Created: en.Created, Updated: en.Updated,
	}
}
