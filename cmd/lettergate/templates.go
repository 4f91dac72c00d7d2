package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lettergate/lettergate/templates"
)

func newTemplatesCmd(e *env) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "List the built-in letter templates",
		Long: `List the built-in letter templates with their languages. Each comes with
sample data in every language: 'lettergate render --template NAME -o OUT.pdf'
renders it, and --data gives your own.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			for _, name := range templates.Names() {
				t, err := templates.Load(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", name, strings.Join(t.Languages(), " "), t.Description(lang))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the descriptions: de, fr or en")
	return cmd
}
