package address

import (
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// Country returns the ISO 3166-1 alpha-2 code of the country that line
// names, and ok when it is written as Pingen wants: a country name, alone,
// in English, German, French or Italian. Case, accents (or their German
// transcriptions: Oesterreich), spaces and punctuation do not matter.
//
// For an ISO code alone ("DE", "DEU") or a licence-plate code ("D", "FL"),
// which Pingen does not accept in place of the name, it returns the code
// and false. For anything else it returns "" and false.
func Country(line string) (code string, ok bool) {
	s := clean(line)
	if k := key(s); k != "" {
		if c, ok := countryNames()[k]; ok {
			return c, true
		}
	}
	return countryCode(strings.TrimRight(s, ".,;:!"))
}

// countryCode returns the country an ISO alpha-2 or alpha-3 code or a
// licence-plate code stands for, written in capitals, possibly with dots.
func countryCode(s string) (string, bool) {
	t := strings.ReplaceAll(s, ".", "")
	if len(t) < 1 || len(t) > 3 || strings.IndexFunc(t, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return "", false
	}
	if c, ok := plates[t]; ok {
		return c, false
	}
	if len(t) == 1 {
		return "", false
	}
	r, err := language.ParseRegion(t)
	if err != nil || !r.IsCountry() || notPlaces[r.String()] {
		return "", false
	}
	return r.Canonicalize().String(), false
}

// plates are the international licence-plate codes that differ from the
// ISO ones; they appear as postcode prefixes ("D-10115", "FL-9490").
var plates = map[string]string{
	"A": "AT", "B": "BE", "D": "DE", "E": "ES", "F": "FR", "FL": "LI",
	"H": "HU", "I": "IT", "L": "LU", "M": "MT", "N": "NO", "P": "PT",
	"S": "SE", "V": "VA", "FIN": "FI", "IRL": "IE", "SLO": "SI", "GBZ": "GI",
}

// notPlaces are region codes x/text counts as countries that no letter can
// go to.
var notPlaces = map[string]bool{"EZ": true, "UN": true}

// extraNames are spellings real letters use that x/text's English, German,
// French and Italian region names lack: official long forms, local names of
// the countries Pingen posts to most, common short forms and the parts of
// the United Kingdom. Each one has a test.
var extraNames = map[string][]string{
	"AX": {"Åland"},
	"BE": {"België"},
	"CD": {"Democratic Republic of the Congo", "DR Congo", "Demokratische Republik Kongo", "République démocratique du Congo"},
	"CG": {"Republic of the Congo", "Republik Kongo", "République du Congo"},
	"CI": {"Ivory Coast", "Elfenbeinküste"},
	"CV": {"Kap Verde"},
	"CZ": {"Czech Republic", "Tschechische Republik", "République tchèque", "Repubblica Ceca", "Česko", "Česká republika"},
	"DE": {"Bundesrepublik Deutschland", "Federal Republic of Germany"},
	"DK": {"Danmark"},
	"ES": {"España"},
	"FI": {"Suomi"},
	"GB": {
		"UK", "Great Britain", "Grossbritannien", "Grande-Bretagne", "Gran Bretagna",
		"United Kingdom of Great Britain and Northern Ireland",
		"England", "Angleterre", "Inghilterra",
		"Scotland", "Schottland", "Écosse", "Scozia",
		"Wales", "Pays de Galles", "Galles",
		"Northern Ireland", "Nordirland", "Irlande du Nord", "Irlanda del Nord",
	},
	"HK": {"Hong Kong"},
	"HR": {"Hrvatska"},
	"HU": {"Magyarország"},
	"IE": {"Éire"},
	"KR": {"Republic of Korea", "Republik Korea"},
	"LI": {"Fürstentum Liechtenstein", "Principality of Liechtenstein", "Principauté de Liechtenstein", "Principato del Liechtenstein"},
	"LU": {"Lëtzebuerg"},
	"MK": {"North Macedonia", "Nordmazedonien", "Macédoine du Nord", "Macedonia del Nord"},
	"MO": {"Macau", "Macao"},
	"NL": {"Nederland", "The Netherlands", "Holland", "Hollande", "Olanda"},
	"NO": {"Norge"},
	"PL": {"Polska"},
	"PS": {"Palestine", "Palästina", "Palestina"},
	"RU": {"Russian Federation", "Russische Föderation"},
	"SE": {"Sverige"},
	"SI": {"Slovenija"},
	"SK": {"Slovensko"},
	"SZ": {"Eswatini"},
	"TL": {"East Timor", "Osttimor"},
	"TR": {"Türkiye"},
	"US": {"USA", "United States of America", "Vereinigte Staaten von Amerika", "États-Unis d'Amérique", "Stati Uniti d'America"},
	"VA": {"Vatican", "Vatikan", "Holy See"},
}

// conjunctions replace "&" in x/text's names ("Bosnia & Herzegovina"),
// where letters write the word.
var conjunctions = map[*display.Dictionary]string{
	display.English: "and", display.German: "und", display.French: "et", display.Italian: "e",
}

var transcribe = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

// countryNames maps the key of every accepted spelling to its country.
var countryNames = sync.OnceValue(func() map[string]string {
	m, _ := buildNames(extraNames)
	return m
})

// buildNames returns x/text's names and extra spellings by key, and the
// spellings that two countries claim; a test checks there are none. The names themselves come
// first; the forms derived from them ("Saint Lucia" from "St. Lucia",
// "Myanmar" from "Myanmar (Burma)") only fill keys no name has taken.
func buildNames(extra map[string][]string) (map[string]string, []string) {
	m := map[string]string{}
	var clashes []string
	add := func(name, code string, derived bool) {
		for _, n := range []string{name, transcribe.Replace(name)} {
			k := key(n)
			if k == "" {
				continue
			}
			if c, dup := m[k]; !dup {
				m[k] = code
			} else if c != code && !derived {
				clashes = append(clashes, n+": "+c+" and "+code)
			}
		}
	}
	type name struct {
		text, code string
		dict       *display.Dictionary
	}
	var names []name
	dicts := []*display.Dictionary{display.English, display.German, display.French, display.Italian}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// Deprecated codes (DD, UK, ...) repeat current names.
			if err != nil || !r.IsCountry() || r.Canonicalize() != r || notPlaces[code] {
				continue
			}
			for _, d := range dicts {
				if n := d.Regions().Name(r); n != "" {
					names = append(names, name{n, code, d})
				}
			}
		}
	}
	for _, n := range names {
		add(n.text, n.code, false)
	}
	codes := make([]string, 0, len(extra))
	for c := range extra {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		for _, n := range extra[c] {
			add(n, c, false)
		}
	}
	for _, n := range names {
		add(strings.ReplaceAll(n.text, "&", conjunctions[n.dict]), n.code, true)
		if rest, ok := strings.CutPrefix(n.text, "St. "); ok { // "St. Lucia", "St. Kitts & Nevis"
			add("Saint "+rest, n.code, true)
			add("Sankt "+rest, n.code, true)
		}
		// "Myanmar (Burma)": either part alone.
		if i, j := strings.Index(n.text, "("), strings.Index(n.text, ")"); i > 0 && j > i {
			add(n.text[:i], n.code, true)
			add(n.text[i+1:j], n.code, true)
		}
	}
	return m, clashes
}

// key folds a spelling for lookup: lower case, without accents, spaces or
// punctuation, with ß as ss and the Nordic letters spelled out.
func key(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'ø' || r == 'Ø':
			b.WriteString("o")
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			b.WriteString("d")
		case r == 'ł' || r == 'Ł':
			b.WriteString("l")
		case r == 'þ' || r == 'Þ':
			b.WriteString("th")
		case r == 'ı':
			b.WriteString("i")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// mentions returns a country named by a part of line ("Schweiz (CH)",
// "Deutschland / Germany"), or "".
func mentions(line string) string {
	parts := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune("/()[],;|", r) })
	parts = append(parts, strings.Split(line, " - ")...)
	parts = append(parts, strings.Fields(line)...)
	for _, p := range parts {
		if c, ok := Country(p); ok {
			return c
		}
	}
	return ""
}
