package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // logos and signatures
	"image/png"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Template is a parsed letter template with its assets (images, fonts).
// It is immutable and safe for concurrent use.
type Template struct {
	name  string
	spec  spec
	tmpl  map[string]*template.Template // by language: every text field, named by field
	fam   family
	image map[string]*asset // by file name
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// Languages returns the languages the template is written in, first the
// default one.
func (t *Template) Languages() []string { return append([]string(nil), t.spec.Languages...) }

// Description returns the template's one-line description in lang, or in
// its default language.
func (t *Template) Description(lang string) string {
	if s, ok := t.spec.Description.get(lang); ok {
		return strings.TrimSpace(s)
	}
	s, _ := t.spec.Description.get(t.spec.Languages[0])
	return strings.TrimSpace(s)
}

// asset is an image beside the template.
type asset struct {
	name string // fpdf image name
	typ  string // PNG or JPG
	data []byte
	w, h int // pixels, for the aspect ratio
}

// langText is a template text: one string for every language, or a mapping
// from language to string.
type langText map[string]string

// UnmarshalYAML accepts a string or a mapping of language codes to strings.
func (t *langText) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*t = langText{"": n.Value}
		return nil
	}
	m := map[string]string{}
	if err := n.Decode(&m); err != nil {
		return err
	}
	*t = m
	return nil
}

func (t langText) get(lang string) (string, bool) {
	if s, ok := t[lang]; ok {
		return s, true
	}
	s, ok := t[""]
	return s, ok
}

// spec is the template file.
type spec struct {
	Name         string              `yaml:"name"`
	Description  langText            `yaml:"description"`
	Languages    []string            `yaml:"languages"`
	Currency     string              `yaml:"currency"`
	Style        styleSpec           `yaml:"style"`
	Fonts        fontsSpec           `yaml:"fonts"`
	Letterhead   letterheadSpec      `yaml:"letterhead"`
	Recipient    recipientSpec       `yaml:"recipient"`
	References   []referenceSpec     `yaml:"references"`
	PlaceDate    langText            `yaml:"place_date"`
	Subject      langText            `yaml:"subject"`
	Calc         map[string]string   `yaml:"calc"`
	Define       map[string]langText `yaml:"define"`
	Content      []blockSpec         `yaml:"content"`
	Closing      closingSpec         `yaml:"closing"`
	Continuation langText            `yaml:"continuation"`
	Footer       footerSpec          `yaml:"footer"`
	Output       string              `yaml:"output"`
}

type styleSpec struct {
	SizePt    float64     `yaml:"size_pt"`
	SmallPt   float64     `yaml:"small_pt"`
	TablePt   float64     `yaml:"table_pt"`
	AddressPt float64     `yaml:"address_pt"`
	Leading   float64     `yaml:"leading"`
	Margins   marginsSpec `yaml:"margins_mm"`
}

type marginsSpec struct {
	Top    float64 `yaml:"top"`
	Right  float64 `yaml:"right"`
	Bottom float64 `yaml:"bottom"`
	Left   float64 `yaml:"left"`
}

type fontsSpec struct {
	Regular    string `yaml:"regular"`
	Bold       string `yaml:"bold"`
	Italic     string `yaml:"italic"`
	BoldItalic string `yaml:"bold_italic"`
}

type letterheadSpec struct {
	Logo   *imageSpec `yaml:"logo"`
	Sender langText   `yaml:"sender"`
}

type imageSpec struct {
	File     string  `yaml:"file"`
	WidthMM  float64 `yaml:"width_mm"`
	HeightMM float64 `yaml:"height_mm"`
	Align    string  `yaml:"align"`
}

type recipientSpec struct {
	Address langText `yaml:"address"`
	Country string   `yaml:"country"`
}

type referenceSpec struct {
	Label langText `yaml:"label"`
	Value langText `yaml:"value"`
	When  string   `yaml:"when"`
}

type blockSpec struct {
	When  string     `yaml:"when"`
	Text  langText   `yaml:"text"`
	Table *tableSpec `yaml:"table"`
}

type tableSpec struct {
	Rows    string       `yaml:"rows"`
	Columns []columnSpec `yaml:"columns"`
	Totals  []totalSpec  `yaml:"totals"`
}

type columnSpec struct {
	Header  langText `yaml:"header"`
	Value   langText `yaml:"value"`
	WidthMM float64  `yaml:"width_mm"`
	Align   string   `yaml:"align"`
}

type totalSpec struct {
	Label langText `yaml:"label"`
	Value langText `yaml:"value"`
	Bold  bool     `yaml:"bold"`
	Rule  bool     `yaml:"rule"`
	When  string   `yaml:"when"`
}

type closingSpec struct {
	Text      langText   `yaml:"text"`
	Signature *imageSpec `yaml:"signature"`
	Signers   []langText `yaml:"signers"`
}

type footerSpec struct {
	Text langText `yaml:"text"`
	Page langText `yaml:"page"`
}

// LoadFile reads a template file; its assets are looked up beside it.
func LoadFile(name string) (*Template, error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	return Load(os.DirFS(dir), base)
}

