// Package render turns a letter template and its data into a PDF laid out
// for a print-and-mail profile: the recipient block in the profile's address
// area, nothing in its blank zones or reserved block, text flowing onto
// further pages. The geometry comes from the same [rules.Profile] the
// pre-flight check reads, so a template cannot drift from the check.
//
// Output is deterministic: the same template, data and options give the
// same bytes.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/lettergate/lettergate/rules"
)

// Options choose the profile, window, language and date of letters.
type Options struct {
	// Profile is the layout the letters must pass; nil is the built-in
	// "pingen" profile.
	Profile *rules.Profile
	// Window is the envelope window, as "left"; empty is the profile's
	// default window.
	Window string
	// Lang is the template language (de, fr, en) or a locale (de-CH,
	// de-DE, fr-CH, fr-FR, en-GB); empty is the template's first language
	// in its default locale.
	Lang string
	// Date is the letter date. Zero takes the data's "date" (2026-11-27);
	// there is no default, so that output is reproducible.
	Date time.Time
	// Output, when set, replaces the template's output expression, which
	// names each letter's file in batch runs (Letter.Output).
	Output string
	// Trace, when set, is called with every element drawn: a layout log
	// for tests and debugging.
	Trace func(Box)
}

// Box is one drawn element in the layout log.
type Box struct {
	Letter int    // 1-based index of the letter in the document
	Page   int    // 1-based page of the letter
	Kind   string // text, image or rule
	Field  string // the template field it comes from, as "content[2].text"
	Text   string // the text drawn, or the image's file name
	Rect   rules.Rect
}

// Letter describes one rendered letter.
type Letter struct {
	Pages   int      // its number of pages
	Country string   // destination country, ISO 3166-1 alpha-2
	Address []string // the recipient block as printed, country line included
	Output  string   // the template's output file name for it; empty without one
}

// Render renders one letter to a PDF.
func Render(ctx context.Context, t *Template, data any, opts Options) ([]byte, Letter, error) {
	d, err := NewDocument(t, opts)
	if err != nil {
		return nil, Letter{}, err
	}
	l, err := d.Add(ctx, data)
	if err != nil {
		return nil, Letter{}, err
	}
	var b bytes.Buffer
	if _, err := d.WriteTo(&b); err != nil {
		return nil, Letter{}, err
	}
	return b.Bytes(), l, nil
}

// Document is a PDF of one or more letters from one template: a merged
// batch. It is not safe for concurrent use.
type Document struct {
	t       *Template
	opts    Options
	g       *geometry
	loc     *locale
	lang    string
	tmpl    *template.Template // the template's texts in lang
	pdf     *fpdf.Fpdf
	fonts   map[*face]bool
	images  map[*asset]bool
	letters int
	date    time.Time
	cur     struct {
		fc   *face
		size float64
		gray bool
		lw   float64
	}
}

// NewDocument starts an empty document.
func NewDocument(t *Template, opts Options) (*Document, error) {
	if opts.Profile == nil {
		p, err := rules.Builtin("pingen")
		if err != nil {
			return nil, err
		}
		opts.Profile = p
	}
	if opts.Window == "" {
		opts.Window = opts.Profile.DefaultWindow()
	}
	lang := opts.Lang
	if lang == "" {
		lang = t.spec.Languages[0]
	}
	loc, err := findLocale(lang)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.name, err)
	}
	if !contains(t.spec.Languages, loc.lang) {
		return nil, fmt.Errorf("template %s is not written in %s (it has %s)", t.name, loc.lang, strings.Join(t.spec.Languages, ", "))
	}
	g, err := newGeometry(opts.Profile, opts.Window, t.spec.Style.Margins)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.name, err)
	}
	tmpl := t.tmpl[loc.lang]
	if opts.Output != "" {
		if tmpl, err = tmpl.Clone(); err == nil {
			_, err = tmpl.New("output").Parse(opts.Output)
		}
		if err != nil {
			return nil, fmt.Errorf("output name %q: %w", opts.Output, cleanTemplateError(err))
		}
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P", UnitStr: "mm",
		Size: fpdf.SizeType{Wd: g.w, Ht: g.h},
	})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true) // font and image maps are written in sorted order
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	pdf.SetProducer("lettergate", false)
	pdf.SetLang(loc.tag)
	return &Document{
		t: t, opts: opts, g: g, loc: loc, lang: loc.lang, tmpl: tmpl, pdf: pdf,
		fonts: map[*face]bool{}, images: map[*asset]bool{},
	}, nil
}

