package render

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// state is what the template functions of one letter see.
type state struct {
	tmpl     *template.Template // a clone bound to this state's functions
	lang     string
	loc      *locale
	date     time.Time
	currency string
	root     any
	page     int
	pages    int
	row      int
	calcs    map[string]string
	busy     map[string]bool
}

// exec runs the text of field in the letter's language with dot as data.
// ok is false when the template has no such text.
func (st *state) exec(field string, dot any) (out string, ok bool, err error) {
	tm := st.tmpl.Lookup(field)
	if tm == nil {
		return "", false, nil
	}
	var b strings.Builder
	if err := tm.Execute(&b, dot); err != nil {
		return "", true, fmt.Errorf("field %s: %w", field, cleanExecError(err))
	}
	out = strings.ReplaceAll(b.String(), "\r\n", "\n")
	if i := strings.Index(out, "<no value>"); i >= 0 {
		line := out[strings.LastIndexByte(out[:i], '\n')+1:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		return "", true, fmt.Errorf("field %s: a value is missing from the data: %q", field, strings.TrimSpace(line))
	}
	return out, true, nil
}

// when evaluates a condition: false when it prints nothing, "false", "0"
// or "no".
func (st *state) when(field, expr string) (bool, error) {
	if expr == "" {
		return true, nil
	}
	out, _, err := st.exec(field, st.root)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(out)) {
	case "", "false", "0", "no":
		return false, nil
	}
	return true, nil
}

// calc runs the template's calc entry name once per letter.
func (st *state) calc(name string) (string, error) {
	if v, ok := st.calcs[name]; ok {
		return v, nil
	}
	if st.busy[name] {
		return "", fmt.Errorf("calc %s depends on itself", name)
	}
	st.busy[name] = true
	defer delete(st.busy, name)
	out, ok, err := st.exec("calc."+name, st.root)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("no calc %q in the template", name)
	}
	out = strings.TrimSpace(out)
	st.calcs[name] = out
	return out, nil
}

// cleanExecError turns text/template's
// `template: subject:1:9: executing "subject" at <.x>: msg` into
// `line 1:9: at <.x>: msg`, and drops "error calling f: " before the
// message of a function's own error (fail, money).
func cleanExecError(err error) error {
	var fe failError
	if errors.As(err, &fe) {
		return fe
	}
	m := templateErr.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	rest := m[2]
	if strings.HasPrefix(rest, "executing ") {
		if i := strings.Index(rest, " at <"); i >= 0 {
			rest = rest[i+1:]
		}
	}
	if i := strings.Index(rest, "error calling "); i >= 0 {
		if j := strings.Index(rest[i:], ": "); j >= 0 {
			rest = rest[:i] + rest[i+j+2:]
		}
	}
	return fmt.Errorf("line %s: %s", m[1], rest)
}

// letter lays out one letter.
type letter struct {
	t       *Template
	st      *state
	g       *geometry
	fam     family
	size    float64 // body size, pt
	small   float64
	table   float64
	leading float64
	errs    []error
	seen    map[string]bool

	rows    []row
	pending float64 // space before the next row

	address []string
	country string
}

// line height in mm of text at size pt
func (l *letter) lh(size float64) float64 { return size * mmPerPt * l.leading }

// text makes a text item after checking the face can draw every character.
func (l *letter) text(field string, st style, size, x, y float64, s string) item {
	fc := l.fam.face(st)
	for _, r := range s {
		if r <= 0xFFFF && r != utf8.RuneError {
			if _, ok := fc.width(r); ok {
				continue
			}
		}
		key := fmt.Sprintf("%s\x00%c", field, r)
		if l.seen[key] {
			continue
		}
		l.seen[key] = true
		switch {
		case r > 0xFFFF:
			l.errs = append(l.errs, fmt.Errorf("field %s: character %q (U+%04X) is outside the Basic Multilingual Plane, which the PDF writer cannot embed", field, r, r))
		case r == utf8.RuneError:
			l.errs = append(l.errs, fmt.Errorf("field %s: the text is not valid UTF-8", field))
		default:
			l.errs = append(l.errs, fmt.Errorf("field %s: character %q (U+%04X) is not in font %s", field, r, r, fc.name))
		}
	}
	return item{kind: kText, field: field, x: x, y: y, w: fc.textWidth(s, size), face: fc, size: size, text: s}
}

