package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/preflight"
)

type checkFlags struct {
	profileFlags
	country string
	format  string
	failOn  string
}

func newCheckCmd(e *env) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Check letter PDFs against the print service's rules",
		Long: `Check letter PDFs against the rules of a print-and-mail profile (default:
pingen): page format, blank border and corner zones, the reserved postal block
and the recipient address in the envelope window, page and size limits, fonts
and interactive content. Each problem is explained in millimetres from the
top-left corner of the page.

Exit status: 0 when every file is fine, 1 when some file has an error finding
(or a warning, with --fail-on warning), 2 when the check could not run.`,
		Example: `  lettergate check letter.pdf
  lettergate check --window right --country DE --format json invoices/*.pdf
  lettergate check --format junit letters/*.pdf > report.xml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd, e, &f, args)
		},
	}
	fs := cmd.Flags()
	f.register(fs, true)
	fs.StringVar(&f.country, "country", "", "destination country, ISO code such as CH or DE (default: the profile's domestic country)")
	fs.StringVar(&f.format, "format", "text", "output format: text, json (one report per line) or junit")
	fs.StringVar(&f.failOn, "fail-on", "error", "exit 1 on findings of this severity or worse: error or warning")
	return cmd
}

func runCheck(cmd *cobra.Command, e *env, f *checkFlags, args []string) error {
	profile, window, err := f.resolve(cmd)
	if err != nil {
		return err
	}
	var failOnWarning bool
	switch f.failOn {
	case "error":
	case "warning":
		failOnWarning = true
	default:
		return fmt.Errorf("--fail-on %q: want error or warning", f.failOn)
	}
	out, err := newReportWriter(f.format, e, failOnWarning)
	if err != nil {
		return err
	}
	// Every file must exist before any is checked, so that a typo is
	// exit status 2 and not a report with a hole.
	for _, name := range args {
		st, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, unwrapPathError(err))
		}
		if st.IsDir() {
			return fmt.Errorf("%s: is a folder; give the PDF files in it", name)
		}
	}
	opts := preflight.Options{Profile: profile, Window: window, Country: f.country}
	failed := false
	for _, name := range args {
		rep, err := preflight.CheckFile(cmd.Context(), name, opts)
		if err != nil {
			return err
		}
		if failing(rep, failOnWarning) {
			failed = true
		}
		if err := out.write(rep); err != nil {
			return err
		}
	}
	if err := out.close(); err != nil {
		return err
	}
	if failed {
		return &exitCodeError{code: exitFindings}
	}
	return nil
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
