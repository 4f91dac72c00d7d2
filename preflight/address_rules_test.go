package preflight

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lettergate/lettergate/preflight/address"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// addressManifest is testdata/address/manifest.json, written by the
// fixture generator: each fixture's options and the address lines it was
// written with.
type addressManifest []struct {
	Name    string   `json:"name"`
	Profile string   `json:"profile"`
	Window  string   `json:"window"`
	Country string   `json:"country"`
	Lines   []string `json:"lines"`
}

// TestAddressFixturesReadBack checks that the address read from every
// address fixture is exactly what the generator wrote, and that the golden
// file checks it with the options the generator meant.
func TestAddressFixturesReadBack(t *testing.T) {
	data, err := os.ReadFile("../testdata/address/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m addressManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) == 0 {
		t.Fatal("empty manifest")
	}
	for _, f := range m {
		t.Run(f.Name, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "address", f.Name+".pdf")
			var g struct {
				Options struct{ Profile, Window, Country string } `json:"options"`
			}
			gd, err := os.ReadFile(filepath.Join("..", "testdata", "address", f.Name+".golden.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(gd, &g); err != nil {
				t.Fatal(err)
			}
			if g.Options.Profile != f.Profile || g.Options.Window != f.Window || g.Options.Country != f.Country {
				t.Errorf("golden options %+v, generator's %q %q %q", g.Options, f.Profile, f.Window, f.Country)
			}
			opts := Options{Window: f.Window, Country: f.Country}
			if f.Profile != "" {
				if opts.Profile, err = rules.Builtin(f.Profile); err != nil {
					t.Fatal(err)
				}
			}
			pdf, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Check(context.Background(), f.Name, pdf, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if rep.Address != nil {
				got = rep.Address.Lines
			}
			if len(got) != len(f.Lines) || len(got) > 0 && !reflect.DeepEqual(got, f.Lines) {
				t.Errorf("read %q, want %q", got, f.Lines)
			}
		})
	}
}

// notifyLetters are GOV.UK Notify's test letters with an address, and the
// lines they visibly hold there (read off the rendered pages).
var notifyLetters = []struct {
	file  string
	lines []string
}{
	{"address_where_paragraphs_do_not_match_visual_order.pdf", []string{"My User", "42 The Parkway", "City", "County", "SW1 1AA"}},
	// One line with a wide gap: "My" at the left, "Recipient," far right.
	{"address_with_large_space_in_a_line.pdf", []string{"My Recipient,", "My House,", "My Street,", "My Town,", "SW1A 1AA"}},
	// Ligatures: "maﬀs" and "deﬁed" are single glyphs.
	{"address_with_unusual_coordinates.pdf", []string{"First line", "quick maffs defied", "SE1 1AA"}},
	{"address_with_multiple_unusual_coordinates.pdf", []string{"Recipient SURNAME", "My Street,", "My Town,", "SW1A 1AA"}},
	{"blank_with_8_line_address.pdf", []string{"Line 1", "Line 2", "Line 3", "Line 4", "Line 5", "Line 6", "Line 7", "Line 8"}},
	{"blank_with_2_line_address.pdf", []string{"Queen Elizabeth", "Buckingham Palace"}},
	{"blank_with_address.pdf", []string{"Queen Elizabeth", "Buckingham Palace", "London", "Sw11aa"}},
	{"non_uk_address.pdf", []string{"Willie Wonka", "Chocolate Factory", "London", "FRANCE"}},
	{"international_bfpo.pdf", []string{"sam 2", "1234 road", "BFPO 123", "United States"}},
	{"bad_postcode.pdf", []string{"Willie Wonka", "Chocolate Factory", "London", "UN REAL"}},
	{"valid_letter.pdf", []string{"Queen Elizabeth", "Buckingham Palace", "London", "SW1 1AA"}},
	{"repeated_address_block.pdf", []string{"Queen Elizabeth", "Buckingham Palace", "London", "SW1 1AA"}},
	{"address_block_repeated_on_second_page.pdf", []string{"PEA NUTT", "PEANUT BUTTER JELLY COURT", "TOAST WHARF", "ALL DAY TREAT STREET", "TASTY TOWN", "SNACKSHIRE", "TT7 PBJ"}},
	{"invalid_address_character.pdf", []string{"My Recipient,", "@ My House,", "My Street,", "My Town,", "SW1A 1AA"}},
	{"invalid_address_line_1.pdf", []string{"...", "Buckingham Palace", "London", "SW1 1AA"}},
	{"invalid_address_line_2.pdf", []string{"Queen Elizabeth", "??", "London", "SW1 1AA"}},
	{"no_fixed_abode.pdf", []string{"The User,", "No Fixed Abode,", "My Street,", "My Town,", "SW1A 1AA"}},
	{"content_up_to_boundary_edges.pdf", []string{"My Recipient,", "My House,", "My Street,", "My Town,", "SW1A 1AA"}},
	{"example_dwp_pdf.pdf", []string{"MR J DOE", "13 TEST LANE", "TESTINGTON", "TS7 1NG"}},
	{"public_guardian_sample.pdf", []string{"Addressee", "Address Line 1", "Address Line 2", "Postcode"}},
	// The page shows the letter's name set in spaced-out, shuffled letters.
	{"hackney_sample.pdf", []string{"se alvindgky n egut", "nceyshktvrai", "1 Hillman Street", "London", "E8 1DY"}},
	// A layout sample: its caption is printed inside the address area.
	{"no_colour.pdf", []string{"8/8.5pt Arial, fills from bottom upwards", "Line 1", "Line 2", "Line 3", "Line 4", "Line 5", "Line 6", "Postcode"}},
	{"notify_tag_on_first_page.pdf", []string{"Queen Elizabeth", "Buckingham Palace", "London", "SW1 1AA"}},
	{"notify_tags_on_page_2_and_4.pdf", []string{"Fakey McFakerson", "123 Fake Street", "Fakington", "SW14 6BF"}},
}