// Add lays out one letter and appends its pages. A letter that fails
// (missing data, a character the font lacks, an address that does not fit)
// adds nothing: the document stays usable.
func (d *Document) Add(ctx context.Context, data any) (info Letter, err error) {
	if err := ctx.Err(); err != nil {
		return Letter{}, err
	}
	t := d.t
	date := d.opts.Date
	if date.IsZero() {
		v, lerr := lookup(data, "date")
		if lerr != nil {
			return Letter{}, fmt.Errorf("template %s: no letter date: give one in the options (--date) or as date in the data", t.name)
		}
		if date, err = toDate(v); err != nil {
			return Letter{}, fmt.Errorf("template %s: field date: %w", t.name, err)
		}
	}
	date = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)

	st := &state{lang: d.lang, loc: d.loc, date: date, root: data, calcs: map[string]string{}, busy: map[string]bool{}}
	tm, err := d.tmpl.Clone()
	if err != nil {
		return Letter{}, err
	}
	st.tmpl = tm.Funcs(st.funcs())
	cur, _, err := st.exec("currency", data)
	if err != nil {
		return Letter{}, fmt.Errorf("template %s: %w", t.name, err)
	}
	st.currency = strings.ToUpper(strings.TrimSpace(cur))

	l := &letter{
		t: t, st: st, g: d.g, fam: t.fam,
		size: t.spec.Style.SizePt, small: t.spec.Style.SmallPt, table: t.spec.Style.TablePt,
		leading: t.spec.Style.Leading, seen: map[string]bool{},
	}
	pages, err := l.build()
	if err != nil {
		return Letter{}, fmt.Errorf("template %s: %w", t.name, err)
	}
	info = Letter{Pages: len(pages), Country: l.country, Address: l.address}
	if out, ok, err := st.exec("output", data); err != nil {
		return Letter{}, fmt.Errorf("template %s: %w", t.name, err)
	} else if ok {
		info.Output = strings.TrimSpace(out)
	}
	if err := d.draw(pages); err != nil {
		return Letter{}, fmt.Errorf("template %s: %w", t.name, err)
	}
	if d.letters == 0 {
		d.date = date
	}
	d.letters++
	return info, nil
}

// draw writes the laid-out pages with fpdf, which panics on some input
// (runes outside the BMP): the layout rejects those, and recover turns any
// other panic into an error.
func (d *Document) draw(pages [][]item) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("PDF writer failed: %v", r)
		}
	}()
	pdf := d.pdf
	for i, items := range pages {
		pdf.AddPage()
		d.cur.fc, d.cur.lw = nil, 0
		for _, it := range items {
			if d.opts.Trace != nil {
				d.opts.Trace(Box{Letter: d.letters + 1, Page: i + 1, Kind: it.kind.String(), Field: it.field, Text: it.text, Rect: it.box()})
			}
			switch it.kind {
			case kText:
				if !d.fonts[it.face] {
					pdf.AddUTF8FontFromBytes(it.face.id, "", it.face.ttf)
					d.fonts[it.face] = true
				}
				if d.cur.fc != it.face || d.cur.size != it.size {
					pdf.SetFont(it.face.id, "", it.size)
					d.cur.fc, d.cur.size = it.face, it.size
				}
				pdf.Text(it.x, it.y, it.text)
			case kImage:
				opt := fpdf.ImageOptions{ImageType: it.img.typ}
				if !d.images[it.img] {
					pdf.RegisterImageOptionsReader(it.img.name, opt, bytes.NewReader(it.img.data))
					d.images[it.img] = true
				}
				pdf.ImageOptions(it.img.name, it.x, it.y, it.w, it.h, false, opt, 0, "")
			case kRule:
				if d.cur.lw != it.h {
					pdf.SetLineWidth(it.h)
					d.cur.lw = it.h
				}
				if it.gray {
					pdf.SetDrawColor(150, 150, 150)
				}
				pdf.Line(it.x, it.y, it.x+it.w, it.y)
				if it.gray {
					pdf.SetDrawColor(0, 0, 0)
				}
			}
		}
	}
	return pdf.Error()
}

// Letters returns the number of letters added.
func (d *Document) Letters() int { return d.letters }

// WriteTo writes the PDF. The document's dates are the first letter's
// date, so the bytes depend on nothing but the input.
func (d *Document) WriteTo(w io.Writer) (n int64, err error) {
	if d.letters == 0 {
		return 0, errors.New("no letters in the document")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("PDF writer failed: %v", r)
		}
	}()
	d.pdf.SetCreationDate(d.date)
	d.pdf.SetModificationDate(d.date)
	cw := &countWriter{w: w}
	err = d.pdf.Output(cw)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