// lines sets spans into lines width mm wide, x mm from the left; align is
// left, right or center. It returns each line's items, their y relative to
// the line's top.
func (l *letter) lines(field string, spans []span, size, x, width float64, align string) [][]item {
	lh := l.lh(size)
	var out [][]item
	for _, tl := range wrap(spans, l.fam, size, width) {
		off := 0.0
		switch align {
		case "right":
			off = width - tl.w
		case "center":
			off = (width - tl.w) / 2
		}
		var items []item
		for _, r := range tl.runs {
			// a run may end in the space before a word of another style
			t := strings.TrimRight(r.text, " ")
			if t == "" {
				continue
			}
			fc := l.fam.face(r.st)
			items = append(items, l.text(field, r.st, size, x+off+r.x, baseline(fc, size, lh), t))
		}
		out = append(out, items)
	}
	return out
}

// add appends a row, with at least the pending space above it.
func (l *letter) add(r row) {
	r.before = math.Max(r.before, l.pending)
	l.pending = 0
	l.rows = append(l.rows, r)
}

func (l *letter) gap(mm float64) { l.pending = math.Max(l.pending, mm) }

// build lays the letter out; pages holds the drawn items of each page.
func (l *letter) build() (pages [][]item, err error) {
	s := &l.t.spec
	st := l.st
	var first []item // page 1's fixed items

	addr, err := l.recipient()
	if err != nil {
		return nil, err
	}
	first = append(first, addr...)

	colBottom, err := l.letterhead(&first)
	if err != nil {
		return nil, err
	}

	// the body
	f1 := l.g.first
	bodyLH := l.lh(l.size)
	if out, ok, err := st.exec("place_date", st.root); err != nil {
		return nil, err
	} else if ok && strings.TrimSpace(out) != "" {
		l.block("place_date", parseInline(strings.TrimSpace(out), regular), l.size, f1.X, f1.W, "left", false)
		l.gap(2 * bodyLH)
	}
	if out, ok, err := st.exec("subject", st.root); err != nil {
		return nil, err
	} else if ok && strings.TrimSpace(out) != "" {
		l.block("subject", parseInline(strings.TrimSpace(out), bold), l.size+1, f1.X, f1.W, "left", true)
		l.gap(2 * bodyLH)
	}
	for i, b := range s.Content {
		field := fmt.Sprintf("content[%d]", i)
		ok, err := st.when(field+".when", b.When)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if b.Table != nil {
			if err := l.tableRows(field+".table", b.Table); err != nil {
				return nil, err
			}
			continue
		}
		out, _, err := st.exec(field+".text", st.root)
		if err != nil {
			return nil, err
		}
		l.markdown(field+".text", out)
	}
	if err := l.closing(); err != nil {
		return nil, err
	}

	// page furniture: its size is known before the pages are
	footer, _, err := st.exec("footer.text", st.root)
	if err != nil {
		return nil, err
	}
	footerLines := wrap(parseInline(strings.TrimSpace(footer), regular), l.fam, l.small, math.Min(f1.W, l.g.rest.W)*0.72)
	smallLH := l.lh(l.small)
	footerH := float64(len(footerLines)) * smallLH
	if strings.TrimSpace(footer) == "" {
		footerH = smallLH // the page label alone
	}
	contH := smallLH + 1.5 + 6 // a line, a rule, space
	fr := l.g.rest
	bodyTop := math.Max(l.g.reserved().Y1()+8, colBottom+8)
	pages, err = paginate(l.rows, bodyTop, f1.Y1()-footerH-6, fr.Y+contH, fr.Y1()-footerH-6)
	if err != nil {
		return nil, err
	}
	pages[0] = append(first, pages[0]...)

	st.pages = len(pages)
	for i := range pages {
		st.page = i + 1
		f := l.g.frame(i + 1)
		// footer text, bottom-aligned in the frame, and the page label
		y := f.Y1() - footerH
		if strings.TrimSpace(footer) != "" {
			for _, items := range l.lines("footer.text", parseInline(strings.TrimSpace(footer), regular), l.small, f.X, math.Min(f1.W, l.g.rest.W)*0.72, "left") {
				for _, it := range items {
					it.y += y
					pages[i] = append(pages[i], it)
				}
				y += smallLH
			}
		}
		label, ok, err := st.exec("footer.page", st.root)
		if err != nil {
			return nil, err
		}
		if !ok {
			label = l.pageLabel()
		}
		if label = strings.TrimSpace(label); label != "" {
			fc := l.fam.face(regular)
			it := l.text("footer.page", regular, l.small, 0, f.Y1()-smallLH+baseline(fc, l.small, smallLH), label)
			it.x = f.X1() - it.w
			pages[i] = append(pages[i], it)
		}
		if i == 0 {
			continue
		}
		cont, ok, err := st.exec("continuation", st.root)
		if err != nil {
			return nil, err
		}
		if !ok {
			cont = l.address[0] + ", " + st.loc.longDateOf(st.date)
		}
		rowsC := l.lines("continuation", parseInline(strings.TrimSpace(cont), regular), l.small, f.X, f.W, "left")
		if len(rowsC) > 1 {
			return nil, fmt.Errorf("field continuation: %q does not fit on one line; shorten it", strings.TrimSpace(cont))
		}
		for _, items := range rowsC {
			for _, it := range items {
				it.y += f.Y
				pages[i] = append(pages[i], it)
			}
		}
		pages[i] = append(pages[i], item{kind: kRule, field: "continuation", x: f.X, y: f.Y + smallLH + 1, w: f.W, h: 0.2, gray: true})
	}
	if len(l.errs) > 0 {
		if len(l.errs) > 10 {
			l.errs = append(l.errs[:10], fmt.Errorf("and %d more characters", len(l.errs)-10))
		}
		return nil, errors.Join(l.errs...)
	}
	if err := l.g.verify(pages); err != nil {
		return nil, err
	}
	return pages, nil
}

