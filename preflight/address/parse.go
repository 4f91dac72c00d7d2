package address

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// Options are what Parse needs to know besides the lines.
type Options struct {
	Domestic string // the profile's domestic country (ISO alpha-2)
	// Destination is the one the user gave (--country); optional. Values
	// that are not ISO alpha-2 codes count as not given.
	Destination string
}

// Result is what the address lines say about where the letter goes.
type Result struct {
	// Destination is the country the letter goes to (ISO alpha-2): the
	// one in Options, else the one the country line names (even as a
	// code, or in part: "Schweiz (CH)"), else the one the postcode prefix
	// implies, else, without a country line, the domestic one. It is ""
	// when the last line looks like a country but names none.
	Destination string
	Country     CountryLine
	Prefix      *Prefix // nil when the postcode has no country prefix
	Postcode    Postcode
}

// CountryStatus is the verdict on the country line.
type CountryStatus string

// The verdicts on the country line. Named and Omitted are fine.
const (
	CountryNamed    CountryStatus = "named"    // the last line names a country in an accepted spelling
	CountryOmitted  CountryStatus = "omitted"  // no country line, and the letter is domestic mail Pingen lets go without one
	CountryMissing  CountryStatus = "missing"  // no country line, but the letter needs one
	CountryISO      CountryStatus = "iso"      // the last line is an ISO or licence-plate code, not a name
	CountryUnknown  CountryStatus = "unknown"  // the last line follows the postcode line but is no country name Pingen accepts
	CountryConflict CountryStatus = "conflict" // the last line names another country than Options.Destination
)

// CountryLine is the verdict on the country line.
type CountryLine struct {
	Status CountryStatus
	Index  int    // of the country line in the lines; -1 when there is none
	Line   string // the country line, cleaned; "" when there is none
	// Code is the country the line names or codes, or, when Unknown, one
	// that a part of it names ("Schweiz (CH)"); "" otherwise.
	Code string
}

// Prefix is a country prefix on the postcode ("CH-8002 Zürich"). Pingen
// calls it obsolete: it never stands in for the country line.
type Prefix struct {
	Text        string // as written: "D-"
	Code        string // the country it stands for
	Forbidden   bool   // by the destination's post (Deutsche Post: no D- or DE-)
	Recommended bool   // by the destination's post (bpost Luxembourg: L-)
}

// PostcodeStatus is the verdict on the postcode line.
type PostcodeStatus string

// The verdicts on the postcode line.
const (
	PostcodeOK        PostcodeStatus = "ok"
	PostcodeBad       PostcodeStatus = "bad"       // the postcode line does not fit the destination's format
	PostcodeUnchecked PostcodeStatus = "unchecked" // no format known for the destination, or no line to check
)

// Postcode is the verdict on the postcode line: the last line before the
// country line, or the last line when there is none.
type Postcode struct {
	Status PostcodeStatus
	Index  int    // of the postcode line in the lines; -1 when unchecked
	Line   string // the postcode line, cleaned, to quote
	Code   string // the postcode, when OK
	Format string // what the destination wants, for messages; "" when unchecked
}

// omissible are the domestic countries whose letters may leave out the
// country line: Pingen's list (help "Supported country names"), and FR and
// LU, whose posts' rules as read by Guteneo want no country line on
// domestic mail.
var omissible = map[string]bool{"CH": true, "DE": true, "AT": true, "NL": true, "IN": true, "GB": true, "FR": true, "LU": true}

// Parse judges the text lines of an address block. Lines are cleaned as
// Find cleans them; empty ones are skipped but keep their indexes.
func Parse(lines []string, opts Options) Result {
	type line struct {
		text string
		idx  int
	}
	var ls []line
	for i, l := range lines {
		if t := clean(l); t != "" {
			ls = append(ls, line{t, i})
		}
	}
	res := Result{
		Destination: region(opts.Destination),
		Country:     CountryLine{Index: -1},
		Postcode:    Postcode{Status: PostcodeUnchecked, Index: -1},
	}
	domestic := region(opts.Domestic)

	body := ls
	if n := len(ls); n > 0 {
		last := ls[n-1]
		code, named := Country(last.text)
		c := CountryLine{Index: last.idx, Line: last.text, Code: code}
		switch {
		case named && res.Destination != "" && code != res.Destination:
			c.Status = CountryConflict
		case named:
			c.Status = CountryNamed
		case code != "":
			c.Status = CountryISO
		case n > 1 && !hasDigit(last.text) && looksLikePostcodeLine(ls[n-2].text):
			c.Status = CountryUnknown
			c.Code = mentions(last.text)
		}
		if c.Status != "" {
			res.Country = c
			body = ls[:n-1]
		}
	}
	if len(body) > 0 {
		res.Prefix = prefix(body[len(body)-1].text)
	}
	if res.Destination == "" {
		res.Destination = res.Country.Code
	}
	if res.Destination == "" && res.Prefix != nil {
		res.Destination = res.Prefix.Code
	}
	if res.Country.Status == "" {
		if res.Destination == "" {
			res.Destination = domestic
		}
		res.Country.Status = CountryMissing
		if res.Destination == domestic && omissible[domestic] {
			res.Country.Status = CountryOmitted
		}
	}
	if len(body) > 0 {
		pl := body[len(body)-1]
		code, ok, rule := checkPostcode(res.Destination, pl.text)
		if rule.re != nil {
			res.Postcode = Postcode{Status: PostcodeBad, Index: pl.idx, Line: pl.text, Format: rule.format}
			if ok {
				res.Postcode.Status, res.Postcode.Code = PostcodeOK, code
			}
		}
	}
	return res
}

// region returns the canonical form of an ISO alpha-2 code as given in
// options ("ch", "UK"), or "" for anything else.
func region(s string) string {
	s = strings.TrimSpace(s)
	if r, err := language.ParseRegion(s); err == nil && len(s) == 2 && r.IsCountry() {
		return r.Canonicalize().String()
	}
	return ""
}

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }
