package preflight

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/lettergate/lettergate/preflight/address"
	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

// The address rules judge the recipient address of page 1 as Pingen reads
// it: the text in the address area of the envelope window, and its last
// line as the country. They share one reading of page 1 (see recipient),
// which the zone rules use too.

// Rule IDs of the address rules.
const (
	addrMissing  = "address.missing"
	addrOutside  = "address.outside"
	addrLines    = "address.lines"
	addrCountry  = "address.country"
	addrPostcode = "address.postcode"
	addrFont     = "address.font"
)

var (
	AddressMissing = &Rule{
		ID: addrMissing, Severity: Error, Pixels: true, Run: runAddressMissing,
		Doc: `Page 1: no recipient address as text in the address area.

Pingen reads the recipient from the text in the address area of page 1. With
nothing there, or only an image, vector shapes (text converted to outlines)
or other ink that is not text, its address recognition has nothing to read.
The finding says which it is. In a file split into letters (--split), each
letter's first page is read, and the address rules judge each letter's
address.`,
	}
	AddressOutside = &Rule{
		ID: addrOutside, Severity: Error, Pixels: true, Run: runAddressOutside,
		Doc: `Page 1: the recipient address reaches past an edge of the address area.

The address is every line of text whose body lies in the address area, and
the lines just above and below it in the reserved block that continue it
(same pitch, aligned, similar size). A glyph reaching more than 0.05 mm past
an edge counts. There is one finding for each side the address crosses,
naming the line that crosses furthest, with the shortest move of the whole
block as the fix. The address's ink in the reserved block is reported here
only, not as zone.reserved.`,
	}
	AddressLines = &Rule{
		ID: addrLines, Severity: Error, Pixels: true, Run: runAddressLines,
		Doc: `Page 1: the address has more or fewer lines than the profile allows.

More than address.max_lines (Pingen: 6) is an error: the lines cannot fit the
window. Fewer than address.min_lines (3) is a warning: Pingen publishes no
exact rule, so whether a short address is refused, and whether the country
line counts, is not confirmed. Every line read counts, the country line
too.`,
	}
	AddressCountry = &Rule{
		ID: addrCountry, Severity: Error, Pixels: true, Run: runAddressCountry,
		Doc: `Page 1: the country line is missing, not accepted, or names another destination.

Pingen reads the destination from the last line of the address: a country
name in English, German, French or Italian, not an ISO code. The line may be
left out for domestic mail when the profile's domestic country is CH, DE, AT,
NL or IN (Pingen), GB (Pingen's list of country names) or FR or LU (the La
Poste and bpost rules as read by guteneo; unconfirmed). Without a country
line the letter is domestic mail, unless the check is told the destination
(--country); a postcode prefix such as "D-" names it too. The destination
read here sets the page limit of pages.count.`,
	}
	AddressPostcode = &Rule{
		ID: addrPostcode, Severity: Warning, Pixels: true, Run: runAddressPostcode,
		Doc: `Page 1: the postcode line does not fit the destination's format.

The postcode line is the one before the country line, or the last line when
there is none. Formats are known for CH, LI, AT, DE, FR, IT, ES, BE, LU, NL,
GB and US; other destinations are not checked. A "D-" or "DE-" prefix on a
German postcode, which Deutsche Post does not accept, is reported too. A
warning: the post may still deliver the letter.`,
	}
	AddressFont = &Rule{
		ID: addrFont, Severity: Warning, Pixels: true, Run: runAddressFont,
		Doc: `Page 1: address type size outside the profile's range (Pingen: 8 to 12 pt).

The size of a line is the one most of its glyphs have, as printed (the font
size scaled by the text and page matrices), so a superscript does not count.
The range comes from the typography rules of Deutsche Post and bpost that
Pingen checks (as read by guteneo); the address recognition is surest at 10
to 12 pt.`,
	}
)

// addressState is the recipient address of a letter, read once per check
// from the letter's first page.
type addressState struct {
	err  error
	read bool // the page was read: the file has pages and the window an address area

	block address.Block
	parse address.Result
	// dest is the letter's destination: the one given to the check, else
	// the one the address names, else the profile's domestic country.
	dest string
	// fromLetter is set when the destination is the one the address names
	// (its country line or postcode prefix), not one given or assumed.
	fromLetter bool
	// empty says what prints in the address area when no line was found.
	empty *areaInk
}