// pageLabel is the locale's default page label, as "Seite 1/2".
func (l *letter) pageLabel() string {
	return strings.NewReplacer("{{page}}", strconv.Itoa(l.st.page), "{{pages}}", strconv.Itoa(l.st.pages)).Replace(l.st.loc.page)
}

// block adds text as rows, one per line.
func (l *letter) block(field string, spans []span, size, x, width float64, align string, keep bool) {
	lh := l.lh(size)
	lines := l.lines(field, spans, size, x, width, align)
	for i, items := range lines {
		l.add(row{h: lh, items: items, keep: keep || keepLine(i, len(lines)), field: field})
	}
}

// keepLine keeps a paragraph's first line with its second and its last
// line with the one before, so no page starts or ends with a lone line.
func keepLine(i, n int) bool {
	return n >= 3 && (i == 0 || i == n-2) || n == 2 && i == 0
}

// markdown adds body text.
func (l *letter) markdown(field, src string) {
	f := l.g.first
	lh := l.lh(l.size)
	for bi, b := range parseMarkdown(src) {
		if b.first || bi == 0 {
			l.gap(lh)
		} else if b.marker != "" {
			l.gap(0.3 * lh)
		}
		if b.marker == "" {
			l.block(field, b.spans, l.size, f.X, f.W, "left", false)
			continue
		}
		indent := 6.0
		mw := l.fam.face(regular).textWidth(b.marker, l.size)
		if mw+1.5 > indent {
			indent = mw + 1.5
		}
		lines := l.lines(field, b.spans, l.size, f.X+indent, f.W-indent, "left")
		for i, items := range lines {
			if i == 0 {
				fc := l.fam.face(regular)
				x := f.X + indent - 1.5 - mw
				if b.marker == "•" {
					x = f.X + 1.5
				}
				items = append([]item{l.text(field, regular, l.size, x, baseline(fc, l.size, lh), b.marker)}, items...)
			}
			l.add(row{h: lh, items: items, keep: keepLine(i, len(lines)), field: field})
		}
	}
	l.gap(lh)
}

