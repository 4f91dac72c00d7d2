package address

import (
	"regexp"
	"strings"
)

// A postcode stands at the start of its line, or after a comma when a P.O.
// box shares the line ("Case postale 123, 1211 Genève 3"), possibly after a
// country prefix, and a town follows it. So house numbers ("Seestrasse 12",
// "Postfach 1234") and names with digits ("3M Schweiz AG") never match.
const (
	before = `(?:^|,\s*)(?:[A-Z]{1,3} ?[-–‑] ?)?`
	town   = `\s+\pL`
)

// postcodeRule is the format of the postcode line of one country.
type postcodeRule struct {
	re     *regexp.Regexp // group 1 is the postcode
	format string         // for messages
	ok     func(code string) bool
}

var (
	fourDigits = regexp.MustCompile(before + `([1-9]\d{3})` + town)
	fiveDigits = regexp.MustCompile(before + `(\d{5})` + town)
	// Royal Mail's postcode format: outward code (area, district) and
	// inward code (sector, unit), or the one special code GIR 0AA.
	gbPostcode = regexp.MustCompile(`(?i)(?:^|[\s,])(GIR ?0AA|[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?) ?\d[ABD-HJLNP-UW-Z]{2})$`)
	usLast     = regexp.MustCompile(`^.*\pL.*?,?\s+([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$`)
	prefixRe   = regexp.MustCompile(`(?:^|,\s*)([A-Z]{1,3}) ?([-–‑]) ?\d`)
	anyDigits  = regexp.MustCompile(before + `\d{4,5}\b`)
)

var postcodeRules = map[string]postcodeRule{}

func init() {
	four := func(example string) postcodeRule {
		return postcodeRule{re: fourDigits, format: "a 4-digit postcode before the town, as in " + example}
	}
	five := func(example string) postcodeRule {
		return postcodeRule{re: fiveDigits, format: "a 5-digit postcode before the town, as in " + example}
	}
	postcodeRules["CH"] = four("8002 Zürich")
	postcodeRules["AT"] = four("1010 Wien")
	postcodeRules["BE"] = four("1000 Bruxelles")
	postcodeRules["LU"] = four("L-1234 Luxembourg")
	postcodeRules["LI"] = postcodeRule{
		re:     regexp.MustCompile(before + `(94(?:8[5-9]|9[0-8]))` + town),
		format: "a Liechtenstein postcode (9485 to 9498) before the town, as in 9490 Vaduz",
	}
	postcodeRules["DE"] = five("10115 Berlin")
	postcodeRules["FR"] = five("75008 Paris")
	postcodeRules["IT"] = five("00184 Roma RM")
	postcodeRules["ES"] = five("28013 Madrid")
	postcodeRules["IC"] = five("35001 Las Palmas") // Canary Islands: Spanish postcodes
	postcodeRules["EA"] = five("51001 Ceuta")      // Ceuta and Melilla: Spanish postcodes
	postcodeRules["NL"] = postcodeRule{
		re:     regexp.MustCompile(before + `([1-9]\d{3} ?[A-Z]{2})` + town),
		format: "a postcode of 4 digits and 2 capital letters before the town, as in 1012 AB Amsterdam",
		// PostNL does not issue SA, SD and SS.
		ok: func(c string) bool {
			l := c[len(c)-2:]
			return l != "SA" && l != "SD" && l != "SS"
		},
	}
	postcodeRules["GB"] = postcodeRule{
		re:     gbPostcode,
		format: "a UK postcode at the end of the line, after the town or alone, as in SW1A 1AA",
	}
	postcodeRules["US"] = postcodeRule{
		re:     usLast,
		format: `"City, ST 12345" with a state code and a ZIP code, as in Springfield, IL 62701`,
	}
}

// usStates are the USPS codes of states, DC, territories and military
// post.
var usStates = strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD
	MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
	AS GU MP PR VI UM FM MH PW AA AE AP`)

// checkPostcode checks line, the postcode line for country, and returns
// the postcode, or "" and false when the line does not fit.
func checkPostcode(country, line string) (string, bool, postcodeRule) {
	r, ok := postcodeRules[country]
	if !ok {
		return "", false, r
	}
	m := r.re.FindStringSubmatch(line)
	if m == nil {
		return "", false, r
	}
	if country == "US" {
		for _, s := range usStates {
			if s == m[1] {
				return m[2], true, r
			}
		}
		return "", false, r
	}
	if r.ok != nil && !r.ok(m[1]) {
		return "", false, r
	}
	return m[1], true, r
}

// looksLikePostcodeLine reports whether line has the shape of some
// country's postcode line, so that a line after it is a country line.
func looksLikePostcodeLine(line string) bool {
	return anyDigits.MatchString(line) ||
		gbPostcode.MatchString(line) || usLast.MatchString(line)
}

// prefix returns the country prefix on a postcode line ("CH-8002 Zürich").
func prefix(line string) *Prefix {
	m := prefixRe.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	code, _ := countryCode(m[1])
	if code == "" {
		return nil
	}
	return &Prefix{
		Text:        m[1] + m[2],
		Code:        code,
		Forbidden:   code == "DE",
		Recommended: code == "LU",
	}
}
