package address

import (
	"testing"
)

// spellings are lines Country must accept, with their country.
var spellings = []struct {
	line, code string
}{
	// From x/text, in the four languages.
	{"Switzerland", "CH"}, {"Schweiz", "CH"}, {"Suisse", "CH"}, {"Svizzera", "CH"},
	{"Germany", "DE"}, {"Deutschland", "DE"}, {"Allemagne", "DE"}, {"Germania", "DE"},
	{"Austria", "AT"}, {"Österreich", "AT"}, {"Autriche", "AT"},
	{"United Kingdom", "GB"}, {"Vereinigtes Königreich", "GB"}, {"Royaume-Uni", "GB"}, {"Regno Unito", "GB"},
	{"United States", "US"}, {"Vereinigte Staaten", "US"}, {"États-Unis", "US"}, {"Stati Uniti", "US"},
	{"Liechtenstein", "LI"},
	{"Netherlands", "NL"}, {"Niederlande", "NL"}, {"Pays-Bas", "NL"}, {"Paesi Bassi", "NL"},
	{"Belgium", "BE"}, {"Belgien", "BE"}, {"Belgique", "BE"}, {"Belgio", "BE"},
	{"Luxembourg", "LU"}, {"Luxemburg", "LU"}, {"Lussemburgo", "LU"},
	{"Spain", "ES"}, {"Spanien", "ES"}, {"Espagne", "ES"}, {"Spagna", "ES"},
	{"France", "FR"}, {"Frankreich", "FR"}, {"Francia", "FR"},
	{"Italy", "IT"}, {"Italien", "IT"}, {"Italie", "IT"}, {"Italia", "IT"},
	{"Czechia", "CZ"}, {"Tschechien", "CZ"},
	{"Côte d’Ivoire", "CI"}, {"Cote d'Ivoire", "CI"},
	{"Bosnia & Herzegovina", "BA"}, {"Bosnia and Herzegovina", "BA"}, {"Bosnien und Herzegowina", "BA"},
	{"St. Lucia", "LC"}, {"Saint Lucia", "LC"},
	{"Myanmar (Burma)", "MM"}, {"Myanmar", "MM"}, {"Burma", "MM"},
	{"Türkei", "TR"}, {"Tuerkei", "TR"},
	{"Viet Nam", "VN"},

	// Case, accents, transcriptions, spaces and punctuation.
	{"SCHWEIZ", "CH"}, {"schweiz", "CH"}, {"  Schweiz  ", "CH"}, {"Schweiz.", "CH"},
	{"ÖSTERREICH", "AT"}, {"Oesterreich", "AT"}, {"OESTERREICH", "AT"}, {"Osterreich", "AT"},
	{"ETATS-UNIS", "US"}, {"Etats Unis", "US"}, {"Royaume Uni", "GB"},
	{"Schweiz\u00a0", "CH"}, {"Deutsch\u00adland", "DE"},

	// Spellings x/text lacks (extraNames), one test each.
	{"Åland", "AX"}, {"Aland", "AX"},
	{"België", "BE"}, {"Belgie", "BE"},
	{"Democratic Republic of the Congo", "CD"}, {"DR Congo", "CD"}, {"Demokratische Republik Kongo", "CD"}, {"République démocratique du Congo", "CD"},
	{"Republic of the Congo", "CG"}, {"Republik Kongo", "CG"}, {"République du Congo", "CG"},
	{"Ivory Coast", "CI"}, {"Elfenbeinküste", "CI"},
	{"Kap Verde", "CV"},
	{"Czech Republic", "CZ"}, {"Tschechische Republik", "CZ"}, {"République tchèque", "CZ"}, {"Repubblica Ceca", "CZ"}, {"Česko", "CZ"}, {"Česká republika", "CZ"},
	{"Bundesrepublik Deutschland", "DE"}, {"Federal Republic of Germany", "DE"},
	{"Danmark", "DK"},
	{"España", "ES"}, {"Espana", "ES"},
	{"Suomi", "FI"},
	{"UK", "GB"}, {"U.K.", "GB"}, {"Great Britain", "GB"}, {"Grossbritannien", "GB"}, {"Großbritannien", "GB"},
	{"Grande-Bretagne", "GB"}, {"Gran Bretagna", "GB"},
	{"United Kingdom of Great Britain and Northern Ireland", "GB"},
	{"England", "GB"}, {"Angleterre", "GB"}, {"Inghilterra", "GB"},
	{"Scotland", "GB"}, {"Schottland", "GB"}, {"Écosse", "GB"}, {"Scozia", "GB"},
	{"Wales", "GB"}, {"Pays de Galles", "GB"}, {"Galles", "GB"},
	{"Northern Ireland", "GB"}, {"Nordirland", "GB"}, {"Irlande du Nord", "GB"}, {"Irlanda del Nord", "GB"},
	{"Hong Kong", "HK"}, {"Hongkong", "HK"},
	{"Hrvatska", "HR"},
	{"Magyarország", "HU"},
	{"Éire", "IE"},
	{"Republic of Korea", "KR"}, {"Republik Korea", "KR"},
	{"Fürstentum Liechtenstein", "LI"}, {"Principality of Liechtenstein", "LI"}, {"Principauté de Liechtenstein", "LI"}, {"Principato del Liechtenstein", "LI"},
	{"Lëtzebuerg", "LU"},
	{"North Macedonia", "MK"}, {"Nordmazedonien", "MK"}, {"Macédoine du Nord", "MK"}, {"Macedonia del Nord", "MK"},
	{"Macau", "MO"}, {"Macao", "MO"},
	{"Nederland", "NL"}, {"The Netherlands", "NL"}, {"Holland", "NL"}, {"Hollande", "NL"}, {"Olanda", "NL"},
	{"Norge", "NO"},
	{"Polska", "PL"},
	{"Palestine", "PS"}, {"Palästina", "PS"}, {"Palestina", "PS"},
	{"Russian Federation", "RU"}, {"Russische Föderation", "RU"},
	{"Sverige", "SE"},
	{"Slovenija", "SI"},
	{"Slovensko", "SK"},
	{"Eswatini", "SZ"},
	{"East Timor", "TL"}, {"Osttimor", "TL"},
	{"Türkiye", "TR"},
	{"USA", "US"}, {"U.S.A.", "US"}, {"United States of America", "US"}, {"Vereinigte Staaten von Amerika", "US"},
	{"États-Unis d'Amérique", "US"}, {"Stati Uniti d'America", "US"},
	{"Vatican", "VA"}, {"Vatikan", "VA"}, {"Holy See", "VA"},
}