// areaInk is the ink in an address area that holds no text.
type areaInk struct {
	box rules.Rect    // of the ink; empty when there is none
	obj *placedObject // the object that prints it; nil when none explains it
}

// recipient returns the address of letter l, reading it from the letter's
// first page on first use: the characters PDFium finds near the window, in
// millimetres of the page as displayed, grouped into the address block of
// the window, and parsed. The address of letter 1 sets the destination of
// the check when the options gave none and the letter names one. The state
// is returned even with an error.
func (p *Pass) recipient(l LetterPages) (*addressState, error) {
	if s, ok := p.check.addresses[l.Letter]; ok {
		return s, s.err
	}
	var s *addressState
	if p.readsAddresses() {
		r, err := p.Raster()
		if err != nil {
			s = &addressState{dest: p.check.defaultCountry, err: err}
		} else {
			s = p.letterAddress(r, l.First)
		}
	} else {
		s = &addressState{dest: p.check.defaultCountry}
	}
	p.keepAddress(l.Letter, s)
	return s, s.err
}

// readsAddresses reports whether there are addresses to read: the file
// has pages and the window an address area.
func (p *Pass) readsAddresses() bool {
	return p.Doc != nil && p.Doc.PageCount > 0 && !p.Window.Address.Empty()
}

// letterAddress reads on r the address of the letter that begins on page
// n, under the page time limit, and keeps nothing: the zone rules read
// the addresses of a long file on several cores (see checkZones).
func (p *Pass) letterAddress(r *pdfdoc.Raster, n int) *addressState {
	if !p.readsAddresses() {
		return &addressState{dest: p.check.defaultCountry}
	}
	ctx, cancel := context.WithTimeout(p.Ctx, zonePageTimeout)
	defer cancel()
	return p.readAddress(ctx, r, n)
}

// keepAddress records the address of a letter.
func (p *Pass) keepAddress(letter int, s *addressState) {
	if p.check.addresses == nil {
		p.check.addresses = map[int]*addressState{}
	}
	p.check.addresses[letter] = s
	if letter == 1 && s.fromLetter {
		p.check.country = s.dest
	}
}

// readAddress reads the address on page n; its error is in the state.
func (p *Pass) readAddress(ctx context.Context, r *pdfdoc.Raster, n int) *addressState {
	s := &addressState{dest: p.check.defaultCountry}
	s.err = s.readPage(ctx, p, r, n)
	return s
}

func (s *addressState) readPage(ctx context.Context, p *Pass, r *pdfdoc.Raster, n int) error {
	g, err := r.Geometry(ctx, n)
	if err != nil {
		return fmt.Errorf("reading the address on page %d: %w", n, err)
	}
	// Only the characters near the window: reading every character of a
	// page costs several times more.
	w, _ := g.SizeMM()
	y0, y1 := address.Strip(p.Window)
	chars, err := r.CharsIn(ctx, n, rules.Rect{X: 0, Y: y0, W: w, H: y1 - y0})
	if err != nil {
		return fmt.Errorf("reading the text of page %d: %w", n, err)
	}
	s.block = address.Find(glyphs(chars, g), p.Window)
	s.read = true
	forced := ""
	if p.check.forced {
		forced = p.check.defaultCountry
	}
	s.parse = address.Parse(s.block.Texts(), address.Options{Domestic: p.Profile.DomesticCountry, Destination: forced})
	if forced == "" && s.parse.Destination != "" && (s.parse.Country.Code != "" || s.parse.Prefix != nil) {
		s.fromLetter = true
		s.dest = s.parse.Destination
	}
	if len(s.block.Lines) == 0 {
		if s.empty, err = inkInArea(ctx, r, g, n, p.Window.Address); err != nil {
			return fmt.Errorf("looking at the address area of page %d: %w", n, err)
		}
	}
	return nil
}

