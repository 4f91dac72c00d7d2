package pdfdoc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// walker collects a page's structure: annotations, and the fonts its
// content selects, following Form XObjects. pdfcpu's own font report misses
// fonts in inherited resources, hence this walk.
type walker struct {
	xref   *model.XRefTable
	limits Limits
	nodes  []pageNode // from pageNodes; nil: ask PageDict
}

// formUse caches what one Form XObject uses, by object number.
type formUse struct {
	fonts     []Font
	operators int // its own and its children's, with multiplicity
}

func (w *walker) page(n int, pb model.PageBoundaries) (Page, error) {
	p := Page{
		Number:   n,
		MediaBox: rectBox(pb.MediaBox()),
		Geometry: Geometry{CropBox: rectBox(pb.CropBox()), Rotate: NormalizeRotation(pb.Rot)},
	}
	var d, inherited types.Dict
	if w.nodes != nil {
		d, inherited = w.nodes[n-1].dict, w.nodes[n-1].res
	} else {
		pd, _, inh, err := w.xref.PageDict(n, false)
		if err != nil {
			return p, err
		}
		d = pd
		if inh != nil {
			inherited = inh.Resources
		}
	}
	p.Annots = w.annots(d)

	res := w.dict(d["Resources"])
	if res == nil {
		res = inherited
	}
	content, err := w.xref.PageContent(d, n)
	if err != nil && !errors.Is(err, model.ErrNoContent) {
		return p, fmt.Errorf("content: %w", err)
	}
	st := walkState{forms: map[int]*formUse{}, onPath: map[int]bool{}}
	fonts, ops, err := w.content(content, res, 0, &st)
	if err != nil {
		return p, err
	}
	if ops > w.limits.MaxOperators {
		return p, tooManyOperators(n, ops, w.limits.MaxOperators)
	}
	p.Fonts = fonts
	return p, nil
}

type walkState struct {
	forms  map[int]*formUse
	onPath map[int]bool // forms being walked, to stop cycles
}

func tooManyOperators(page, ops, limit int) error {
	return &OpenError{Kind: OverLimit, Limit: "MaxOperators", Err: fmt.Errorf("page %d has more than %d content operators (limit %d; forms counted each time they are drawn)", page, min(ops, limit+1)-1, limit)}
}

// content returns the fonts a content stream selects and its operator
// count, following the forms it draws.
func (w *walker) content(b []byte, res types.Dict, depth int, st *walkState) ([]Font, int, error) {
	use, err := scanContent(b, w.limits.MaxOperators)
	if err != nil {
		return nil, use.Operators, nil // the caller reports the limit
	}
	var fonts []Font
	fontRes := w.dict(res["Font"])
	for _, name := range use.Fonts {
		fonts = appendFont(fonts, w.font(name, fontRes))
	}
	ops := use.Operators
	xobjects := w.dict(res["XObject"])
	for _, name := range use.XObjects {
		ref, ok := xobjects[name].(types.IndirectRef)
		if !ok {
			continue // inline dictionaries cannot be forms worth following
		}
		f, err := w.form(ref, res, depth+1, st)
		if err != nil {
			return nil, ops, err
		}
		if f == nil {
			continue
		}
		for _, ft := range f.fonts {
			fonts = appendFont(fonts, ft)
		}
		ops += use.XObjectUses[name] * f.operators
		if ops > w.limits.MaxOperators {
			return fonts, ops, nil
		}
	}
	return fonts, ops, nil
}

func (w *walker) form(ref types.IndirectRef, parentRes types.Dict, depth int, st *walkState) (*formUse, error) {
	nr := ref.ObjectNumber.Value()
	if f, ok := st.forms[nr]; ok {
		return f, nil
	}
	if st.onPath[nr] {
		return nil, nil // a form that draws itself draws nothing more
	}
	if depth > w.limits.MaxFormDepth {
		return nil, &OpenError{Kind: OverLimit, Limit: "MaxFormDepth", Err: fmt.Errorf("Form XObjects are nested more than %d deep (limit %d)", w.limits.MaxFormDepth, w.limits.MaxFormDepth)}
	}
	sd, _, err := w.xref.DereferenceStreamDict(ref)
	if err != nil || sd == nil {
		return nil, nil
	}
	if st, _ := sd.Dict["Subtype"].(types.Name); st != "Form" {
		return nil, nil
	}
	if sd.Content == nil {
		if err := sd.DecodeWithLimit(w.limits.MaxStreamBytes); err != nil {
			return nil, fmt.Errorf("form object %d: %w", nr, err)
		}
	}
	res := w.dict(sd.Dict["Resources"])
	if res == nil {
		res = parentRes // PDF 1.1 forms use the page's resources
	}
	st.onPath[nr] = true
	fonts, ops, err := w.content(sd.Content, res, depth, st)
	delete(st.onPath, nr)
	if err != nil {
		return nil, err
	}
	f := &formUse{fonts: fonts, operators: ops}
	st.forms[nr] = f
	return f, nil
}

func (w *walker) font(name string, fontRes types.Dict) Font {
	d := w.dict(fontRes[name])
	if d == nil {
		// Viewers print such text with a substitute font.
		return Font{Name: "/" + name + " (missing from the resources)"}
	}
	f := Font{Name: baseName(w.name(d["BaseFont"])), Type: w.name(d["Subtype"])}
	switch f.Type {
	case "Type3":
		f.Embedded = true // its glyphs are content streams in the file
		if f.Name == "" {
			f.Name = name
		}
		return f
	case "Type0":
		if kids, err := w.xref.DereferenceArray(d["DescendantFonts"]); err == nil && len(kids) > 0 {
			if kid := w.dict(kids[0]); kid != nil {
				d = kid
			}
		}
	}
	if f.Name == "" {
		f.Name = name
	}
	if fd := w.dict(d["FontDescriptor"]); fd != nil {
		for _, key := range []string{"FontFile", "FontFile2", "FontFile3"} {
			if o, ok := fd.Find(key); ok && o != nil {
				f.Embedded = true
			}
		}
	}
	return f
}