// Load reads the template file name from fsys; images and fonts it names
// are read from the same folder of fsys.
func Load(fsys fs.FS, name string) (*Template, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	t, err := parse(data, fsys, path.Dir(name))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return t, nil
}

func parse(data []byte, fsys fs.FS, dir string) (*Template, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key must not silently drop content
	var s spec
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, err
	}
	if s.Name == "" {
		return nil, errors.New("name: missing")
	}
	if len(s.Languages) == 0 {
		s.Languages = []string{"de"}
	}
	for _, l := range s.Languages {
		if _, ok := defaultLocales[l]; !ok {
			return nil, fmt.Errorf("languages: %q is not one of de, fr, en", l)
		}
	}
	if s.Currency == "" {
		s.Currency = "CHF"
	}
	t := &Template{name: s.Name, spec: s, image: map[string]*asset{}}
	if err := t.compile(); err != nil {
		return nil, err
	}
	if err := t.loadAssets(fsys, dir); err != nil {
		return nil, err
	}
	return t, nil
}

// compile parses every text of the template, so that a syntax error shows
// when the template is loaded, naming the field.
func (t *Template) compile() error {
	s := &t.spec
	t.tmpl = map[string]*template.Template{}
	for _, lang := range s.Languages {
		t.tmpl[lang] = template.New(s.Name).Funcs(funcNames).Option("missingkey=default")
	}
	var errs []error
	reported := map[string]bool{}
	text := func(field string, tx langText) {
		for lang := range tx {
			if lang != "" && !contains(s.Languages, lang) {
				errs = append(errs, fmt.Errorf("%s: language %q is not in languages %v", field, lang, s.Languages))
			}
		}
		if len(tx) == 0 {
			return
		}
		for _, lang := range s.Languages {
			src, ok := tx.get(lang)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: no %s text", field, lang))
				continue
			}
			if _, err := t.tmpl[lang].New(field).Parse(src); err != nil {
				// a text for all languages fails the same way in each
				key := field + "\x00" + err.Error()
				if _, all := tx[lang]; all {
					errs = append(errs, fmt.Errorf("%s (%s): %w", field, lang, cleanTemplateError(err)))
				} else if !reported[key] {
					errs = append(errs, fmt.Errorf("%s: %w", field, cleanTemplateError(err)))
				}
				reported[key] = true
			}
		}
	}
	expr := func(field, src string) {
		if src != "" {
			text(field, langText{"": src})
		}
	}
	text("description", s.Description)
	for _, name := range sortedKeys(s.Define) {
		text(name, s.Define[name])
	}
	expr("currency", s.Currency)
	text("letterhead.sender", s.Letterhead.Sender)
	text("recipient.address", s.Recipient.Address)
	expr("recipient.country", s.Recipient.Country)
	for i, r := range s.References {
		f := fmt.Sprintf("references[%d]", i)
		text(f+".label", r.Label)
		text(f+".value", r.Value)
		expr(f+".when", r.When)
	}
	text("place_date", s.PlaceDate)
	text("subject", s.Subject)
	for _, name := range sortedKeys(s.Calc) {
		expr("calc."+name, s.Calc[name])
	}
	for i, b := range s.Content {
		f := fmt.Sprintf("content[%d]", i)
		expr(f+".when", b.When)
		switch {
		case b.Table != nil && len(b.Text) > 0:
			errs = append(errs, fmt.Errorf("%s: has both text and table; give one", f))
		case b.Table == nil && len(b.Text) == 0:
			errs = append(errs, fmt.Errorf("%s: needs text or table", f))
		case b.Table != nil:
			tb := b.Table
			if tb.Rows == "" {
				errs = append(errs, fmt.Errorf("%s.table.rows: missing (the data path of the list, as items)", f))
			}
			if len(tb.Columns) == 0 {
				errs = append(errs, fmt.Errorf("%s.table.columns: missing", f))
			}
			flexible := 0
			for j, c := range tb.Columns {
				cf := fmt.Sprintf("%s.table.columns[%d]", f, j)
				text(cf+".header", c.Header)
				text(cf+".value", c.Value)
				switch c.Align {
				case "", "left", "right", "center":
				default:
					errs = append(errs, fmt.Errorf("%s.align: %q is not left, right or center", cf, c.Align))
				}
				if c.WidthMM < 0 {
					errs = append(errs, fmt.Errorf("%s.width_mm: must not be negative", cf))
				}
				if c.WidthMM == 0 {
					flexible++
				}
			}
			if len(tb.Columns) > 0 && flexible == 0 {
				errs = append(errs, fmt.Errorf("%s.table.columns: one column needs no width_mm, to take the rest of the line", f))
			}
			for j, tot := range tb.Totals {
				tf := fmt.Sprintf("%s.table.totals[%d]", f, j)
				text(tf+".label", tot.Label)
				text(tf+".value", tot.Value)
				expr(tf+".when", tot.When)
			}
			if len(tb.Totals) > 0 && len(tb.Columns) < 2 {
				errs = append(errs, fmt.Errorf("%s.table.totals: need at least two columns", f))
			}
		default:
			text(f+".text", b.Text)
		}
	}
	text("closing.text", s.Closing.Text)
	for i, sg := range s.Closing.Signers {
		text(fmt.Sprintf("closing.signers[%d]", i), sg)
	}
	text("continuation", s.Continuation)
	text("footer.text", s.Footer.Text)
	text("footer.page", s.Footer.Page)
	expr("output", s.Output)
	for _, img := range []struct {
		field string
		spec  *imageSpec
	}{{"letterhead.logo", s.Letterhead.Logo}, {"closing.signature", s.Closing.Signature}} {
		if img.spec == nil {
			continue
		}
		switch img.spec.Align {
		case "", "left", "right":
		default:
			errs = append(errs, fmt.Errorf("%s.align: %q is not left or right", img.field, img.spec.Align))
		}
		if img.spec.File == "" {
			errs = append(errs, fmt.Errorf("%s.file: missing", img.field))
		}
		if img.spec.WidthMM < 0 || img.spec.HeightMM < 0 {
			errs = append(errs, fmt.Errorf("%s: sizes must not be negative", img.field))
		}
	}
	st := &s.Style
	for _, v := range []struct {
		field      string
		p          *float64
		def, lo, h float64
	}{
		{"style.size_pt", &st.SizePt, 10, 6, 16},
		{"style.small_pt", &st.SmallPt, 8, 5, 14},
		{"style.table_pt", &st.TablePt, 9, 5, 16},
		{"style.address_pt", &st.AddressPt, 10, 6, 16},
		{"style.leading", &st.Leading, 1.3, 1, 3},
		{"style.margins_mm.top", &st.Margins.Top, 15, 0, 100},
		{"style.margins_mm.right", &st.Margins.Right, 20, 0, 100},
		{"style.margins_mm.bottom", &st.Margins.Bottom, 12, 0, 100},
		{"style.margins_mm.left", &st.Margins.Left, 25, 0, 100},
	} {
		if *v.p == 0 {
			*v.p = v.def
		}
		if *v.p < v.lo || *v.p > v.h {
			errs = append(errs, fmt.Errorf("%s: %v is outside %v to %v", v.field, *v.p, v.lo, v.h))
		}
	}
	return errors.Join(errs...)
}

