package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/rules"
)

func newRulesCmd(e *env) *cobra.Command {
	var (
		pf     profileFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "rules [--profile P | --rules FILE]",
		Short: "Print a profile: its zones in mm with their sources, and the rules checked",
		Long: `Print a profile: page size, limits, the envelope windows and the zones that
must stay blank, in millimetres from the top-left corner of the page, each with
the source it was taken from; then the rules lettergate checks.

With --format yaml it prints the profile in the format --rules reads, a start
for a custom profile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, _, err := pf.resolve(cmd)
			if err != nil {
				return err
			}
			switch format {
			case "text":
				_, err = fmt.Fprint(e.stdout, describeProfile(p))
				return err
			case "yaml":
				enc := yaml.NewEncoder(e.stdout)
				enc.SetIndent(2)
				if err := enc.Encode(p); err != nil {
					return err
				}
				return enc.Close()
			}
			return fmt.Errorf("--format %q: want text or yaml", format)
		},
	}
	pf.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or yaml")
	return cmd
}

func describeProfile(p *rules.Profile) string {
	var b strings.Builder
	src := func(s string) {
		if s != "" {
			fmt.Fprintf(&b, "      source: %s\n", s)
		}
	}
	fmt.Fprintf(&b, "profile %s\n", p.Name)
	if p.Source != "" {
		fmt.Fprintf(&b, "  source: %s\n", p.Source)
	}
	b.WriteString("\n  page\n")
	fmt.Fprintf(&b, "    %g x %g mm portrait, tolerance %g mm\n", p.Page.WidthMM, p.Page.HeightMM, p.Page.ToleranceMM)
	src(p.Page.Source)
	fmt.Fprintf(&b, "    file at most %d bytes\n", p.File.MaxBytes)
	src(p.File.Source)
	fmt.Fprintf(&b, "    at most %d pages", p.Pages.Max)
	if len(p.Pages.MaxByCountry) > 0 {
		ccs := make([]string, 0, len(p.Pages.MaxByCountry))
		for cc := range p.Pages.MaxByCountry {
			ccs = append(ccs, cc)
		}
		sort.Strings(ccs)
		var parts []string
		for _, cc := range ccs {
			parts = append(parts, fmt.Sprintf("%s %d", cc, p.Pages.MaxByCountry[cc]))
		}
		fmt.Fprintf(&b, "; to %s", strings.Join(parts, ", "))
	}
	b.WriteString("\n")
	src(p.Pages.Source)
	fmt.Fprintf(&b, "    domestic country %s\n", p.DomesticCountry)

	b.WriteString("\n  windows (page 1)\n")
	for _, name := range p.WindowNames() {
		w := p.Windows[name]
		fmt.Fprintf(&b, "    %s\n", name)
		fmt.Fprintf(&b, "      address area    %s\n", rect(w.Address))
		fmt.Fprintf(&b, "      reserved block  %s  (blank but for the address)\n", rect(w.Reserved))
		src(w.Source)
	}

	b.WriteString("\n  blank zones\n")
	for _, z := range p.Zones {
		pages := map[rules.PageSet]string{rules.AllPages: "every page", rules.FirstPage: "page 1", rules.RestPages: "pages 2 on"}[z.Pages]
		fmt.Fprintf(&b, "    %-8s %s, %s\n", z.ID, z.RuleID(), pages)
		if z.Rect != nil {
			fmt.Fprintf(&b, "      %s\n", rect(*z.Rect))
		} else if e := z.Edges; e != nil {
			fmt.Fprintf(&b, "      bands along the edges: top %g, right %g, bottom %g, left %g mm\n", e.Top, e.Right, e.Bottom, e.Left)
		}
		src(z.Source)
	}

	a := p.Address
	b.WriteString("\n  address\n")
	fmt.Fprintf(&b, "    %d to %d lines, type size %g to %g pt\n", a.MinLines, a.MaxLines, a.FontPt[0], a.FontPt[1])
	src(a.Source)

	b.WriteString("\n  rules\n")
	for _, r := range preflight.Rules() {
		summary, _, _ := strings.Cut(r.Doc, "\n")
		fmt.Fprintf(&b, "    %-20s %-7s  %s\n", r.ID, r.Severity, summary)
	}
	return b.String()
}

// rect formats a zone as its corners and size, the way designers measure.
func rect(r rules.Rect) string {
	return fmt.Sprintf("x %g-%g, y %g-%g mm (%g x %g mm)", r.X, r.X1(), r.Y, r.Y1(), r.W, r.H)
}