func TestCountryNames(t *testing.T) {
	for _, tc := range spellings {
		code, ok := Country(tc.line)
		if code != tc.code || !ok {
			t.Errorf("Country(%q) = %q, %v; want %q, true", tc.line, code, ok, tc.code)
		}
	}
}

// TestCountryExtraNames checks that every spelling added to x/text's names
// is one x/text lacks, and has its own case in spellings.
func TestCountryExtraNames(t *testing.T) {
	plain, _ := buildNames(nil)
	tested := map[string]bool{}
	for _, tc := range spellings {
		tested[tc.line] = true
	}
	for code, names := range extraNames {
		for _, n := range names {
			if c, ok := plain[key(n)]; ok {
				t.Errorf("extra name %q: x/text has it already (%s)", n, c)
			}
			if !tested[n] {
				t.Errorf("extra name %q (%s) has no case in spellings", n, code)
			}
		}
	}
}

func TestCountryNoClashes(t *testing.T) {
	if _, clashes := buildNames(extraNames); len(clashes) > 0 {
		t.Errorf("spellings claimed by two countries: %q", clashes)
	}
}

func TestCountryCodes(t *testing.T) {
	for _, tc := range []struct {
		line, code string
	}{
		{"CH", "CH"}, {"DE", "DE"}, {"DEU", "DE"}, {"CHE", "CH"}, {"GBR", "GB"}, {"AT.", "AT"},
		{"D", "DE"}, {"A", "AT"}, {"FL", "LI"}, {"F", "FR"}, {"I", "IT"}, {"L", "LU"}, {"NL", "NL"},
		{"C.H.", "CH"},
	} {
		code, ok := Country(tc.line)
		if code != tc.code || ok {
			t.Errorf("Country(%q) = %q, %v; want %q, false", tc.line, code, ok, tc.code)
		}
	}
}

func TestCountryNone(t *testing.T) {
	for _, line := range []string{
		"", "   ", "8002 Zürich", "Zürich", "Schwiiz", "Deutchland", "Seestrasse 12", "Schweiz 2",
		"EU", "ZZ", "de", "Rom", "ROM", "BER", "X", "Europe", "Postfach", "CH-8002 Zürich",
		"Schweiz (CH)", "Germany / Deutschland",
	} {
		if code, ok := Country(line); code != "" || ok {
			t.Errorf("Country(%q) = %q, %v; want nothing", line, code, ok)
		}
	}
}

func TestMentions(t *testing.T) {
	for line, want := range map[string]string{
		"Schweiz (CH)":          "CH",
		"Germany / Deutschland": "DE",
		"SUISSE - SCHWEIZ":      "CH",
		"Republic of Schwiiz":   "",
		"Zürich Schweiz":        "CH",
	} {
		if got := mentions(line); got != want {
			t.Errorf("mentions(%q) = %q, want %q", line, got, want)
		}
	}
}
