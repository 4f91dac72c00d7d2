package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBuiltinProfiles(t *testing.T) {
	if got, want := Names(), []string{"pingen", "pingen-fr"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	p, err := Builtin("pingen")
	if err != nil {
		t.Fatal(err)
	}
	left, err := p.Window("left")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Rect{X: 22, Y: 60, W: 85.5, H: 25.5}); left.Address != want {
		t.Errorf("left address = %v, want %v", left.Address, want)
	}
	right, _ := p.Window("right")
	if want := (Rect{X: 116, Y: 40, W: 89.5, H: 47.5}); right.Reserved != want {
		t.Errorf("right reserved = %v, want %v", right.Reserved, want)
	}
	for cc, want := range map[string]int{"CH": 120, "de": 320, "GB": 500, "NL": 14, "US": 120} {
		if got := p.MaxPages(cc); got != want {
			t.Errorf("MaxPages(%s) = %d, want %d", cc, got, want)
		}
	}
	if got := p.Zones[0].Rects(210, 297); len(got) != 4 || got[1] != (Rect{X: 0, Y: 292, W: 210, H: 5}) {
		t.Errorf("border rects = %v", got)
	}

	fr, err := Builtin("pingen-fr")
	if err != nil {
		t.Fatal(err)
	}
	if got := fr.WindowNames(); !reflect.DeepEqual(got, []string{"right"}) {
		t.Errorf("pingen-fr windows = %v", got)
	}
	if fr.DefaultWindow() != "right" {
		t.Errorf("pingen-fr default window = %q", fr.DefaultWindow())
	}
	if _, err := fr.Window("left"); err == nil || !strings.Contains(err.Error(), "has no window \"left\" (it has right)") {
		t.Errorf("pingen-fr left window error = %v", err)
	}
	if _, err := Builtin("lob"); err == nil || !strings.Contains(err.Error(), "pingen, pingen-fr") {
		t.Errorf("Builtin(lob) error = %v", err)
	}
}

const validProfile = `
name: custom
page: {width_mm: 210, height_mm: 297, tolerance_mm: 1}
file: {max_bytes: 1000}
pages: {max: 10}
domestic_country: DE
windows:
  left: {address: {x: 20, y: 45, w: 85, h: 40}, reserved: {x: 20, y: 45, w: 85, h: 45}}
zones:
  - {id: border, rule: zone.border, pages: all, edges_mm: {top: 5, right: 15, bottom: 5, left: 15}}
  - {id: logo, pages: rest, rect: {x: 150, y: 10, w: 50, h: 20}}
address: {min_lines: 3, max_lines: 6, font_pt: [8, 12]}
`

func TestParseValid(t *testing.T) {
	p, err := Parse([]byte(validProfile))
	if err != nil {
		t.Fatal(err)
	}
	if e := *p.Zones[0].Edges; e != (Edges{Top: 5, Right: 15, Bottom: 5, Left: 15}) {
		t.Errorf("edges = %+v", e)
	}
	if p.Zones[1].RuleID() != ZoneBlank {
		t.Errorf("zone without rule: RuleID = %q, want %q", p.Zones[1].RuleID(), ZoneBlank)
	}
	if !p.Zones[1].Pages.Has(2) || p.Zones[1].Pages.Has(1) {
		t.Errorf("pages: rest must hold page 2 and not page 1")
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"unknown key", [2]string{"pages: {max: 10}", "pages: {max: 10, maximum: 3}"}, "field maximum not found"},
		{"unknown key in edges", [2]string{"bottom: 5, left: 15}", "bottom: 5, lefft: 15}"}, "field lefft not found"},
		{"zone outside page", [2]string{"x: 150, y: 10, w: 50", "x: 170, y: 10, w: 50"}, "zones[1].rect: reaches x = 220.0 mm, outside the 210.0 mm wide page"},
		{"negative size", [2]string{"w: 85, h: 40}", "w: -85, h: 40}"}, "windows.left.address.w: must be a positive number of millimetres, not -85"},
		{"negative position", [2]string{"{x: 20, y: 45, w: 85, h: 45}", "{x: 20, y: -45, w: 85, h: 45}"}, "windows.left.reserved.y: must not be negative"},
		{"reserved without address", [2]string{"reserved: {x: 20, y: 45, w: 85, h: 45}", "reserved: {x: 20, y: 50, w: 85, h: 45}"}, "windows.left.reserved: must contain the address area"},
		{"bad rule", [2]string{"rule: zone.border", "rule: zone.edge"}, `zones[0].rule: "zone.edge" is not a zone rule`},
		{"bad pages", [2]string{"pages: rest", "pages: odd"}, `zones[1].pages: "odd" is not one of all, first, rest`},
		{"no page size", [2]string{"width_mm: 210", "width_mm: 0"}, "page.width_mm: must be a positive number"},
		{"country", [2]string{"domestic_country: DE", "domestic_country: Germany"}, `domestic_country: "Germany" is not an ISO 3166-1 alpha-2 code`},
		{"font range", [2]string{"font_pt: [8, 12]", "font_pt: [12, 8]"}, "address.font_pt: the maximum 8 pt is below the minimum 12 pt"},
		{"lines", [2]string{"max_lines: 6", "max_lines: 2"}, "address.max_lines: 2 is less than min_lines 3"},
		{"max bytes", [2]string{"max_bytes: 1000", "max_bytes: -1"}, "file.max_bytes: must be a positive number of bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(validProfile, tt.replace[0], tt.replace[1], 1)
			if src == validProfile {
				t.Fatalf("replacement %q not found", tt.replace[0])
			}
			_, err := Parse([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(name, []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFile(name)
	if err == nil || !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), "page.width_mm") {
		t.Fatalf("ParseFile error = %v", err)
	}
	if _, err := Parse(nil); err == nil || err.Error() != "empty profile" {
		t.Errorf("Parse(nil) error = %v", err)
	}
}

func TestRectSubtract(t *testing.T) {
	reserved := Rect{X: 20, Y: 40, W: 89.5, H: 47.5}
	address := Rect{X: 22, Y: 60, W: 85.5, H: 25.5}
	parts := reserved.Subtract(address)
	want := []Rect{
		{X: 20, Y: 40, W: 89.5, H: 20},
		{X: 20, Y: 85.5, W: 89.5, H: 2},
		{X: 20, Y: 60, W: 2, H: 25.5},
		{X: 107.5, Y: 60, W: 2, H: 25.5},
	}
	if !reflect.DeepEqual(parts, want) {
		t.Fatalf("Subtract = %v, want %v", parts, want)
	}
	var area float64
	for _, p := range parts {
		area += p.W * p.H
		if p.Overlaps(address) {
			t.Errorf("%v overlaps the address area", p)
		}
	}
	if diff := reserved.W*reserved.H - address.W*address.H - area; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("areas differ by %v", diff)
	}
	if got := reserved.Subtract(Rect{X: 0, Y: 0, W: 5, H: 5}); len(got) != 1 || got[0] != reserved {
		t.Errorf("Subtract of a disjoint rect = %v", got)
	}
}
