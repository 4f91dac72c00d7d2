package render

import (
	"strings"
)

// span is a piece of text in one style; "\n" spans are line breaks.
type span struct {
	text string
	st   style
}

// mdBlock is a paragraph or one item of a list.
type mdBlock struct {
	spans  []span
	marker string // "•" or "3."; empty for a paragraph
	// first marks the first block after a blank line (or of the text),
	// which gets paragraph spacing above it.
	first bool
}

// parseMarkdown reads the subset of Markdown letters need: paragraphs
// separated by blank lines, "-", "*" or "+" bullet items, "1." or "1)"
// numbered items, **bold**, *italic* and \ escapes. Unlike Markdown, a
// single newline is a line break: letters are written line by line.
// Markers without a partner are text, so "M6*20" stays as it is.
func parseMarkdown(s string) []mdBlock {
	var blocks []mdBlock
	var cur *mdBlock
	var src []string // the current block's lines
	blank := true
	flush := func() {
		if cur != nil {
			cur.spans = parseInline(strings.Join(src, "\n"), regular)
			blocks = append(blocks, *cur)
			cur, src = nil, nil
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			flush()
			blank = true
			continue
		}
		if marker, rest, ok := listItem(line); ok {
			flush()
			cur = &mdBlock{marker: marker, first: blank}
			src = []string{rest}
			blank = false
			continue
		}
		if cur == nil {
			cur = &mdBlock{first: blank}
		}
		src = append(src, strings.TrimLeft(line, " \t"))
		blank = false
	}
	flush()
	return blocks
}

// listItem recognises "- x", "* x", "+ x", "12. x" and "12) x", indented by
// at most three spaces.
func listItem(line string) (marker, rest string, ok bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 2 {
		return "", "", false
	}
	if (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return "•", strings.TrimLeft(t[2:], " "), true
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
		return t[:i] + ".", strings.TrimLeft(t[i+2:], " "), true
	}
	return "", "", false
}

// parseInline splits s into styled spans.
func parseInline(s string, st style) []span {
	var out []span
	var b strings.Builder
	emit := func() {
		if b.Len() > 0 {
			out = append(out, span{b.String(), st})
			b.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i += 2
			continue
		case c == '\n':
			emit()
			out = append(out, span{"\n", st})
			i++
			continue
		case strings.HasPrefix(s[i:], "**"):
			if j := closing(s, i+2, "**"); j > 0 {
				emit()
				out = append(out, parseInline(s[i+2:j], st|bold)...)
				i = j + 2
				continue
			}
			b.WriteString("**")
			i += 2
			continue
		case c == '*':
			if j := closing(s, i+1, "*"); j > 0 {
				emit()
				out = append(out, parseInline(s[i+1:j], st|italic)...)
				i = j + 1
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	emit()
	return out
}

// closing finds the delimiter that closes one opened just before from: the
// opener must be followed and the closer preceded by a non-space, and the
// emphasis must not span a line break. It returns -1 when there is none.
func closing(s string, from int, delim string) int {
	if from >= len(s) || s[from] == ' ' || s[from] == '\n' {
		return -1
	}
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
		case s[i] == '\n':
			return -1
		case delim == "*" && strings.HasPrefix(s[i:], "**"):
			// a bold run inside italics: skip to its end
			if j := closing(s, i+2, "**"); j > 0 {
				i = j + 1
			} else {
				i++
			}
		case strings.HasPrefix(s[i:], delim) && i > from && s[i-1] != ' ':
			if delim == "*" && i+1 < len(s) && s[i+1] == '*' {
				continue
			}
			return i
		}
	}
	return -1
}

// plain makes spans of text without markup, in one style.
func plain(s string, st style) []span {
	var out []span
	for i, l := range strings.Split(s, "\n") {
		if i > 0 {
			out = append(out, span{"\n", st})
		}
		if l != "" {
			out = append(out, span{l, st})
		}
	}
	return out
}

// run is text in one face starting x mm from the line's start.
type run struct {
	x    float64
	st   style
	text string
}

// textLine is one set line: its runs and width.
type textLine struct {
	runs []run
	w    float64
}

// wrap sets spans into lines no wider than width mm, breaking at spaces;
// a word wider than a line is broken between characters, so no text is
// ever lost. Runs of spaces collapse to one.
func wrap(spans []span, fam family, size, width float64) []textLine {
	type piece struct {
		st   style
		text string
	}
	var lines []textLine
	var cur textLine
	var word []piece
	var spaceSt style
	haveSpace := false

	add := func(st style, text string) {
		w := fam.face(st).textWidth(text, size)
		if n := len(cur.runs); n > 0 && cur.runs[n-1].st == st {
			cur.runs[n-1].text += text
		} else {
			cur.runs = append(cur.runs, run{x: cur.w, st: st, text: text})
		}
		cur.w += w
	}
	newLine := func() {
		lines = append(lines, cur)
		cur = textLine{}
	}
	placeWord := func() {
		if len(word) == 0 {
			return
		}
		ww := 0.0
		for _, p := range word {
			ww += fam.face(p.st).textWidth(p.text, size)
		}
		sw := 0.0
		if len(cur.runs) > 0 && haveSpace {
			sw = fam.face(spaceSt).textWidth(" ", size)
		}
		switch {
		case len(cur.runs) > 0 && cur.w+sw+ww <= width+1e-9:
			if sw > 0 {
				add(spaceSt, " ")
			}
		case len(cur.runs) > 0:
			newLine()
		}
		if ww <= width+1e-9 || len(cur.runs) > 0 {
			for _, p := range word {
				add(p.st, p.text)
			}
		} else {
			// break the word between characters
			for _, p := range word {
				for _, r := range p.text {
					rw := fam.face(p.st).textWidth(string(r), size)
					if cur.w+rw > width+1e-9 && len(cur.runs) > 0 {
						newLine()
					}
					add(p.st, string(r))
				}
			}
		}
		word, haveSpace = word[:0], false
	}
	for _, sp := range spans {
		if sp.text == "\n" {
			placeWord()
			newLine()
			continue
		}
		for i, part := range strings.Split(sp.text, " ") {
			if i > 0 {
				placeWord()
				haveSpace, spaceSt = true, sp.st
			}
			if part != "" {
				// without a space between them, pieces of two spans are
				// one word ("**Total**:")
				word = append(word, piece{sp.st, part})
			}
		}
	}
	placeWord()
	if len(cur.runs) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}