// recipient sets the address block in the window's address area.
func (l *letter) recipient() ([]item, error) {
	st := l.st
	prof := l.g.prof
	out, ok, err := st.exec(fieldAddress, st.root)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("field %s: missing; a letter needs a recipient", fieldAddress)
	}
	var lines []string
	for _, s := range strings.Split(out, "\n") {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			lines = append(lines, s)
		}
	}
	fields := make([]string, len(lines))
	for i := range fields {
		fields[i] = fieldAddress
	}
	code, _, err := st.exec(fieldCountry, st.root)
	if err != nil {
		return nil, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		code = prof.DomesticCountry
	}
	l.country = code
	if code != prof.DomesticCountry {
		name, err := st.loc.countryName(code)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldCountry, err)
		}
		if len(lines) == 0 || !strings.EqualFold(lines[len(lines)-1], name) {
			lines = append(lines, name)
			fields = append(fields, fieldCountry)
		}
	}
	a := prof.Address
	if len(lines) < a.MinLines || len(lines) > a.MaxLines {
		return nil, fmt.Errorf("field %s: the address has %d lines (%s); profile %s needs %d to %d", fieldAddress, len(lines), strings.Join(lines, " / "), prof.Name, a.MinLines, a.MaxLines)
	}
	l.address = lines

	area := l.g.win.Address
	availW, availH := area.W-2*addressInsetMM, area.H-2*addressInsetMM
	fc := l.fam.face(regular)
	const leading = 1.15
	size := math.Min(l.t.spec.Style.AddressPt, a.FontPt[1])
	var widest string
	var widestW float64
	for ; size >= a.FontPt[0]-1e-9; size -= 0.5 {
		em := size * mmPerPt
		widest, widestW = "", 0
		for _, s := range lines {
			if w := fc.textWidth(s, size); w > widestW {
				widest, widestW = s, w
			}
		}
		height := float64(len(lines)-1)*em*leading + (fc.top+fc.bottom)*em
		if widestW > availW || height > availH {
			continue
		}
		var items []item
		y := area.Y + addressInsetMM + fc.top*em
		for i, s := range lines {
			items = append(items, l.text(fields[i], regular, size, area.X+addressInsetMM, y, s))
			y += em * leading
		}
		return items, nil
	}
	if widestW > availW {
		return nil, fmt.Errorf("field %s: the line %q is %.1f mm wide even at %g pt; the address area of the %s window leaves %.1f mm", fieldAddress, widest, widestW, a.FontPt[0], l.windowName(), availW)
	}
	return nil, fmt.Errorf("field %s: %d lines do not fit the %.1f mm high address area of the %s window even at %g pt", fieldAddress, len(lines), area.H, l.windowName(), a.FontPt[0])
}

func (l *letter) windowName() string {
	for name, w := range l.g.prof.Windows {
		if w == l.g.win {
			return name
		}
	}
	return ""
}