// eachAddress calls f with the address of each letter whose address could
// be read. It goes on past a letter whose address cannot be read and
// returns the first such error. When the letters are known only in part
// (a split by address that stopped early), it goes through those.
func (p *Pass) eachAddress(f func(l LetterPages, a *addressState)) error {
	letters, first := p.Letters()
	if first != nil {
		letters = p.check.letters.list
	}
	for _, l := range letters {
		a, err := p.recipient(l)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		f(l, a)
	}
	return first
}

// glyphs converts PDFium's characters to the address package's glyphs.
func glyphs(chars []pdfdoc.Char, g pdfdoc.Geometry) []address.Glyph {
	out := make([]address.Glyph, len(chars))
	for i, c := range chars {
		out[i] = address.Glyph{Rune: c.Rune, SizePt: c.SizePt, Font: c.Font, Generated: c.Generated}
		if !c.Generated {
			out[i].Box = g.BoxToMM(c.Box)
		}
	}
	return out
}

// glyphBoxes returns the boxes of the address's glyphs that reach out of
// the address area: their ink is the address's, reported by
// address.outside, not by zone.reserved.
func (s *addressState) glyphBoxes() []rules.Rect {
	var out []rules.Rect
	for _, l := range s.block.Lines {
		for _, g := range l.Glyphs {
			if !s.block.Area.Contains(g.Box) {
				out = append(out, g.Box)
			}
		}
	}
	return out
}

// report returns the address for the report: nil when none was read.
func (s *addressState) report() *Address {
	if !s.read || len(s.block.Lines) == 0 {
		return nil
	}
	a := &Address{Lines: s.block.Texts(), Box: BoxOf(s.block.Box)}
	if s.fromLetter {
		a.Country = s.parse.Destination
	}
	return a
}

// inkInArea finds the ink in an address area without text on page n, as
// the zones find it (darker than inkLevel, more than edgeTolerance
// inside), and the topmost object that prints it (none on a page with more
// objects than the limit).
func inkInArea(ctx context.Context, r *pdfdoc.Raster, g pdfdoc.Geometry, n int, area rules.Rect) (*areaInk, error) {
	img, err := r.RenderGray(ctx, n, area, zoneDPI)
	if err != nil {
		return nil, err
	}
	inner := rules.Rect{X: area.X + edgeTolerance, Y: area.Y + edgeTolerance, W: area.W - 2*edgeTolerance, H: area.H - 2*edgeTolerance}
	out := &areaInk{}
	im := img.Image
	w, h := im.Rect.Dx(), im.Rect.Dy()
	for y := 0; y < h; y++ {
		row := im.Pix[y*im.Stride : y*im.Stride+w]
		for x, v := range row {
			if v >= inkLevel {
				continue
			}
			if px := img.PixelRect(x, y); inner.Contains(px) {
				out.box = out.box.Union(px)
			}
		}
	}
	if out.box.Empty() {
		return out, nil
	}
	list, err := r.Objects(ctx, n)
	var over *pdfdoc.LimitError
	if errors.As(err, &over) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	objs := placeObjects(list, g)
	// The topmost object that can print and meets the ink; a form only
	// when none of its own objects does.
	for _, forms := range []bool{false, true} {
		for i := len(objs) - 1; i >= 0; i-- {
			o := objs[i]
			if o.obj.Invisible() || (o.obj.Kind == pdfdoc.KindForm) != forms || !o.box.Overlaps(out.box) {
				continue
			}
			out.obj = &objs[i]
			return out, nil
		}
	}
	return out, nil
}

func runAddressMissing(p *Pass) error {
	// The other address rules leave a reading error to this one.
	return p.eachAddress(func(l LetterPages, a *addressState) { checkAddressMissing(p, l.First, a) })
}

