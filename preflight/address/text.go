package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Rune classes for text extraction.
const (
	runeInk   = iota // drawn, contributes text
	runeSpace        // a word break: a hint, never geometry
	runeSkip         // invisible, contributes nothing
)

func classify(r rune) int {
	switch {
	case unicode.IsSpace(r): // also NBSP, U+2000..U+200A, U+202F, line breaks
		return runeSpace
	case r == '\u00AD': // soft hyphen: ink if drawn, but never text
		return runeInk
	case unicode.Is(unicode.Cf, r): // ZWSP, ZWJ, BOM, direction marks
		return runeSkip
	}
	return runeInk
}

// ligatures are the Latin presentation forms (U+FB00..U+FB06) that fonts
// map ligature glyphs to.
var ligatures = map[rune]string{
	'\uFB00': "ff", '\uFB01': "fi", '\uFB02': "fl", '\uFB03': "ffi",
	'\uFB04': "ffl", '\uFB05': "st", '\uFB06': "st",
}

// runeText is what an ink rune contributes to a line's text.
func runeText(r rune) string {
	if s, ok := ligatures[r]; ok {
		return s
	}
	switch {
	case r == '\u00AD':
		return ""
	case r == '\u2010' || r == '\u2011': // hyphen, non-breaking hyphen
		return "-"
	case unicode.IsControl(r) || !utf8.ValidRune(r) || r&0xFFFE == 0xFFFE:
		// What an engine gives for a glyph it cannot map to Unicode: ink
		// that reads as nothing.
		return "\uFFFD"
	}
	return string(r)
}

// spacingAccents maps the spacing forms of accents to their combining forms.
// Producers that build accented letters from two glyphs (TeX's OT1 fonts,
// for one) draw "Zu¨rich"; the accent is put back on its letter when it is
// drawn over it.
var spacingAccents = map[rune]rune{
	'¨': '\u0308', '´': '\u0301', '`': '\u0300', '^': '\u0302', 'ˆ': '\u0302',
	'˜': '\u0303', '¸': '\u0327', '˚': '\u030A', 'ˇ': '\u030C', '˝': '\u030B',
	'˘': '\u0306', '¯': '\u0304', '˙': '\u0307', '˛': '\u0328',
}

// combining returns the combining form of an accent rune, or 0 when r is
// not an accent.
func combining(r rune) rune {
	if c, ok := spacingAccents[r]; ok {
		return c
	}
	if unicode.Is(unicode.Mn, r) {
		return r
	}
	return 0
}

// clean normalises a line of text: ligatures expanded, soft hyphens and
// invisible format characters dropped, every kind of space turned into one
// ASCII space, runs of spaces collapsed, NFC.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch classify(r) {
		case runeSkip:
			continue
		case runeSpace:
			space = b.Len() > 0
			continue
		}
		t := runeText(r)
		if t == "" {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(t)
	}
	return norm.NFC.String(b.String())
}
