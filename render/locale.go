package render

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// locale holds the conventions a letter is written in: dates, numbers,
// amounts, country names and the built-in labels.
type locale struct {
	tag      string // BCP 47, as "de-CH"
	lang     string // the template language: de, fr or en
	months   [12]string
	longDate func(d int, month string, y int) string
	short    string // time layout of a short date
	decimal  string // decimal separator of numbers
	group    string // thousands separator
	// money formats a number already formatted with moneyDecimal, in the
	// currency written as sym.
	moneyDecimal string
	money        func(num, sym string) string
	percent      string // between number and "%"
	page         string // default page label, a template
	symbols      map[string]string
	regions      display.Namer
}

const nbsp = "\u00a0"

var (
	monthsDE = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
	monthsFR = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	monthsEN = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// locales are the conventions lettergate knows. Swiss conventions follow
// the Swiss government's style guides (CHF before the amount in German,
// after it in French, "'" as the thousands separator in German, "." as the
// decimal separator of amounts in both).
var locales = map[string]*locale{
	"de-CH": {
		months: monthsDE, short: "02.01.2006",
		longDate: func(d int, m string, y int) string { return fmt.Sprintf("%d. %s %d", d, m, y) },
		decimal:  ".", group: "'", moneyDecimal: ".",
		money:   func(n, s string) string { return s + " " + n },
		percent: nbsp, page: "Seite {{page}}/{{pages}}",
	},
	"de-DE": {
		months: monthsDE, short: "02.01.2006",
		longDate: func(d int, m string, y int) string { return fmt.Sprintf("%d. %s %d", d, m, y) },
		decimal:  ",", group: ".", moneyDecimal: ",",
		money:   func(n, s string) string { return n + nbsp + s },
		percent: nbsp, page: "Seite {{page}}/{{pages}}",
		symbols: map[string]string{"EUR": "€"},
	},
	"fr-CH": {
		months: monthsFR, short: "02.01.2006",
		longDate: func(d int, m string, y int) string { return fmt.Sprintf("%s %s %d", dayFR(d), m, y) },
		decimal:  ",", group: nbsp, moneyDecimal: ".",
		money:   func(n, s string) string { return n + nbsp + s },
		percent: nbsp, page: "Page {{page}}/{{pages}}",
	},
	"fr-FR": {
		months: monthsFR, short: "02/01/2006",
		longDate: func(d int, m string, y int) string { return fmt.Sprintf("%s %s %d", dayFR(d), m, y) },
		decimal:  ",", group: nbsp, moneyDecimal: ",",
		money:   func(n, s string) string { return n + nbsp + s },
		percent: nbsp, page: "Page {{page}}/{{pages}}",
		symbols: map[string]string{"EUR": "€"},
	},
	"en-GB": {
		months: monthsEN, short: "02/01/2006",
		longDate: func(d int, m string, y int) string { return fmt.Sprintf("%d %s %d", d, m, y) },
		decimal:  ".", group: ",", moneyDecimal: ".",
		money: func(n, s string) string {
			if isCode(s) {
				return s + " " + n
			}
			return s + n
		},
		percent: "", page: "Page {{page}} of {{pages}}",
		symbols: map[string]string{"EUR": "€", "GBP": "£", "USD": "US$"},
	},
}

// isCode reports whether s is an ISO 4217 code rather than a symbol.
func isCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// dayFR writes the first of the month as "1er", as French dates do.
func dayFR(d int) string {
	if d == 1 {
		return "1er"
	}
	return fmt.Sprint(d)
}

// defaultLocales maps a template language to the locale used when only the
// language is given: lettergate's home is Switzerland.
var defaultLocales = map[string]string{"de": "de-CH", "fr": "fr-CH", "en": "en-GB"}

func init() {
	for tag, l := range locales {
		l.tag = tag
		l.lang = tag[:2]
		l.regions = display.Regions(language.MustParse(tag))
	}
}

// localeNames lists the locales, for error messages.
func localeNames() string {
	names := make([]string, 0, len(locales))
	for n := range locales {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// findLocale resolves "de", "de-CH" or "de_ch".
func findLocale(s string) (*locale, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if d, ok := defaultLocales[strings.ToLower(s)]; ok {
		s = d
	}
	if i := strings.IndexByte(s, '-'); i > 0 {
		s = strings.ToLower(s[:i]) + "-" + strings.ToUpper(s[i+1:])
	}
	if l, ok := locales[s]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("unknown language %q (known: de, fr, en, %s)", s, localeNames())
}

func (l *locale) longDateOf(t time.Time) string {
	return l.longDate(t.Day(), l.months[t.Month()-1], t.Year())
}

// number formats x with exactly dec decimals, or with as many as it needs
// (up to 6) when dec < 0.
func (l *locale) number(x *big.Rat, dec int, decimal string) string {
	var s string
	if dec < 0 {
		s = roundRat(x, big.NewRat(1, 1000000)).FloatString(6)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	} else {
		s = roundRat(x, pow10(-dec)).FloatString(dec)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(l.group)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(decimal)
		b.WriteString(frac)
	}
	return b.String()
}

func (l *locale) moneyOf(x *big.Rat, currency string) string {
	sym := strings.ToUpper(currency)
	if s, ok := l.symbols[sym]; ok {
		sym = s
	}
	return l.money(l.number(x, 2, l.moneyDecimal), sym)
}

func (l *locale) percentOf(x *big.Rat) string {
	return l.number(x, -1, l.decimal) + l.percent + "%"
}

// countryName returns the name of an ISO 3166-1 alpha-2 country in the
// locale's language, as Pingen wants it on the last address line.
func (l *locale) countryName(code string) (string, error) {
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() || len(code) != 2 {
		return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code", code)
	}
	name := l.regions.Name(r)
	if name == "" {
		return "", fmt.Errorf("no %s name for country %s", l.tag, code)
	}
	if l.tag == "de-CH" {
		name = strings.ReplaceAll(name, "ß", "ss") // Swiss German has no ß
	}
	return name, nil
}