func checkAddressMissing(p *Pass, page int, a *addressState) {
	if !a.read || len(a.block.Lines) > 0 {
		return
	}
	area := p.Window.Address
	where := fmt.Sprintf("the address area (x %s, y %s mm)", span(area.X, area.X1()), span(area.Y, area.Y1()))
	e := a.empty
	if e == nil || e.box.Empty() {
		p.Report(Finding{Page: page, Box: BoxOf(area), Message: "nothing in the address area",
			Fix: "write the recipient address as text inside " + where})
		return
	}
	f := Finding{Page: page, Box: BoxOf(e.box),
		Fix: "set the recipient address as text (not an image or outlines) inside " + where}
	what, them := "ink that is not text", "it"
	if e.obj != nil {
		o := e.obj.obj
		f.Object = &ObjectRef{Kind: string(o.Kind)}
		switch o.Kind {
		case pdfdoc.KindImage:
			what = "an image, not text"
		case pdfdoc.KindPath:
			what, them = "vector shapes, not text", "them"
		case pdfdoc.KindText:
			// Drawn text whose characters PDFium cannot list (no
			// character boxes): there is nothing to read either.
			what = "text whose characters cannot be extracted"
			f.Object.Font, f.Object.SizePt = o.Font, round1(o.SizePt)
		case pdfdoc.KindAnnotation:
			what = objectName(o, e.obj.box) + ", not text of the page"
		default:
			what = objectName(o, e.obj.box) + ", not text"
		}
	}
	f.Message = fmt.Sprintf("the address area holds %s: Pingen's address recognition cannot read %s", what, them)
	p.Report(f)
}

// lineRef names an address line as the object of a finding.
func lineRef(l address.Line) *ObjectRef {
	return &ObjectRef{Kind: string(pdfdoc.KindText), Text: l.Text, Font: l.Font, SizePt: round1(l.SizePt)}
}

func runAddressOutside(p *Pass) error {
	p.eachAddress(func(l LetterPages, a *addressState) { checkAddressOutside(p, l.First, a) })
	return nil
}

func checkAddressOutside(p *Pass, page int, a *addressState) {
	if !a.read {
		return
	}
	b := a.block
	cs := b.Crossings()
	if len(cs) == 0 {
		return
	}
	m := b.Move()
	fix := m.String()
	if fix == "" {
		fix = "keep the address inside the address area"
	}
	// One finding per axis: a block that fits the area on an axis can
	// cross only one of its two edges; one that does not is one problem,
	// too tall or too wide, whichever edges its lines cross.
	for _, axis := range []struct {
		edges [2]string
		over  float64
		dim   string
	}{
		{[2]string{"left", "right"}, m.TooWide, "wider"},
		{[2]string{"top", "bottom"}, m.TooTall, "taller"},
	} {
		var parts []string
		var box rules.Rect
		var worst address.Crossing
		found := false
		for _, edge := range axis.edges {
			var list []address.Crossing
			for _, c := range cs {
				if c.Edge == edge {
					list = append(list, c)
				}
			}
			if len(list) == 0 {
				continue
			}
			most, same := list[0].MM, true
			for _, c := range list {
				box = box.Union(b.Lines[c.Line].Box)
				same = same && c.MM == list[0].MM
				most = math.Max(most, c.MM)
				if !found || c.MM > worst.MM {
					worst, found = c, true
				}
			}
			by := fmt.Sprintf("%.1f mm", most)
			if !same {
				by = "up to " + by
			}
			verb := "reaches"
			if len(list) > 1 {
				verb = "reach"
			}
			parts = append(parts, fmt.Sprintf("%s %s %s past the %s edge", lineList(list), verb, by, edge))
		}
		if len(parts) == 0 {
			continue
		}
		msg := strings.Join(parts, " and ") + " of the address area"
		if axis.over > 0 {
			msg += fmt.Sprintf("; the block is %.1f mm %s than the area", axis.over, axis.dim)
			box = b.Box
		}
		p.Report(Finding{Page: page, Box: BoxOf(box), Object: lineRef(b.Lines[worst.Line]), Message: msg, Fix: fix})
	}
}

// lineList names the lines of crossings: "line 3", "lines 1, 2 and 3".
func lineList(cs []address.Crossing) string {
	var ns []int
	for _, c := range cs {
		ns = append(ns, c.Line+1)
	}
	return numberList("line", "lines", ns)
}