// cleanTemplateError turns text/template's
// "template: subject:1: unexpected ..." into "line 1: unexpected ...": the
// error is already wrapped with the field's name.
func cleanTemplateError(err error) error {
	if m := templateErr.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("line %s: %s", m[1], m[2])
	}
	return err
}

var templateErr = regexp.MustCompile(`^template: [^:]*:(\d+(?::\d+)?): (?s)(.*)$`)

func (t *Template) loadAssets(fsys fs.FS, dir string) error {
	s := &t.spec
	for _, img := range []*imageSpec{s.Letterhead.Logo, s.Closing.Signature} {
		if img == nil || t.image[img.File] != nil {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, img.File))
		if err != nil {
			return fmt.Errorf("image %s: %w", img.File, err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("image %s: %w (PNG or JPEG needed)", img.File, err)
		}
		typ := map[string]string{"png": "PNG", "jpeg": "JPG"}[format]
		if typ == "" || cfg.Width == 0 || cfg.Height == 0 {
			return fmt.Errorf("image %s: %s is not PNG or JPEG", img.File, format)
		}
		if typ == "PNG" {
			if data, err = flattenPNG(data); err != nil {
				return fmt.Errorf("image %s: %w", img.File, err)
			}
		}
		t.image[img.File] = &asset{name: fmt.Sprintf("img%d", len(t.image)), typ: typ, data: data, w: cfg.Width, h: cfg.Height}
	}
	f := s.Fonts
	if f.Regular == "" {
		if f.Bold != "" || f.Italic != "" || f.BoldItalic != "" {
			return errors.New("fonts.regular: missing (the other faces fall back to it)")
		}
		fam, err := goFamily()
		if err != nil {
			return fmt.Errorf("built-in Go fonts: %w", err)
		}
		t.fam = fam
		return nil
	}
	for i, file := range []string{f.Regular, f.Bold, f.Italic, f.BoldItalic} {
		if file == "" {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, file))
		if err != nil {
			return fmt.Errorf("font %s: %w", file, err)
		}
		fc, err := newFace(fmt.Sprintf("%s%d", sanitizeID(s.Name), i), data)
		if err != nil {
			return fmt.Errorf("font %s: %w (a TrueType .ttf is needed)", file, err)
		}
		t.fam[i] = fc
	}
	return nil
}

// flattenPNG composites a PNG onto white, as it prints on white paper, and
// writes it as 8-bit RGB without interlacing. fpdf embeds such a PNG as it
// is; a transparent one it would split and compress again for every
// document, and 16-bit or interlaced ones it rejects.
func flattenPNG(data []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.White, image.Point{}, draw.Src)
	draw.Draw(dst, b, src, b.Min, draw.Over)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func sanitizeID(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return "t" + b.String()
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
