package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/preview"
	"github.com/lettergate/lettergate/rules"
)

type previewFlags struct {
	profileFlags
	country string
	page    int
	all     bool
	dpi     float64
	pdf     bool
	out     string
	split   string
}

func newPreviewCmd(e *env) *cobra.Command {
	var f previewFlags
	cmd := &cobra.Command{
		Use:   "preview FILE [--page N | --all] [-o OUT.png]",
		Short: "Draw a page with the zones and the findings over it",
		Long: `Render page(s) of a PDF and draw over them what the checker sees: the
address area (green), the reserved postal block around it (translucent red),
the envelope window (dashed blue), the border and corner zones (hatched), and
the box of every finding in magenta, numbered as in the text report of
'lettergate check'.

With --all and several pages, each page is written to its own file: OUT-1.png,
OUT-2.png, ... With --pdf the output is a copy of the PDF with the same
overlay drawn as vector graphics on every page. The input is never changed.

With --split (as for check), the window and reserved block are drawn on the
first page of each letter of a batch file.`,
		Example: `  lettergate preview letter.pdf -o letter.png
  lettergate preview --all --window right invoice.pdf -o invoice.png
  lettergate preview --pdf letter.pdf -o letter-checked.pdf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPreview(cmd, e, &f, args[0])
		},
	}
	fs := cmd.Flags()
	f.register(fs, true)
	fs.StringVar(&f.country, "country", "", "destination country, ISO code (as for check)")
	fs.IntVar(&f.page, "page", 1, "the page to draw")
	fs.BoolVar(&f.all, "all", false, "draw every page")
	fs.Float64Var(&f.dpi, "dpi", preview.DefaultDPI, "resolution of the PNG")
	fs.BoolVar(&f.pdf, "pdf", false, "write a PDF with the overlay on every page instead of PNG")
	fs.StringVarP(&f.out, "output", "o", "", "output `FILE` (default: the input's name with -preview.png or -preview.pdf, in the current folder)")
	fs.StringVar(&f.split, "split", "", "check the file as a batch of letters: every:N, address or first:1,3,7 (as for check)")
	return cmd
}

func runPreview(cmd *cobra.Command, e *env, f *previewFlags, in string) error {
	profile, window, err := f.resolve(cmd)
	if err != nil {
		return err
	}
	if f.all && cmd.Flags().Changed("page") {
		return fmt.Errorf("give --page or --all, not both")
	}
	if f.pdf && (f.all || cmd.Flags().Changed("page") || cmd.Flags().Changed("dpi")) {
		return fmt.Errorf("--pdf draws every page as vectors; --page, --all and --dpi are for PNG")
	}
	out := f.out
	if out == "" {
		ext := "-preview.png"
		if f.pdf {
			ext = "-preview.pdf"
		}
		out = strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ext
	}
	if err := notSameFile(in, out); err != nil {
		return err
	}
	split, err := preflight.ParseSplit(f.split)
	if err != nil {
		return fmt.Errorf("--%w", err)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("%s: %w", in, unwrapPathError(err))
	}
	opts := preflight.Options{Profile: profile, Window: window, Country: f.country, Split: split}
	start := time.Now()
	rep, err := preflight.Check(cmd.Context(), in, data, opts)
	if err != nil {
		return err
	}
	if rep.Pages == 0 {
		return fmt.Errorf("%s: nothing to draw: %s", in, firstMessage(rep))
	}
	popts := preview.Options{Profile: profile, Window: window, DPI: f.dpi}

	if f.pdf {
		pdf, err := preview.PDF(cmd.Context(), data, rep, popts)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		if err := writeAtomic(out, pdf); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s (%d %s, %s)\n", out, rep.Pages, pluralize(rep.Pages, "page", "pages"), findingsNote(rep))
		return nil
	}

	pages := []int{f.page}
	if f.all {
		pages = nil
	}
	rendered, err := preview.Render(cmd.Context(), data, rep, pages, popts)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	for _, p := range rendered {
		name := out
		if len(rendered) > 1 {
			name = numbered(out, p.Number)
		}
		var b bytes.Buffer
		if err := preview.EncodePNG(&b, p.Image); err != nil {
			return err
		}
		if err := writeAtomic(name, b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s (page %d, %d x %d px)\n", name, p.Number, p.Image.Bounds().Dx(), p.Image.Bounds().Dy())
	}
	fmt.Fprintf(e.stderr, "%s in %v\n", findingsNote(rep), time.Since(start).Round(time.Millisecond))
	return nil
}

// numbered turns OUT.png into OUT-3.png for page 3.
func numbered(name string, page int) string {
	ext := filepath.Ext(name)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, ext), page, ext)
}

func findingsNote(rep *preflight.Report) string {
	errs, warns := countSeverities(rep.Findings)
	if c := severityCounts(errs, warns); c != "" {
		return c
	}
	return "no findings"
}

func firstMessage(rep *preflight.Report) string {
	if len(rep.Findings) > 0 {
		return rep.Findings[0].Message
	}
	return "the file has no pages"
}

// notSameFile refuses to write over the input, which lettergate never
// changes.
func notSameFile(in, out string) error {
	a, err1 := os.Stat(in)
	b, err2 := os.Stat(out)
	if err1 == nil && err2 == nil && os.SameFile(a, b) {
		return fmt.Errorf("%s: the output would overwrite the input", out)
	}
	return nil
}

// previewWriter writes the pages with findings of each checked file as
// PNGs into one folder, for CI to keep as artefacts.
type previewWriter struct {
	dir     string
	profile *rules.Profile
	window  string
}

// write renders the pages of name that rep has findings on, as
// DIR/<name with its folders>-page<N>.png.
func (pw *previewWriter) write(ctx context.Context, name string, rep *preflight.Report) error {
	pages := preview.PagesWithFindings(rep)
	if len(pages) == 0 || rep.Pages == 0 {
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	rendered, err := preview.Render(ctx, data, rep, pages, preview.Options{Profile: pw.profile, Window: pw.window})
	if err != nil {
		return err
	}
	for _, p := range rendered {
		var b bytes.Buffer
		if err := preview.EncodePNG(&b, p.Image); err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(pw.dir, previewName(name, p.Number)), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// previewName flattens a file's path into one file name, so that letters of
// the same name in different folders do not overwrite each other:
// "in/2026/a.pdf", page 1 -> "in_2026_a-page1.png".
func previewName(name string, page int) string {
	clean := filepath.ToSlash(filepath.Clean(name))
	clean = strings.TrimLeft(strings.ReplaceAll(clean, "../", ""), "/")
	clean = strings.TrimSuffix(clean, filepath.Ext(clean))
	clean = strings.NewReplacer("/", "_", ":", "_", " ", "_").Replace(clean)
	return fmt.Sprintf("%s-page%d.png", clean, page)
}