// TestNotifyLetters checks GOV.UK Notify's test letters against their own
// (DVLA) address block: the lines read must be those the pages show. The
// letters are not part of the repository; the test skips without them.
func TestNotifyLetters(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "peers", "notify")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("GOV.UK Notify's test letters are not at %s", dir)
	}
	prof, err := rules.ParseFile(filepath.Join("testdata", "notify-profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range notifyLetters {
		t.Run(tc.file, func(t *testing.T) {
			rep, err := CheckFile(context.Background(), filepath.Join(dir, tc.file), Options{Profile: prof})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Address == nil {
				t.Fatalf("no address read; findings %+v, skipped %v", rep.Findings, rep.Skipped)
			}
			if !reflect.DeepEqual(rep.Address.Lines, tc.lines) {
				t.Errorf("read %q\nwant %q", rep.Address.Lines, tc.lines)
			}
		})
	}
}

func TestNumberList(t *testing.T) {
	for _, tc := range []struct {
		ns   []int
		want string
	}{
		{[]int{3}, "line 3"},
		{[]int{2, 3}, "lines 2 and 3"},
		{[]int{1, 2, 3}, "lines 1 to 3"},
		{[]int{1, 3, 4}, "lines 1, 3 and 4"},
	} {
		if got := numberList("line", "lines", tc.ns); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.ns, got, tc.want)
		}
	}
}

// TestCountrySpellingIsAccepted checks that every spelling a fix suggests
// is one the country line check accepts.
func TestCountrySpellingIsAccepted(t *testing.T) {
	tests := []struct{ code, domestic, want string }{
		{"DE", "CH", "'Deutschland' or 'Germany'"},
		{"FR", "CH", "'Frankreich' or 'France'"},
		{"DE", "FR", "'Allemagne' or 'Germany'"},
		{"CH", "IT", "'Svizzera' or 'Switzerland'"},
		{"GB", "US", "'United Kingdom'"},
	}
	for _, tc := range tests {
		if got := countrySpelling(tc.code, tc.domestic); got != tc.want {
			t.Errorf("countrySpelling(%s, %s) = %s, want %s", tc.code, tc.domestic, got, tc.want)
		}
	}
	for _, code := range []string{"CH", "DE", "AT", "FR", "IT", "LI", "LU", "BE", "NL", "GB", "US", "ES", "PT", "IN", "CZ", "CI", "BA", "KN"} {
		for _, dom := range []string{"CH", "FR", "IT", "US"} {
			s := countrySpelling(code, dom)
			var names []string
			for i, part := range strings.Split(s, "'") {
				if i%2 == 1 {
					names = append(names, part)
				}
			}
			if len(names) == 0 {
				t.Errorf("%s from %s: no name in %s", code, dom, s)
			}
			for _, n := range names {
				if c, ok := address.Country(n); !ok || c != code {
					t.Errorf("%s from %s: suggested %q reads as %q, %v", code, dom, n, c, ok)
				}
			}
		}
	}
}

// TestReservedKeepsAddressGlyphs checks that the reserved block leaves the
// ink in the address's glyph boxes to address.outside, and only that ink.
func TestReservedKeepsAddressGlyphs(t *testing.T) {
	prof, err := rules.Builtin("pingen")
	if err != nil {
		t.Fatal(err)
	}
	win := prof.Windows["left"]
	g := pdfdoc.Geometry{CropBox: pdfdoc.Box{URX: 595.2756, URY: 841.8898}}
	glyph := rules.Rect{X: 20, Y: 63, W: 2.5, H: 2.6} // 2 mm left of the area
	in := rules.Rect{X: 20.5, Y: 64, W: 0.08, H: 0.08}
	near := rules.Rect{X: 20.5, Y: 65.75, W: 0.08, H: 0.08} // 0.15 mm below it
	for _, tc := range []struct {
		keep           []rules.Rect
		inside, beside bool
	}{
		{nil, true, true},
		{[]rules.Rect{glyph}, false, true},
	} {
		var reserved *zone
		for _, z := range pageZones(prof, win, 1, g, tc.keep) {
			if z.rule == rules.ZoneReserved {
				reserved = z
			}
		}
		if reserved == nil {
			t.Fatal("no reserved zone")
		}
		if got := reserved.counts(in); got != tc.inside {
			t.Errorf("keep %v: ink in the glyph box counts: %v, want %v", tc.keep, got, tc.inside)
		}
		if got := reserved.counts(near); got != tc.beside {
			t.Errorf("keep %v: ink beside the glyph box counts: %v, want %v", tc.keep, got, tc.beside)
		}
	}
}
