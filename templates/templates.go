// Package templates holds lettergate's built-in letter templates, each with
// sample data in German, French and English.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/lettergate/lettergate/render"
)

//go:embed */template.yaml */sample.*.yaml assets
var files embed.FS

// Names returns the names of the built-in templates.
func Names() []string {
	entries, _ := fs.Glob(files, "*/template.yaml")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e, "/template.yaml"))
	}
	sort.Strings(names)
	return names
}

// Load parses the built-in template called name.
func Load(name string) (*render.Template, error) {
	if !known(name) {
		return nil, fmt.Errorf("no built-in template %q (built in: %s)", name, strings.Join(Names(), ", "))
	}
	return render.Load(files, name+"/template.yaml")
}

// Sample returns the sample data of template name in lang (de, fr or en,
// or a locale such as de-DE, whose language is used).
func Sample(name, lang string) (map[string]any, error) {
	if !known(name) {
		return nil, fmt.Errorf("no built-in template %q (built in: %s)", name, strings.Join(Names(), ", "))
	}
	lang, _, _ = strings.Cut(strings.ReplaceAll(strings.ToLower(lang), "_", "-"), "-")
	f, err := files.Open(name + "/sample." + lang + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("template %s has no %s sample data", name, lang)
	}
	defer f.Close()
	data, err := render.ReadData(f)
	if err != nil {
		return nil, fmt.Errorf("template %s: sample.%s.yaml: %w", name, lang, err)
	}
	return data, nil
}

func known(name string) bool {
	for _, n := range Names() {
		if n == name {
			return true
		}
	}
	return false
}
