package pdfdoc

import (
	"bytes"
	"errors"
)

// contentUse is what one content stream uses: the names it selects with Tf
// and paints with Do, and how many operators it has.
type contentUse struct {
	Operators   int
	Fonts       []string
	XObjects    []string       // in order of first use
	XObjectUses map[string]int // how often each is drawn
}

// errTooManyOperators stops a scan at the operator limit.
var errTooManyOperators = errors.New("too many content operators")

// scanContent tokenises a content stream just far enough to find the
// resources it uses. It never fails on bad syntax (PDF viewers skip it too),
// only on the operator limit; maxOps <= 0 means no limit.
func scanContent(b []byte, maxOps int) (contentUse, error) {
	var use contentUse
	seenFont, seenX := map[string]bool{}, map[string]bool{}
	// Only the last two operands matter (Tf takes name and size, Do a name).
	var prev, last []byte
	push := func(tok []byte) { prev, last = last, tok }
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '(':
			i = skipString(b, i)
			push(nil)
		case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
			i += 2
			push(nil)
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return use, nil
			}
			i += j + 1
			push(nil)
		case c == '[' || c == ']' || c == '{' || c == '}' || c == '>' || c == ')':
			i++
			push(nil)
		case c == '/':
			j := i + 1
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			push(b[i:j])
			i = j
		default:
			j := i
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			if j == i { // a lone delimiter we do not know; step over it
				i++
				continue
			}
			tok := b[i:j]
			i = j
			if isNumber(tok) || string(tok) == "true" || string(tok) == "false" || string(tok) == "null" {
				push(tok)
				continue
			}
			use.Operators++
			if maxOps > 0 && use.Operators > maxOps {
				return use, errTooManyOperators
			}
			switch string(tok) {
			case "Tf":
				if len(prev) > 1 && prev[0] == '/' && !seenFont[string(prev[1:])] {
					seenFont[string(prev[1:])] = true
					use.Fonts = append(use.Fonts, string(prev[1:]))
				}
			case "Do":
				if len(last) > 1 && last[0] == '/' {
					name := string(last[1:])
					if !seenX[name] {
						seenX[name] = true
						use.XObjects = append(use.XObjects, name)
						if use.XObjectUses == nil {
							use.XObjectUses = map[string]int{}
						}
					}
					use.XObjectUses[name]++
				}
			case "BI":
				i = skipInlineImage(b, i)
			}
			prev, last = nil, nil
		}
	}
	return use, nil
}

// skipString returns the index after the literal string starting at b[i].
func skipString(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return i
}

// skipInlineImage returns the index after the EI that ends the inline image
// whose dictionary starts at b[i]. The image data is binary, so EI counts
// only between white space.
func skipInlineImage(b []byte, i int) int {
	id := bytes.Index(b[i:], []byte("ID"))
	if id < 0 {
		return len(b)
	}
	i += id + 2
	for {
		j := bytes.Index(b[i:], []byte("EI"))
		if j < 0 {
			return len(b)
		}
		j += i
		before := j == 0 || isSpace(b[j-1])
		after := j+2 >= len(b) || isSpace(b[j+2]) || isDelim(b[j+2])
		if before && after {
			return j + 2
		}
		i = j + 2
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isNumber(tok []byte) bool {
	digits := 0
	for k, c := range tok {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
		case (c == '+' || c == '-') && k == 0:
		default:
			return false
		}
	}
	return digits > 0
}
