package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lettergate/lettergate/rules"
)

// profileFlags are the flags that choose the rules: a built-in profile or a
// custom one, and the envelope window. Every command that checks or lays out
// a letter shares them.
type profileFlags struct {
	profile   string
	rulesFile string
	window    string
}

func (pf *profileFlags) register(fs *pflag.FlagSet, withWindow bool) {
	fs.StringVar(&pf.profile, "profile", "pingen", "built-in profile: "+joinNames(rules.Names()))
	fs.StringVar(&pf.rulesFile, "rules", "", "custom profile `FILE` (YAML, the format of 'lettergate rules --format yaml'), instead of --profile")
	if withWindow {
		fs.StringVar(&pf.window, "window", "", "envelope window: left or right (default: the profile's first, left for pingen)")
	}
}

// resolve loads the chosen profile and checks the window exists in it.
func (pf *profileFlags) resolve(cmd *cobra.Command) (*rules.Profile, string, error) {
	var (
		p   *rules.Profile
		err error
	)
	if pf.rulesFile != "" {
		if cmd.Flags().Changed("profile") {
			return nil, "", fmt.Errorf("give --profile or --rules, not both")
		}
		p, err = rules.ParseFile(pf.rulesFile)
	} else {
		p, err = rules.Builtin(pf.profile)
	}
	if err != nil {
		return nil, "", err
	}
	w := pf.window
	if w == "" {
		w = p.DefaultWindow()
	}
	if _, err := p.Window(w); err != nil {
		return nil, "", err
	}
	return p, w, nil
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
