// Package rules holds the layout rules of print-and-mail services as data:
// profiles describing the page, the file and page limits, the envelope
// windows and the zones that must stay blank.
//
// Profiles are YAML. The built-in ones are embedded; a custom one is loaded
// with [ParseFile]. Every length is in millimetres from the top-left corner of
// the page as displayed.
package rules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Rule IDs of the zone rules a profile may name.
const (
	ZoneBorder   = "zone.border"
	ZoneCorner   = "zone.corner"
	ZoneReserved = "zone.reserved"
	ZoneBlank    = "zone.blank"
)

// Profile is one service's set of layout rules.
type Profile struct {
	Name            string            `yaml:"name"`
	Source          string            `yaml:"source"`
	Page            Page              `yaml:"page"`
	File            File              `yaml:"file"`
	Pages           Pages             `yaml:"pages"`
	DomesticCountry string            `yaml:"domestic_country"`
	Windows         map[string]Window `yaml:"windows"`
	Zones           []Zone            `yaml:"zones"`
	Address         Address           `yaml:"address"`
}

// Page is the required page size, judged on the page as displayed.
type Page struct {
	WidthMM     float64 `yaml:"width_mm"`
	HeightMM    float64 `yaml:"height_mm"`
	ToleranceMM float64 `yaml:"tolerance_mm"`
	Source      string  `yaml:"source,omitempty"`
}

// File holds limits on the file itself.
type File struct {
	MaxBytes int64  `yaml:"max_bytes"`
	Source   string `yaml:"source,omitempty"`
}

// Pages holds the page-count limits. MaxByCountry overrides Max for letters
// to the countries it names (ISO 3166-1 alpha-2 codes).
type Pages struct {
	Max          int            `yaml:"max"`
	MaxByCountry map[string]int `yaml:"max_by_country"`
	Source       string         `yaml:"source,omitempty"`
}

// Window is the geometry of one envelope window on page 1: the address area,
// where only the recipient address may print, and the reserved block around
// it, which must otherwise be white.
type Window struct {
	Address  Rect   `yaml:"address"`
	Reserved Rect   `yaml:"reserved"`
	Source   string `yaml:"source,omitempty"`
}

// Address holds the rules for the recipient block.
type Address struct {
	MinLines int        `yaml:"min_lines"`
	MaxLines int        `yaml:"max_lines"`
	FontPt   [2]float64 `yaml:"font_pt"`
	Source   string     `yaml:"source,omitempty"`
}

// Zone is an area that must stay blank: either bands along the page edges
// or one rectangle.
type Zone struct {
	ID     string  `yaml:"id"`
	Rule   string  `yaml:"rule,omitempty"`
	Pages  PageSet `yaml:"pages"`
	Edges  *Edges  `yaml:"edges_mm,omitempty"`
	Rect   *Rect   `yaml:"rect,omitempty"`
	Source string  `yaml:"source,omitempty"`
}

// Edges are the widths of the bands along the four page edges.
type Edges struct {
	Top, Right, Bottom, Left float64
}

// UnmarshalYAML accepts one number for all four edges, or a mapping with the
// keys top, right, bottom and left.
func (e *Edges) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var v float64
		if err := n.Decode(&v); err != nil {
			return err
		}
		*e = Edges{v, v, v, v}
		return nil
	}
	var m struct {
		Top    float64 `yaml:"top"`
		Right  float64 `yaml:"right"`
		Bottom float64 `yaml:"bottom"`
		Left   float64 `yaml:"left"`
	}
	if err := decodeStrict(n, &m); err != nil {
		return err
	}
	*e = Edges{m.Top, m.Right, m.Bottom, m.Left}
	return nil
}

// MarshalYAML writes one number when all edges are equal.
func (e Edges) MarshalYAML() (any, error) {
	if e.Top == e.Right && e.Top == e.Bottom && e.Top == e.Left {
		return e.Top, nil
	}
	return map[string]float64{"top": e.Top, "right": e.Right, "bottom": e.Bottom, "left": e.Left}, nil
}

// PageSet names the pages a zone applies to.
type PageSet string

// The page sets a zone may apply to.
const (
	AllPages  PageSet = "all"
	FirstPage PageSet = "first"
	RestPages PageSet = "rest"
)

// Has reports whether page n (1-based) is in the set.
func (s PageSet) Has(n int) bool {
	switch s {
	case AllPages:
		return true
	case FirstPage:
		return n == 1
	case RestPages:
		return n > 1
	}
	return false
}

// RuleID returns the rule that reports ink in the zone.
func (z Zone) RuleID() string {
	if z.Rule == "" {
		return ZoneBlank
	}
	return z.Rule
}

// Rects returns the zone's rectangles on a page of the given size in mm: four
// bands for an edge zone (bands of width 0 are left out), or its rectangle.
func (z Zone) Rects(widthMM, heightMM float64) []Rect {
	if z.Rect != nil {
		return []Rect{*z.Rect}
	}
	if z.Edges == nil {
		return nil
	}
	e := *z.Edges
	var out []Rect
	add := func(r Rect) {
		if !r.Empty() {
			out = append(out, r)
		}
	}
	add(Rect{X: 0, Y: 0, W: widthMM, H: e.Top})
	add(Rect{X: 0, Y: heightMM - e.Bottom, W: widthMM, H: e.Bottom})
	add(Rect{X: 0, Y: e.Top, W: e.Left, H: heightMM - e.Top - e.Bottom})
	add(Rect{X: widthMM - e.Right, Y: e.Top, W: e.Right, H: heightMM - e.Top - e.Bottom})
	return out
}

// MaxPages returns the page limit for letters to country (ISO alpha-2).
func (p *Profile) MaxPages(country string) int {
	if n, ok := p.Pages.MaxByCountry[strings.ToUpper(country)]; ok {
		return n
	}
	return p.Pages.Max
}

// Window returns the window called name, or an error listing the windows the
// profile has.
func (p *Profile) Window(name string) (Window, error) {
	if w, ok := p.Windows[name]; ok {
		return w, nil
	}
	return Window{}, fmt.Errorf("profile %s has no window %q (it has %s)", p.Name, name, strings.Join(p.WindowNames(), ", "))
}

// WindowNames returns the names of the profile's windows, sorted with "left"
// before "right".
func (p *Profile) WindowNames() []string {
	names := make([]string, 0, len(p.Windows))
	for n := range p.Windows {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultWindow returns "left" when the profile has it, else its first window.
func (p *Profile) DefaultWindow() string {
	if _, ok := p.Windows["left"]; ok {
		return "left"
	}
	if names := p.WindowNames(); len(names) > 0 {
		return names[0]
	}
	return ""
}

//go:embed profiles/*.yaml
var builtin embed.FS

// Names returns the names of the built-in profiles.
func Names() []string {
	entries, _ := builtin.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names) // "pingen" before "pingen-fr", unlike file-name order
	return names
}

// Builtin returns the built-in profile called name.
func Builtin(name string) (*Profile, error) {
	data, err := builtin.ReadFile(path.Join("profiles", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("no built-in profile %q (built in: %s)", name, strings.Join(Names(), ", "))
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("built-in profile %s: %w", name, err)
	}
	return p, nil
}

// ParseFile reads and validates a custom profile.
func ParseFile(name string) (*Profile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Parse decodes a profile from YAML and validates it. Unknown keys are
// errors, so that a misspelt key cannot silently disable a rule.
func Parse(data []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty profile")
		}
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

func decodeStrict(n *yaml.Node, v any) error {
	// Node.Decode does not honour the decoder's KnownFields, so re-encode
	// the node and decode it again strictly.
	data, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}