func (w *walker) annots(page types.Dict) []Annot {
	arr, err := w.xref.DereferenceArray(page["Annots"])
	if err != nil {
		return nil
	}
	var out []Annot
	for _, o := range arr {
		d := w.dict(o)
		if d == nil {
			continue
		}
		a := Annot{Subtype: w.name(d["Subtype"])}
		if r, err := w.xref.DereferenceArray(d["Rect"]); err == nil && len(r) == 4 {
			var v [4]float64
			for i := range v {
				v[i], _ = w.xref.DereferenceNumber(r[i])
			}
			a.Rect = Box{v[0], v[1], v[2], v[3]}.Normalize()
		}
		if f, err := w.xref.DereferenceInteger(d["F"]); err == nil && f != nil {
			a.Print = f.Value()&4 != 0
			a.Hidden = f.Value()&2 != 0
		}
		out = append(out, a)
	}
	return out
}

func (w *walker) dict(o types.Object) types.Dict {
	if o == nil {
		return nil
	}
	d, err := w.xref.DereferenceDict(o)
	if err != nil {
		return nil
	}
	return d
}

func (w *walker) name(o types.Object) string {
	o, err := w.xref.Dereference(o)
	if err != nil {
		return ""
	}
	switch v := o.(type) {
	case types.Name:
		return string(v)
	case types.StringLiteral:
		return string(v)
	}
	return ""
}

// baseName drops the six-letter subset tag of "ABCDEF+Helvetica".
func baseName(s string) string {
	if i := strings.IndexByte(s, '+'); i == 6 && strings.ToUpper(s[:6]) == s[:6] {
		return s[7:]
	}
	return s
}

func appendFont(fonts []Font, f Font) []Font {
	for _, g := range fonts {
		if g == f {
			return fonts
		}
	}
	return append(fonts, f)
}

// pageNode is a page's dictionary and the resources it inherits, as
// pdfcpu's PageDict returns them.
type pageNode struct {
	dict types.Dict
	res  types.Dict
}

// pageNodes walks the page tree once and returns the node of each page,
// in page order. PageDict walks the tree from its root for every page,
// looking at every kid before the page: on a flat tree of 2,000 pages,
// a third of a second. pageNodes returns nil, for PageDict to be asked
// page by page, unless the tree is plain, where PageDict(n) finds the
// n-th leaf with what its ancestors pass on: every node a dictionary of
// Type Pages with a Kids array or of Type Page without one (the root of
// any Type, with one), kids indirect references, no node twice, every
// Count the number of pages below, and the attributes PageDict reads
// readable.
func pageNodes(xref *model.XRefTable) []pageNode {
	root, err := xref.Pages()
	if err != nil || root == nil {
		return nil
	}
	var out []pageNode
	seen := map[int]bool{}
	var walk func(ref types.IndirectRef, res types.Dict, depth int) (int, bool)
	walk = func(ref types.IndirectRef, res types.Dict, depth int) (int, bool) {
		nr := ref.ObjectNumber.Value()
		if xref.CheckRecursionDepth("page tree", depth) != nil || seen[nr] {
			return 0, false
		}
		seen[nr] = true
		d, err := xref.DereferenceDict(ref)
		if err != nil || d == nil {
			return 0, false
		}
		typ, kids := d.Type(), d.ArrayEntry("Kids")
		leaf := depth > 0 && typ != nil && *typ == "Page"
		switch {
		case leaf && kids == nil && d.IntEntry("Count") == nil:
		case !leaf && kids != nil && (depth == 0 || typ != nil && *typ == "Pages"):
		default:
			return 0, false
		}
		if res, err = inheritedResources(xref, d, res); err != nil {
			return 0, false
		}
		if leaf {
			out = append(out, pageNode{dict: d, res: res})
			return 1, true
		}
		pages := 0
		for _, o := range kids {
			if o == nil {
				continue // PageDict skips it too
			}
			kid, ok := o.(types.IndirectRef)
			if !ok {
				return 0, false
			}
			n, ok := walk(kid, res, depth+1)
			if !ok {
				return 0, false
			}
			pages += n
		}
		if c := d.IntEntry("Count"); c != nil && *c != pages {
			return 0, false
		}
		return pages, true
	}
	if n, ok := walk(*root, nil, 0); !ok || n != xref.PageCount {
		return nil
	}
	return out
}

// inheritedResources returns the resources node d passes on, given those
// it inherits, and an error where pdfcpu's PageDict would fail (or panic)
// on d's MediaBox, CropBox, Rotate or Resources.
func inheritedResources(xref *model.XRefTable, d, res types.Dict) (types.Dict, error) {
	for _, key := range []string{"MediaBox", "CropBox"} {
		o, found := d.Find(key)
		if !found {
			continue
		}
		a, err := xref.DereferenceArray(o)
		if err != nil {
			return nil, err
		}
		if len(a) < 4 {
			return nil, fmt.Errorf("%s has %d numbers", key, len(a))
		}
		for _, v := range a[:4] {
			if _, err := xref.DereferenceNumber(v); err != nil {
				return nil, err
			}
		}
	}
	if o, found := d.Find("Rotate"); found {
		o, err := xref.Dereference(o)
		if err != nil {
			return nil, err
		}
		if _, ok := o.(types.Integer); !ok {
			return nil, fmt.Errorf("Rotate is %T", o)
		}
	}
	o, found := d.Find("Resources")
	if !found {
		return res, nil
	}
	return xref.DereferenceDict(o)
}
