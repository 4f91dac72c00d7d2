package preflight

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// Split says how a file holds letters, as Pingen accepts batches: one
// letter (the zero value), a letter every Every pages, or a letter starting
// on each page that reads as a first page (Address).
//
// Every rule about "page 1" is then about the first page of each letter:
// zone.reserved, the address rules (one reading of the address per
// letter), and zones with pages first or rest (counted within the letter);
// pages.count checks each letter against the limit of its own
// destination.
//
// Address starts a letter on page 1, and on each later page whose address
// area holds text and whose reserved block is otherwise blank: the glyphs
// of the text lines in the address area may reach into it (an address set
// a little outside the area), nothing else may. A continuation page whose
// body text runs through the window region has text in the postage area
// above the address area, and so does not start a letter. The heuristic
// fails on a first page with other ink in its reserved block (a franking
// mark, a logo reaching into the window: zone.reserved errors), which is
// taken for a continuation of the letter before and not checked as a first
// page, and on a continuation page whose only text in the window region is
// a short block inside the address area (a closing and signature set
// there, below a blank postage area), which is taken for a first page and
// its text for an address. Use Every when the letters have a fixed length;
// the report says how the file was split.
type Split struct {
	Every   int  // pages per letter; the last letter may be shorter
	Address bool // a letter starts on each page that reads as a first page
	// First lists the first page of each letter, for a program that knows
	// them (the renderer of a merged batch): 1, then ascending.
	First []int
}

// ParseSplit parses the text form of a split: "every:N", "address",
// "first:1,3,7" (the first page of each letter), or "" for none.
func ParseSplit(s string) (Split, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Split{}, nil
	case s == "address":
		return Split{Address: true}, nil
	case strings.HasPrefix(s, "every:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "every:"))
		if err == nil && n >= 1 {
			return Split{Every: n}, nil
		}
	case strings.HasPrefix(s, "first:"):
		var sp Split
		for _, f := range strings.Split(strings.TrimPrefix(s, "first:"), ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				sp.First = nil
				break
			}
			sp.First = append(sp.First, n)
		}
		if sp.First != nil {
			if err := sp.validate(); err != nil {
				return Split{}, fmt.Errorf("split %q: %w", s, err)
			}
			return sp, nil
		}
	}
	return Split{}, fmt.Errorf("split %q: want every:N, a letter every N pages (every:2), address, a letter on each page with an address, or first:1,3,7, the first page of each letter", s)
}

// String returns the text form ParseSplit reads.
func (s Split) String() string {
	switch {
	case s.Address:
		return "address"
	case s.Every > 0:
		return fmt.Sprintf("every:%d", s.Every)
	case len(s.First) > 0:
		parts := make([]string, len(s.First))
		for i, n := range s.First {
			parts[i] = strconv.Itoa(n)
		}
		return "first:" + strings.Join(parts, ",")
	}
	return ""
}

// IsZero reports whether the split checks a file as one letter.
func (s Split) IsZero() bool { return s.Every == 0 && !s.Address && len(s.First) == 0 }

func (s Split) validate() error {
	kinds := 0
	for _, set := range []bool{s.Every != 0, s.Address, len(s.First) > 0} {
		if set {
			kinds++
		}
	}
	if s.Every < 0 || kinds > 1 {
		return fmt.Errorf("split: want one of Every >= 1, Address or First (got Every %d, Address %v, First %v)", s.Every, s.Address, s.First)
	}
	for i, n := range s.First {
		if i == 0 && n != 1 || i > 0 && n <= s.First[i-1] {
			return fmt.Errorf("first pages %v: want 1, then ascending page numbers", s.First)
		}
	}
	return nil
}

// LetterPages is one letter of a file: its number and its pages.
type LetterPages struct {
	Letter      int // 1-based
	First, Last int // its first and last page, 1-based
}

// Pages returns the number of pages of the letter.
func (l LetterPages) Pages() int { return l.Last - l.First + 1 }

// letterState is the split of the file, worked out once.
type letterState struct {
	done bool
	list []LetterPages
	err  error
}

// errLettersUnknown is the error of Letters for an address split when the
// pages are not read (a structural error stopped the rules that read them).
var errLettersUnknown = errors.New("the letters are not known: the pages were not read")

