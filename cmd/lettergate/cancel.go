package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/pingen"
)

func newCancelCmd(e *env) *cobra.Command {
	var f pingenFlags
	cmd := &cobra.Command{
		Use:   "cancel LETTER_ID",
		Short: "Cancel a letter Pingen has not printed yet",
		Long: `Ask Pingen to cancel a sent letter. Pingen allows it while the letter is in
print preparation; a letter that was only uploaded (not sent) goes nowhere
unless it is sent, and can be deleted in Pingen's app. The journal's record of
the letter is brought up to date. A letter the journal records for another
environment or organisation than PINGEN_ENV and PINGEN_ORGANISATION_ID name is
an error, said before Pingen is asked.

Exit status: 0 when the letter is cancelled or being cancelled (also when it
already was), 2 when Pingen does not allow it or the command could not run.`,
		Example: `  lettergate cancel 7f3c1a2b-0d4e-4f5a-9b6c-7d8e9fa0b1c2`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, id := cmd.Context(), args[0]
			client, cfg, err := newPingenClient(e, f.verbose)
			if err != nil {
				return err
			}
			lj, err := openLetterJournal(e, f.journal, id, cfg)
			if err != nil {
				return err
			}
			defer lj.Close()
			// Asked first so that a refusal can say why, in Pingen's terms,
			// rather than relay a bare 422.
			l, err := client.Letter(ctx, id)
			if err != nil {
				return err
			}
			// Whatever follows, the journal learns the status.
			if err := lj.record(l.ID, l.Status); err != nil {
				return err
			}
			switch l.Status {
			case pingen.StatusCancelling, pingen.StatusCancelled, pingen.StatusCancelledExpired:
				_, err := fmt.Fprintf(e.stdout, "letter %s is already %s (Pingen %s)\n", l.ID, l.Status, envLabel(cfg))
				return err
			}
			if l.Abilities != nil && !l.Can("cancel") {
				return fmt.Errorf("letter %s is %s: Pingen does not allow cancelling it (%s)", l.ID, l.Status, cancelHint(l.Status))
			}
			if err := client.CancelLetter(ctx, id); err != nil {
				return err
			}
			status := pingen.StatusCancelling // what Pingen moves it to first
			if after, err := client.Letter(ctx, id); err == nil {
				status = after.Status
			}
			if err := lj.record(l.ID, status); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "letter %s: cancellation requested, now %s (Pingen %s)\n", l.ID, status, envLabel(cfg))
			return err
		},
	}
	f.register(cmd)
	return cmd
}

// cancelHint says why a letter in status s cannot be cancelled, and what to
// do instead.
func cancelHint(s pingen.Status) string {
	switch s {
	case pingen.StatusValidating, pingen.StatusValid, pingen.StatusActionRequired, pingen.StatusInvalid, pingen.StatusFixing:
		return "it has not been sent, and nothing goes out unless it is; delete it in Pingen's app if it never should"
	}
	return "only letters in print preparation can be cancelled"
}