// numberList writes "line 3", "lines 2 and 3" or "lines 1 to 4".
func numberList(one, many string, ns []int) string {
	if len(ns) == 1 {
		return fmt.Sprintf("%s %d", one, ns[0])
	}
	run := true
	for i := 1; i < len(ns); i++ {
		run = run && ns[i] == ns[i-1]+1
	}
	if run && len(ns) > 2 {
		return fmt.Sprintf("%s %d to %d", many, ns[0], ns[len(ns)-1])
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return many + " " + joinAnd(parts)
}

func runAddressLines(p *Pass) error {
	p.eachAddress(func(l LetterPages, a *addressState) { checkAddressLines(p, l.First, a) })
	return nil
}

func checkAddressLines(p *Pass, page int, a *addressState) {
	if !a.read || len(a.block.Lines) == 0 {
		return
	}
	n := len(a.block.Lines)
	lim := p.Profile.Address
	switch {
	case lim.MaxLines > 0 && n > lim.MaxLines:
		p.Report(Finding{Page: page, Box: BoxOf(a.block.Box),
			Message: fmt.Sprintf("the address has %d lines, more than the %d the window takes", n, lim.MaxLines),
			Fix:     fmt.Sprintf("shorten the address to at most %d lines", lim.MaxLines)})
	case n < lim.MinLines:
		p.Report(Finding{Page: page, Severity: Warning, Box: BoxOf(a.block.Box),
			Message: fmt.Sprintf("the address has %d %s, fewer than the %d expected", n, pluralLines(n), lim.MinLines),
			Fix:     "give the recipient's name, the street and number, and the postcode and town a line each"})
	}
}

func pluralLines(n int) string {
	if n == 1 {
		return "line"
	}
	return "lines"
}

func runAddressCountry(p *Pass) error {
	p.eachAddress(func(l LetterPages, a *addressState) { checkAddressCountry(p, l.First, a) })
	return nil
}

func checkAddressCountry(p *Pass, page int, a *addressState) {
	if !a.read || len(a.block.Lines) == 0 {
		return
	}
	b, c := a.block, a.parse.Country
	f := Finding{Page: page, Box: BoxOf(b.Box)}
	if c.Index >= 0 {
		l := b.Lines[c.Index]
		f.Box, f.Object = BoxOf(l.Box), lineRef(l)
	}
	dest := a.parse.Destination
	spell := func(code string) string { return countrySpelling(code, p.Profile.DomesticCountry) }
	switch c.Status {
	case address.CountryNamed, address.CountryOmitted:
		return
	case address.CountryMissing:
		f.Message = fmt.Sprintf("the address has no country line, and the letter goes to %s", countryName(dest))
		if dest == region(p.Profile.DomesticCountry) {
			f.Message = fmt.Sprintf("the address has no country line; Pingen needs one even on domestic mail within %s", countryName(dest))
		}
		f.Fix = fmt.Sprintf("end the address with the line %s", spell(dest))
	case address.CountryISO:
		f.Message = fmt.Sprintf("the country is written as the code '%s'; Pingen reads only country names", c.Line)
		f.Fix = fmt.Sprintf("write the country as %s, not '%s'", spell(c.Code), c.Line)
	case address.CountryUnknown:
		f.Message = fmt.Sprintf("the last line %q is not a country name Pingen accepts", c.Line)
		if c.Code != "" {
			f.Fix = fmt.Sprintf("write the country alone on the last line, as %s", spell(c.Code))
		} else {
			f.Fix = "write the country's name in English, German, French or Italian on the last line"
		}
	case address.CountryConflict:
		f.Message = fmt.Sprintf("the address names %s, but the letter is checked as mail to %s", countryName(c.Code), countryName(dest))
		f.Fix = "correct the country line, or the destination given to the check (--country)"
	default:
		return
	}
	p.Report(f)
}

func runAddressPostcode(p *Pass) error {
	p.eachAddress(func(l LetterPages, a *addressState) { checkAddressPostcode(p, l.First, a) })
	return nil
}

func checkAddressPostcode(p *Pass, page int, a *addressState) {
	if !a.read || len(a.block.Lines) == 0 {
		return
	}
	res := a.parse
	pc := res.Postcode
	line := func(i int) (*BoxMM, *ObjectRef) {
		l := a.block.Lines[i]
		return BoxOf(l.Box), lineRef(l)
	}
	if pc.Status == address.PostcodeBad {
		box, obj := line(pc.Index)
		fix := "write " + pc.Format
		if !p.check.forced && !a.fromLetter {
			// Taken as domestic for want of a country line: the
			// letter may be meant to go abroad.
			fix += "; if the letter goes abroad, end the address with the country's name"
		}
		p.Report(Finding{Page: page, Box: box, Object: obj,
			Message: fmt.Sprintf("postcode line %q does not fit the format for %s", pc.Line, countryName(res.Destination)),
			Fix:     fix})
	}
	if pre := res.Prefix; pre != nil && pre.Forbidden && res.Destination == pre.Code && pc.Index >= 0 {
		box, obj := line(pc.Index)
		p.Report(Finding{Page: page, Box: box, Object: obj,
			Message: fmt.Sprintf("postcode line %q has the prefix '%s', which the post of %s does not accept", pc.Line, pre.Text, countryName(pre.Code)),
			Fix:     fmt.Sprintf("write the postcode without '%s'", pre.Text)})
	}
}

func runAddressFont(p *Pass) error {
	p.eachAddress(func(l LetterPages, a *addressState) { checkAddressFont(p, l.First, a) })
	return nil
}

func checkAddressFont(p *Pass, page int, a *addressState) {
	if !a.read || len(a.block.Lines) == 0 {
		return
	}
	lo, hi := p.Profile.Address.FontPt[0], p.Profile.Address.FontPt[1]
	if hi <= 0 {
		return
	}
	const eps = 0.05 // sizes are compared as reported, to 0.1 pt
	for _, side := range []struct {
		bad   func(float64) bool
		worse func(a, b float64) bool
		limit string
	}{
		{func(s float64) bool { return s > 0 && s < lo-eps }, func(a, b float64) bool { return a < b }, fmt.Sprintf("under the %g pt minimum", lo)},
		{func(s float64) bool { return s > hi+eps }, func(a, b float64) bool { return a > b }, fmt.Sprintf("over the %g pt maximum", hi)},
	} {
		var ns []int
		var box rules.Rect
		worst := -1
		minPt, maxPt := math.Inf(1), math.Inf(-1)
		for i, l := range a.block.Lines {
			if !side.bad(l.SizePt) {
				continue
			}
			ns = append(ns, i+1)
			box = box.Union(l.Box)
			minPt, maxPt = math.Min(minPt, l.SizePt), math.Max(maxPt, l.SizePt)
			if worst < 0 || side.worse(l.SizePt, a.block.Lines[worst].SizePt) {
				worst = i
			}
		}
		if worst < 0 {
			continue
		}
		size := fmt.Sprintf("%g pt", round1(minPt))
		if round1(minPt) != round1(maxPt) {
			size = fmt.Sprintf("%g to %g pt", round1(minPt), round1(maxPt))
		}
		who := "the address is"
		switch {
		case len(ns) < len(a.block.Lines) && len(ns) == 1:
			who = numberList("line", "lines", ns) + " is"
		case len(ns) < len(a.block.Lines):
			who = numberList("line", "lines", ns) + " are"
		}
		p.Report(Finding{Page: page, Box: BoxOf(box), Object: lineRef(a.block.Lines[worst]),
			Message: fmt.Sprintf("%s set in %s, %s", who, size, side.limit),
			Fix:     fmt.Sprintf("set the address in %g to %g pt", lo, hi)})
	}
}

// region returns the canonical ISO code for code ("UK" is GB).
func region(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	return r.Canonicalize().String()
}

// countryName names a country in English for messages: "Germany".
func countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.English.Regions().Name(r); n != "" {
		return n
	}
	return code
}

// countrySpelling says how to write a country on the last line: its name
// in the language of the profile's domestic country and in English, both
// spellings Pingen accepts ("'Deutschland' or 'Germany'").
func countrySpelling(code, domestic string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	en := display.English.Regions().Name(r)
	var local string
	switch region(domestic) {
	case "CH", "DE", "AT", "LI":
		local = display.German.Regions().Name(r)
	case "FR", "BE", "LU", "MC":
		local = display.French.Regions().Name(r)
	case "IT", "SM", "VA":
		local = display.Italian.Regions().Name(r)
	}
	if local == "" || local == en {
		return "'" + en + "'"
	}
	return fmt.Sprintf("'%s' or '%s'", local, en)
}