// Letters returns the letters of the file, working them out on first use:
// one letter of all pages without a split, runs of Split.Every pages, or
// for Split.Address the letters found by reading the pages, which the zone
// rules do as they check them (an error when the pages cannot be read, or
// the check stopped before the last page). A file without pages has no
// letters.
func (p *Pass) Letters() ([]LetterPages, error) {
	st := &p.check.letters
	switch {
	case st.done:
	case !p.check.split.Address:
		st.done = true
		st.list, st.err = p.split()
	case p.Doc == nil || p.Doc.PageCount == 0:
		st.done = true
	case !p.check.pixelsRun:
		st.done, st.err = true, errLettersUnknown
	default:
		p.zoneFindings() // sets st
	}
	if st.err != nil {
		return nil, st.err
	}
	return st.list, nil
}

// split divides the pages by Split.Every, or makes one letter of them.
func (p *Pass) split() ([]LetterPages, error) {
	if p.Doc == nil || p.Doc.PageCount == 0 {
		return nil, nil
	}
	n := p.Doc.PageCount
	if firsts := p.check.split.First; len(firsts) > 0 {
		if last := firsts[len(firsts)-1]; last > n {
			return nil, fmt.Errorf("the split names page %d as a letter's first, but the file has %d pages", last, n)
		}
		var out []LetterPages
		for i, first := range firsts {
			last := n
			if i+1 < len(firsts) {
				last = firsts[i+1] - 1
			}
			out = append(out, LetterPages{Letter: i + 1, First: first, Last: last})
		}
		return out, nil
	}
	every := p.check.split.Every
	if every <= 0 {
		every = n
	}
	var out []LetterPages
	for first := 1; first <= n; first += every {
		out = append(out, LetterPages{Letter: len(out) + 1, First: first, Last: min(first+every-1, n)})
	}
	return out, nil
}

// letterOf returns the letter that page n belongs to, once the letters are
// known.
func (s *checkState) letterOf(n int) (LetterPages, bool) {
	list := s.letters.list
	lo, hi := 0, len(list)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case n < list[m].First:
			hi = m
		case n > list[m].Last:
			lo = m + 1
		default:
			return list[m], true
		}
	}
	return LetterPages{}, false
}

// addressReach is how far above the address area the glyphs of a line in
// it can reach: the ascent of a 20 pt line whose baseline lies in the
// area. Ink in the postage area higher than this is not the address, which
// settles most continuation pages without reading their text.
const addressReach = 8.0

// startsLetter reports whether page n starts a letter, with the address
// read from it when it does. It looks, cheapest first, at the bounds of the
// page's objects (nothing in the address area: no), the ink of the postage
// area higher than the address can reach (ink: no), the text of the
// address area (none: no), and the ink of the reserved block that the
// address's glyphs do not explain (ink: no).
func (p *Pass) startsLetter(r *pdfdoc.Raster, n int) (*addressState, bool, error) {
	ctx, cancel := context.WithTimeout(p.Ctx, zonePageTimeout)
	defer cancel()
	g, err := r.Geometry(ctx, n)
	if err != nil {
		return nil, false, err
	}
	marks, err := footprintMM(ctx, r, n, g)
	if err != nil {
		return nil, false, err
	}
	win := p.Window
	if !anyMeets(marks, win.Address) {
		return nil, false, nil
	}
	w, h := g.SizeMM()
	page := rules.Rect{W: w, H: h}
	// A continuation page's text runs through the postage area: one
	// render of its upper part settles most pages.
	high := win.Reserved.Intersect(rules.Rect{X: win.Reserved.X, Y: win.Reserved.Y, W: win.Reserved.W, H: win.Address.Y - addressReach - win.Reserved.Y})
	if high = high.Intersect(page); !high.Empty() {
		z := &zone{rule: rules.ZoneReserved, id: "reserved", page: page, parts: []rules.Rect{high}}
		z.allowed = widen(complement(page, z.parts), edgeTolerance)
		ink, err := anyInk(ctx, r, n, z, marks)
		if err != nil || ink {
			return nil, false, err
		}
	}
	a := p.readAddress(ctx, r, n)
	if a.err != nil {
		return nil, false, a.err
	}
	var keep []rules.Rect
	for _, l := range a.block.Lines {
		if !l.InArea {
			continue
		}
		for _, gl := range l.Glyphs {
			keep = append(keep, gl.Box)
		}
	}
	if len(keep) == 0 {
		return nil, false, nil
	}
	if z := reservedZone(win, page, keep); z != nil {
		ink, err := anyInk(ctx, r, n, z, marks)
		if err != nil || ink {
			return nil, false, err
		}
	}
	return a, true, nil
}

// anyMeets reports whether a rectangle of rs meets r.
func anyMeets(rs []rules.Rect, r rules.Rect) bool {
	for _, m := range rs {
		if m.Overlaps(r) {
			return true
		}
	}
	return false
}