// letterhead places the logo and, in the column beside the window, the
// sender block and the reference lines. It returns the column's bottom.
func (l *letter) letterhead(first *[]item) (float64, error) {
	s := &l.t.spec
	st := l.st
	f := l.g.first
	res := l.g.reserved()
	area := l.g.win.Address
	const colGap = 4
	var colX0, colX1 float64
	if area.X+area.W/2 < l.g.w/2 { // window on the left: the column is on the right
		colX0, colX1 = res.X1()+colGap, f.X1()
	} else {
		colX0, colX1 = f.X, res.X-colGap
	}
	if colX1-colX0 < 40 {
		return 0, fmt.Errorf("the %s window leaves only %.1f mm beside it for the letterhead", l.windowName(), colX1-colX0)
	}
	y := f.Y
	if lg := s.Letterhead.Logo; lg != nil {
		a := l.t.image[lg.File]
		w, h := imageSize(lg, a, 40, 15)
		x := f.X
		if lg.Align == "right" {
			x = f.X1() - w
		}
		if x < res.X1() && x+w > res.X { // over the reserved block: it must fit above it
			if maxH := res.Y - 2 - f.Y; h > maxH {
				if maxH < 5 {
					return 0, fmt.Errorf("letterhead.logo: no room above the reserved block for the logo; align it to the other side")
				}
				w, h = w*maxH/h, maxH
				if lg.Align == "right" {
					x = f.X1() - w
				}
			}
		}
		*first = append(*first, item{kind: kImage, field: "letterhead.logo", x: x, y: f.Y, w: w, h: h, img: a, text: lg.File})
		if x < colX1 && x+w > colX0 {
			y = f.Y + h + 4
		}
	}
	smallLH := l.lh(l.small)
	if out, _, err := st.exec("letterhead.sender", st.root); err != nil {
		return 0, err
	} else if out = strings.TrimSpace(out); out != "" {
		for _, items := range l.lines("letterhead.sender", parseInline(out, regular), l.small, colX0, colX1-colX0, "left") {
			for _, it := range items {
				it.y += y
				*first = append(*first, it)
			}
			y += smallLH
		}
	}
	// reference lines: labels and values in two columns, level with the
	// address when there is room
	type ref struct{ label, value string }
	var refs []ref
	labelW := 0.0
	for i, r := range s.References {
		field := fmt.Sprintf("references[%d]", i)
		ok, err := st.when(field+".when", r.When)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		lab, _, err := st.exec(field+".label", st.root)
		if err != nil {
			return 0, err
		}
		val, _, err := st.exec(field+".value", st.root)
		if err != nil {
			return 0, err
		}
		lab, val = strings.TrimSpace(lab), strings.TrimSpace(val)
		if val == "" {
			continue // an empty reference is left out, label and all
		}
		refs = append(refs, ref{lab, val})
		labelW = math.Max(labelW, l.fam.face(regular).textWidth(lab, l.small))
	}
	if len(refs) > 0 {
		labelW = math.Min(labelW+3, (colX1-colX0)/2)
		y = math.Max(y+4, area.Y)
		for i, r := range refs {
			field := fmt.Sprintf("references[%d]", i)
			labs := l.lines(field+".label", plain(r.label, regular), l.small, colX0, labelW-3, "left")
			vals := l.lines(field+".value", parseInline(r.value, regular), l.small, colX0+labelW, colX1-colX0-labelW, "left")
			for j := 0; j < max(len(labs), len(vals)); j++ {
				var items []item
				if j < len(labs) {
					items = append(items, labs[j]...)
				}
				if j < len(vals) {
					items = append(items, vals[j]...)
				}
				for _, it := range items {
					it.y += y
					*first = append(*first, it)
				}
				y += smallLH
			}
		}
	}
	return y, nil
}

// imageSize returns an image's size in mm from the template's width and
// height, keeping its aspect ratio; with neither, it fits defW x defH.
func imageSize(sp *imageSpec, a *asset, defW, defH float64) (w, h float64) {
	ratio := float64(a.w) / float64(a.h)
	switch {
	case sp.WidthMM > 0 && sp.HeightMM > 0:
		w, h = sp.WidthMM, sp.WidthMM/ratio
		if h > sp.HeightMM {
			w, h = sp.HeightMM*ratio, sp.HeightMM
		}
	case sp.WidthMM > 0:
		w, h = sp.WidthMM, sp.WidthMM/ratio
	case sp.HeightMM > 0:
		w, h = sp.HeightMM*ratio, sp.HeightMM
	default:
		w, h = defH*ratio, defH
		if w > defW {
			w, h = defW, defW/ratio
		}
	}
	return w, h
}

// tableRows adds a table: header, one row per item of the data list, and
// the totals.
func (l *letter) tableRows(field string, tb *tableSpec) error {
	st := l.st
	f := l.g.first
	list, err := lookup(st.root, tb.Rows)
	if err != nil {
		return fmt.Errorf("%s.rows: %w", field, err)
	}
	rv := reflect.ValueOf(list)
	if list != nil && rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return fmt.Errorf("%s.rows: %s is %s, not a list", field, tb.Rows, kindOf(list))
	}
	const pad = 3.0 // between columns
	fixed, flexible := 0.0, 0
	for _, c := range tb.Columns {
		fixed += c.WidthMM
		if c.WidthMM == 0 {
			flexible++
		}
	}
	rest := (f.W - fixed) / float64(flexible)
	if rest < 20 {
		return fmt.Errorf("%s.columns: the fixed widths (%.1f mm) leave %.1f mm for the other columns of a %.1f mm line", field, fixed, rest, f.W)
	}
	xs := make([]float64, len(tb.Columns)+1)
	xs[0] = f.X
	for i, c := range tb.Columns {
		w := c.WidthMM
		if w == 0 {
			w = rest
		}
		xs[i+1] = xs[i] + w
	}
	inner := func(i int) (x, w float64) {
		w = xs[i+1] - xs[i]
		if i < len(tb.Columns)-1 {
			w -= pad
		}
		return xs[i], w
	}
	size := l.table
	lh := l.lh(size)
	const vpad = 0.8 // above and below each row's text
	cells := func(texts []string, st style, cfield []string, aligns func(int) string) row {
		var items []item
		n := 1
		for i, t := range texts {
			x, w := inner(i)
			ls := l.lines(cfield[i], plain(t, st), size, x, w, aligns(i))
			for j, li := range ls {
				for _, it := range li {
					it.y += vpad + float64(j)*lh
					items = append(items, it)
				}
			}
			n = max(n, len(ls))
		}
		return row{h: float64(n)*lh + 2*vpad, items: items}
	}
	align := func(i int) string {
		if a := tb.Columns[i].Align; a != "" {
			return a
		}
		return "left"
	}

	headField := make([]string, len(tb.Columns))
	valueField := make([]string, len(tb.Columns))
	for i := range tb.Columns {
		headField[i] = fmt.Sprintf("%s.columns[%d].header", field, i)
		valueField[i] = fmt.Sprintf("%s.columns[%d].value", field, i)
	}
	headers := make([]string, len(tb.Columns))
	for i := range tb.Columns {
		out, _, err := st.exec(headField[i], st.root)
		if err != nil {
			return err
		}
		headers[i] = strings.TrimSpace(out)
	}
	head := cells(headers, bold, headField, align)
	head.items = append(head.items, item{kind: kRule, field: field, x: f.X, y: head.h, w: xs[len(xs)-1] - f.X, h: 0.3})
	head.field, head.keep = field, true
	l.gap(l.lh(l.size))
	l.add(head)

	n := 0
	if list != nil {
		n = rv.Len()
	}
	for r := 0; r < n; r++ {
		elem := rv.Index(r).Interface()
		st.row = r + 1
		texts := make([]string, len(tb.Columns))
		for i := range tb.Columns {
			out, _, err := st.exec(valueField[i], elem)
			if err != nil {
				return fmt.Errorf("%s row %d: %w", tb.Rows, r+1, err)
			}
			texts[i] = strings.TrimSpace(out)
		}
		rowField := fmt.Sprintf("%s row %d", field, r+1)
		rw := cells(texts, regular, valueField, align)
		if r < n-1 {
			rw.items = append(rw.items, item{kind: kRule, field: rowField, x: f.X, y: rw.h, w: xs[len(xs)-1] - f.X, h: 0.1, gray: true})
		}
		rw.field, rw.head = rowField, []row{head}
		rw.keep = r == n-1 && len(tb.Totals) > 0 // the last item stays with the totals
		l.add(rw)
	}

	last := len(tb.Columns) - 1
	first := true
	for j, tot := range tb.Totals {
		tf := fmt.Sprintf("%s.totals[%d]", field, j)
		ok, err := st.when(tf+".when", tot.When)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		lab, _, err := st.exec(tf+".label", st.root)
		if err != nil {
			return err
		}
		val, _, err := st.exec(tf+".value", st.root)
		if err != nil {
			return err
		}
		sty := regular
		if tot.Bold {
			sty = bold
		}
		var items []item
		labW := xs[last] - f.X - pad
		ls := l.lines(tf+".label", plain(strings.TrimSpace(lab), sty), size, f.X, labW, "right")
		vx, vw := inner(last)
		vs := l.lines(tf+".value", plain(strings.TrimSpace(val), sty), size, vx, vw, align(last))
		nl := max(len(ls), len(vs))
		for k := 0; k < nl; k++ {
			for _, src := range [][][]item{ls, vs} {
				if k < len(src) {
					for _, it := range src[k] {
						it.y += vpad + float64(k)*lh
						items = append(items, it)
					}
				}
			}
		}
		if tot.Rule || first {
			w := 0.3
			if !tot.Rule {
				w = 0.1
			}
			rx := xs[max(last-1, 0)]
			items = append(items, item{kind: kRule, field: tf, x: rx, y: 0, w: xs[len(xs)-1] - rx, h: w})
		}
		first = false
		l.add(row{h: float64(nl)*lh + 2*vpad, items: items, keep: true, field: tf})
	}
	if n := len(l.rows); n > 0 {
		l.rows[n-1].keep = false
	}
	l.gap(l.lh(l.size))
	return nil
}

// closing adds the closing, the signature and the signers, kept together.
func (l *letter) closing() error {
	s := &l.t.spec
	st := l.st
	f := l.g.first
	lh := l.lh(l.size)
	start := len(l.rows)
	if start > 0 {
		l.rows[start-1].keep = true // no closing alone at the top of a page
	}
	out, _, err := st.exec("closing.text", st.root)
	if err != nil {
		return err
	}
	if out = strings.TrimSpace(out); out != "" {
		l.gap(lh)
		l.block("closing.text", parseInline(out, regular), l.size, f.X, f.W, "left", true)
	}
	if sg := s.Closing.Signature; sg != nil {
		a := l.t.image[sg.File]
		w, h := imageSize(sg, a, 50, 15)
		x := f.X
		if sg.Align == "right" {
			x = f.X1() - w
		}
		l.gap(1)
		l.add(row{h: h, items: []item{{kind: kImage, field: "closing.signature", x: x, y: 0, w: w, h: h, img: a, text: sg.File}}, keep: true, field: "closing.signature"})
		l.gap(1)
	} else if len(s.Closing.Signers) > 0 {
		l.gap(2.5 * lh) // room for a handwritten signature
	}
	if n := len(s.Closing.Signers); n > 0 {
		colW := math.Min(70, f.W/float64(n))
		var items []item
		height := 0
		for i := range s.Closing.Signers {
			field := fmt.Sprintf("closing.signers[%d]", i)
			out, _, err := st.exec(field, st.root)
			if err != nil {
				return err
			}
			ls := l.lines(field, parseInline(strings.TrimSpace(out), regular), l.size, f.X+float64(i)*colW, colW-4, "left")
			for j, li := range ls {
				for _, it := range li {
					it.y += float64(j) * lh
					items = append(items, it)
				}
			}
			height = max(height, len(ls))
		}
		l.add(row{h: float64(height) * lh, items: items, field: "closing.signers"})
	}
	if len(l.rows) > start {
		l.rows[len(l.rows)-1].keep = false
	}
	return nil
}
