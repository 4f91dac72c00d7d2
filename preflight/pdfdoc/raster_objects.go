package pdfdoc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"

	"github.com/lettergate/lettergate/rules"
)

// ObjectKind is what a page object is. The values are the "kind" of a
// report's object.
type ObjectKind string

// The kinds of page objects.
const (
	KindText       ObjectKind = "text"
	KindPath       ObjectKind = "path"
	KindImage      ObjectKind = "image"
	KindShading    ObjectKind = "shading"
	KindForm       ObjectKind = "form"
	KindAnnotation ObjectKind = "annotation"
)

// Object is one thing a page paints: a page object, one inside a Form
// XObject (its place on the page computed through the form's matrix), or an
// annotation that prints.
type Object struct {
	Kind ObjectKind
	// Box is where the object can show: its bounds clipped by its clip
	// paths and those of the forms that draw it, in user space of the page.
	// Bounds include the line width of paths; an annotation's are its
	// rectangle.
	Box Box
	// Unclipped is the object's bounds on the page without any clipping.
	Unclipped Box
	Depth     int // 0 on the page, 1 inside a form, ...
	Parent    int // index in the list of the form that draws it; -1 for none

	Text       string  // text objects: the text
	Font       string  // text objects: base font name without a subset tag
	SizePt     float64 // text objects: the size as it shows on the page
	RenderMode int     // text objects: Tr (0 fill, 3 invisible, 7 clip only, ...)

	// Fill and Stroke are the colours used (sRGB, 0-255) when Filled and
	// Stroked say they are used: for paths by their draw mode, for text
	// by its render mode. Images, shadings and forms paint what they hold.
	Fill, Stroke    [4]uint8 // R, G, B, A
	Filled, Stroked bool

	// Optional marks objects inside optional content (a layer, /OC):
	// PDFium lists them whether or not the layer prints.
	Optional bool

	Subtype string // annotations: "Square", "FreeText", ...
}

// Invisible reports whether the object cannot put ink on paper by itself:
// text drawn invisibly (Tr 3) or only as a clip (Tr 7), or a path or text
// that paints nothing or only white.
func (o Object) Invisible() bool {
	switch o.Kind {
	case KindText, KindPath:
		if o.Kind == KindText && (o.RenderMode == 3 || o.RenderMode == 7) {
			return true
		}
		return !(o.Filled && !white(o.Fill)) && !(o.Stroked && !white(o.Stroke))
	}
	return false
}

// white reports whether an RGBA colour leaves the paper white: near white,
// or fully transparent.
func white(c [4]uint8) bool {
	return c[3] == 0 || (c[0] >= 250 && c[1] >= 250 && c[2] >= 250)
}

// Footprint returns boxes that together hold everything page n can print:
// the unclipped bounds of its top-level objects (a form's bounds hold its
// content) and the rectangles of its printing annotations, in user space.
// It is cheap (two calls per object) and conservative: a part of the page
// that no box meets is blank. A page with more top-level objects than
// RasterOptions.MaxObjects gives a *LimitError.
func (r *Raster) Footprint(ctx context.Context, n int) ([]Box, error) {
	limit := r.opts.MaxObjects
	return call(ctx, r, n, "footprint", func(s *session, page requests.Page) ([]Box, error) {
		if s.cur.footDone {
			return slices.Clone(s.cur.foot), nil
		}
		inst := s.inst
		cnt, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
		if err != nil {
			return nil, fmt.Errorf("objects: %w", err)
		}
		if cnt.Count > limit {
			return nil, tooManyObjects(n, cnt.Count, limit, false)
		}
		out := make([]Box, 0, cnt.Count)
		for i := 0; i < cnt.Count; i++ {
			o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
			if err != nil {
				return nil, fmt.Errorf("object %d: %w", i, err)
			}
			b, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o.PageObject})
			if err != nil {
				continue // PDFium gives no bounds for an object it will not draw
			}
			out = append(out, Box{float64(b.Left), float64(b.Bottom), float64(b.Right), float64(b.Top)}.Normalize())
		}
		annots, err := annotations(inst, page)
		if err != nil {
			return nil, err
		}
		for _, a := range annots {
			if a.Print && !a.Hidden {
				out = append(out, a.Rect)
			}
		}
		s.cur.foot, s.cur.footDone = out, true
		return slices.Clone(out), nil
	})
}

// Annotations returns the annotations of page n as PDFium sees them.
func (r *Raster) Annotations(ctx context.Context, n int) ([]Annot, error) {
	return call(ctx, r, n, "annotations", func(s *session, page requests.Page) ([]Annot, error) {
		return annotations(s.inst, page)
	})
}

func annotations(inst pdfium.Pdfium, page requests.Page) ([]Annot, error) {
	cnt, err := inst.FPDFPage_GetAnnotCount(&requests.FPDFPage_GetAnnotCount{Page: page})
	if err != nil {
		return nil, fmt.Errorf("annotations: %w", err)
	}
	var out []Annot
	for i := 0; i < cnt.Count; i++ {
		a, err := inst.FPDFPage_GetAnnot(&requests.FPDFPage_GetAnnot{Page: page, Index: i})
		if err != nil {
			continue
		}
		var an Annot
		st, err := inst.FPDFAnnot_GetSubtype(&requests.FPDFAnnot_GetSubtype{Annotation: a.Annotation})
		if err == nil {
			an.Subtype = annotSubtype(st.Subtype)
		}
		rc, rerr := inst.FPDFAnnot_GetRect(&requests.FPDFAnnot_GetRect{Annotation: a.Annotation})
		fl, ferr := inst.FPDFAnnot_GetFlags(&requests.FPDFAnnot_GetFlags{Annotation: a.Annotation})
		inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: a.Annotation})
		if rerr != nil || ferr != nil {
			continue
		}
		an.Rect = rectF(rc.Rect)
		an.Print = fl.Flags&enums.FPDF_ANNOT_FLAG_PRINT != 0
		an.Hidden = fl.Flags&enums.FPDF_ANNOT_FLAG_HIDDEN != 0
		out = append(out, an)
	}
	return out, nil
}

var annotSubtypes = map[enums.FPDF_ANNOTATION_SUBTYPE]string{
	enums.FPDF_ANNOT_SUBTYPE_TEXT: "Text", enums.FPDF_ANNOT_SUBTYPE_LINK: "Link",
	enums.FPDF_ANNOT_SUBTYPE_FREETEXT: "FreeText", enums.FPDF_ANNOT_SUBTYPE_LINE: "Line",
	enums.FPDF_ANNOT_SUBTYPE_SQUARE: "Square", enums.FPDF_ANNOT_SUBTYPE_CIRCLE: "Circle",
	enums.FPDF_ANNOT_SUBTYPE_POLYGON: "Polygon", enums.FPDF_ANNOT_SUBTYPE_POLYLINE: "PolyLine",
	enums.FPDF_ANNOT_SUBTYPE_HIGHLIGHT: "Highlight", enums.FPDF_ANNOT_SUBTYPE_UNDERLINE: "Underline",
	enums.FPDF_ANNOT_SUBTYPE_SQUIGGLY: "Squiggly", enums.FPDF_ANNOT_SUBTYPE_STRIKEOUT: "StrikeOut",
	enums.FPDF_ANNOT_SUBTYPE_STAMP: "Stamp", enums.FPDF_ANNOT_SUBTYPE_CARET: "Caret",
	enums.FPDF_ANNOT_SUBTYPE_INK: "Ink", enums.FPDF_ANNOT_SUBTYPE_POPUP: "Popup",
	enums.FPDF_ANNOT_SUBTYPE_FILEATTACHMENT: "FileAttachment", enums.FPDF_ANNOT_SUBTYPE_SOUND: "Sound",
	enums.FPDF_ANNOT_SUBTYPE_MOVIE: "Movie", enums.FPDF_ANNOT_SUBTYPE_WIDGET: "Widget",
	enums.FPDF_ANNOT_SUBTYPE_SCREEN: "Screen", enums.FPDF_ANNOT_SUBTYPE_PRINTERMARK: "PrinterMark",
	enums.FPDF_ANNOT_SUBTYPE_TRAPNET: "TrapNet", enums.FPDF_ANNOT_SUBTYPE_WATERMARK: "Watermark",
	enums.FPDF_ANNOT_SUBTYPE_THREED: "3D", enums.FPDF_ANNOT_SUBTYPE_RICHMEDIA: "RichMedia",
	enums.FPDF_ANNOT_SUBTYPE_XFAWIDGET: "XFAWidget", enums.FPDF_ANNOT_SUBTYPE_REDACT: "Redact",
}

func annotSubtype(s enums.FPDF_ANNOTATION_SUBTYPE) string {
	if name, ok := annotSubtypes[s]; ok {
		return name
	}
	return "Unknown"
}

func rectF(r structs.FPDF_FS_RECTF) Box {
	return Box{float64(r.Left), float64(r.Bottom), float64(r.Right), float64(r.Top)}.Normalize()
}

// tooManyObjects is the error of a page with more objects than limit:
// count of them, or when atLeast, more than counted (the list stopped at
// the limit, forms' objects counted).
func tooManyObjects(page, count, limit int, atLeast bool) error {
	err := fmt.Errorf("%d objects, more than the limit of %d", count, limit)
	if atLeast {
		err = fmt.Errorf("more objects than the limit of %d, those inside forms counted", limit)
	}
	return &LimitError{Page: page, Limit: "MaxObjects", Err: err}
}

// maxFormDepth bounds the nesting of forms that Objects follows.
const maxFormDepth = 12

// Objects lists what page n paints, in painting order: its page objects,
// the objects inside its Form XObjects after the form itself (with the
// form's matrix applied and clipped by the form's clip), and its printing
// annotations last, as they are drawn over the content. A page with more
// objects than RasterOptions.MaxObjects, forms' objects counted, gives a
// *LimitError.
func (r *Raster) Objects(ctx context.Context, n int) ([]Object, error) {
	limit := r.opts.MaxObjects
	return call(ctx, r, n, "objects", func(s *session, page requests.Page) ([]Object, error) {
		inst := s.inst
		cnt, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
		if err != nil {
			return nil, fmt.Errorf("objects: %w", err)
		}
		if cnt.Count > limit {
			return nil, tooManyObjects(n, cnt.Count, limit, false)
		}
		tp, err := s.textPage(page)
		if err != nil {
			return nil, err
		}
		w := objectWalker{inst: inst, text: tp, limit: limit}
		for i := 0; i < cnt.Count; i++ {
			o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
			if err != nil {
				return nil, fmt.Errorf("object %d: %w", i, err)
			}
			if err := w.walk(o.PageObject, identity, noClip, 0, -1); err != nil {
				if errors.Is(err, errObjectLimit) {
					return nil, tooManyObjects(n, 0, limit, true)
				}
				return nil, err
			}
		}
		annots, err := annotations(inst, page)
		if err != nil {
			return nil, err
		}
		for _, a := range annots {
			if a.Print && !a.Hidden {
				w.out = append(w.out, Object{Kind: KindAnnotation, Box: a.Rect, Unclipped: a.Rect, Parent: -1, Subtype: a.Subtype})
			}
		}
		return w.out, nil
	})
}

// matrix is a PDF transformation [a b c d e f]: (x, y) maps to
// (a x + c y + e, b x + d y + f).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// then returns m followed by n (m x n in PDF's row-vector notation).
func (m matrix) then(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) point(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// box returns the bounding box of b transformed by m.
func (m matrix) box(b Box) Box {
	xs, ys := [4]float64{}, [4]float64{}
	xs[0], ys[0] = m.point(b.LLX, b.LLY)
	xs[1], ys[1] = m.point(b.URX, b.LLY)
	xs[2], ys[2] = m.point(b.LLX, b.URY)
	xs[3], ys[3] = m.point(b.URX, b.URY)
	out := Box{xs[0], ys[0], xs[0], ys[0]}
	for i := 1; i < 4; i++ {
		out.LLX, out.URX = math.Min(out.LLX, xs[i]), math.Max(out.URX, xs[i])
		out.LLY, out.URY = math.Min(out.LLY, ys[i]), math.Max(out.URY, ys[i])
	}
	return out
}

// scale returns the factor by which m scales areas, as a length.
func (m matrix) scale() float64 { return math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2])) }

// noClip is the clip of an object that is not clipped.
var noClip = Box{-math.MaxFloat32, -math.MaxFloat32, math.MaxFloat32, math.MaxFloat32}

// intersect returns the overlap of a and b; an empty overlap has URX < LLX
// or URY < LLY.
func intersect(a, b Box) Box {
	return Box{math.Max(a.LLX, b.LLX), math.Max(a.LLY, b.LLY), math.Min(a.URX, b.URX), math.Min(a.URY, b.URY)}
}

// Empty reports whether the box has no area.
func (b Box) Empty() bool { return b.URX <= b.LLX || b.URY <= b.LLY }

type objectWalker struct {
	inst  pdfium.Pdfium
	text  references.FPDF_TEXTPAGE
	out   []Object
	limit int // of len(out)
}

// errObjectLimit stops a walk that would list more than its limit.
var errObjectLimit = errors.New("too many objects")

// walk appends obj, whose coordinates map to the page by m and which shows
// only within clip (page space), and the objects inside it when it is a
// form.
func (w *objectWalker) walk(obj references.FPDF_PAGEOBJECT, m matrix, clip Box, depth, parent int) error {
	inst := w.inst
	t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj})
	if err != nil {
		return fmt.Errorf("object type: %w", err)
	}
	b, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: obj})
	if err != nil {
		return nil // nothing PDFium draws
	}
	own := Box{float64(b.Left), float64(b.Bottom), float64(b.Right), float64(b.Top)}.Normalize()
	// The clip of an object is in the same space as its bounds: the page
	// for top-level objects, the form's space inside a form.
	vis := clip
	if cb, ok := clipBox(inst, obj); ok {
		vis = intersect(vis, m.box(cb))
	}
	o := Object{Unclipped: m.box(own), Depth: depth, Parent: parent}
	o.Box = intersect(o.Unclipped, vis)
	o.Optional = optional(inst, obj)
	switch t.Type {
	case enums.FPDF_PAGEOBJ_TEXT:
		o.Kind = KindText
		w.describeText(obj, m, &o)
	case enums.FPDF_PAGEOBJ_PATH:
		o.Kind = KindPath
		if dm, err := inst.FPDFPath_GetDrawMode(&requests.FPDFPath_GetDrawMode{PageObject: obj}); err == nil {
			o.Filled, o.Stroked = dm.FillMode != enums.FPDF_FILLMODE_NONE, dm.Stroke
		}
		o.Fill, o.Stroke = colors(inst, obj)
	case enums.FPDF_PAGEOBJ_IMAGE:
		o.Kind = KindImage
	case enums.FPDF_PAGEOBJ_SHADING:
		o.Kind = KindShading
	case enums.FPDF_PAGEOBJ_FORM:
		o.Kind = KindForm
	default:
		return nil
	}
	if o.Box.Empty() && o.Kind != KindForm {
		return nil // clipped away entirely
	}
	if len(w.out) >= w.limit {
		return errObjectLimit
	}
	w.out = append(w.out, o)
	if o.Kind != KindForm || depth >= maxFormDepth {
		return nil
	}
	self := len(w.out) - 1
	fm, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj})
	if err != nil {
		return fmt.Errorf("form matrix: %w", err)
	}
	inner := matrixOf(fm.Matrix).then(m)
	cnt, err := inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: obj})
	if err != nil {
		return fmt.Errorf("form objects: %w", err)
	}
	for i := 0; i < cnt.Count; i++ {
		c, err := inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: obj, Index: uint64(i)})
		if err != nil {
			return fmt.Errorf("form object %d: %w", i, err)
		}
		if err := w.walk(c.PageObject, inner, vis, depth+1, self); err != nil {
			return err
		}
	}
	return nil
}

func matrixOf(f structs.FPDF_FS_MATRIX) matrix {
	return matrix{float64(f.A), float64(f.B), float64(f.C), float64(f.D), float64(f.E), float64(f.F)}
}

func (w *objectWalker) describeText(obj references.FPDF_PAGEOBJECT, m matrix, o *Object) {
	inst := w.inst
	if t, err := inst.FPDFTextObj_GetText(&requests.FPDFTextObj_GetText{PageObject: obj, TextPage: w.text}); err == nil {
		o.Text = strings.TrimRight(t.Text, "\x00")
	}
	if f, err := inst.FPDFTextObj_GetFont(&requests.FPDFTextObj_GetFont{PageObject: obj}); err == nil {
		if name, err := inst.FPDFFont_GetBaseFontName(&requests.FPDFFont_GetBaseFontName{Font: f.Font}); err == nil {
			o.Font = stripSubset(name.BaseFontName)
		}
	}
	// GetFontSize is the size set by Tf; the text object's matrix (text
	// matrix and CTM) and the forms around it scale it.
	if s, err := inst.FPDFTextObj_GetFontSize(&requests.FPDFTextObj_GetFontSize{PageObject: obj}); err == nil {
		o.SizePt = math.Abs(float64(s.FontSize)) * m.scale()
		if tm, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj}); err == nil {
			o.SizePt *= matrixOf(tm.Matrix).scale()
		}
	}
	mode := enums.FPDF_TEXTRENDERMODE_FILL
	if rm, err := inst.FPDFTextObj_GetTextRenderMode(&requests.FPDFTextObj_GetTextRenderMode{PageObject: obj}); err == nil {
		mode = rm.TextRenderMode
	}
	o.RenderMode = int(mode)
	switch mode {
	case enums.FPDF_TEXTRENDERMODE_FILL, enums.FPDF_TEXTRENDERMODE_FILL_CLIP:
		o.Filled = true
	case enums.FPDF_TEXTRENDERMODE_STROKE, enums.FPDF_TEXTRENDERMODE_STROKE_CLIP:
		o.Stroked = true
	case enums.FPDF_TEXTRENDERMODE_FILL_STROKE, enums.FPDF_TEXTRENDERMODE_FILL_STROKE_CLIP:
		o.Filled, o.Stroked = true, true
	}
	o.Fill, o.Stroke = colors(inst, obj)
}

// stripSubset drops the "ABCDEF+" tag of a subset font's name.
func stripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' && strings.ToUpper(name[:6]) == name[:6] {
		return name[7:]
	}
	return name
}

func colors(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT) (fill, stroke [4]uint8) {
	// Without a colour PDFium paints black, so that is the default.
	fill, stroke = [4]uint8{0, 0, 0, 255}, [4]uint8{0, 0, 0, 255}
	if c, err := inst.FPDFPageObj_GetFillColor(&requests.FPDFPageObj_GetFillColor{PageObject: obj}); err == nil {
		fill = [4]uint8{uint8(c.FillColor.R), uint8(c.FillColor.G), uint8(c.FillColor.B), uint8(c.FillColor.A)}
	}
	if c, err := inst.FPDFPageObj_GetStrokeColor(&requests.FPDFPageObj_GetStrokeColor{PageObject: obj}); err == nil {
		stroke = [4]uint8{uint8(c.StrokeColor.R), uint8(c.StrokeColor.G), uint8(c.StrokeColor.B), uint8(c.StrokeColor.A)}
	}
	return fill, stroke
}

// clipBox returns the bounding box of obj's clip: the overlap of the boxes
// of its clip paths (their points, Bézier control points included, so the
// box is never too small). Text used as a clip (Tr 4-7) is not counted,
// which leaves the box larger, never smaller.
func clipBox(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT) (Box, bool) {
	cp, err := inst.FPDFPageObj_GetClipPath(&requests.FPDFPageObj_GetClipPath{PageObject: obj})
	if err != nil {
		return Box{}, false
	}
	np, err := inst.FPDFClipPath_CountPaths(&requests.FPDFClipPath_CountPaths{ClipPath: cp.ClipPath})
	if err != nil || np.Count <= 0 {
		return Box{}, false
	}
	out, found := noClip, false
	for p := 0; p < np.Count; p++ {
		ns, err := inst.FPDFClipPath_CountPathSegments(&requests.FPDFClipPath_CountPathSegments{ClipPath: cp.ClipPath, PathIndex: p})
		if err != nil || ns.Count <= 0 {
			continue
		}
		pb := Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for s := 0; s < ns.Count; s++ {
			seg, err := inst.FPDFClipPath_GetPathSegment(&requests.FPDFClipPath_GetPathSegment{ClipPath: cp.ClipPath, PathIndex: p, SegmentIndex: s})
			if err != nil {
				continue
			}
			pt, err := inst.FPDFPathSegment_GetPoint(&requests.FPDFPathSegment_GetPoint{PathSegment: seg.PathSegment})
			if err != nil {
				continue
			}
			x, y := float64(pt.X), float64(pt.Y)
			pb.LLX, pb.URX = math.Min(pb.LLX, x), math.Max(pb.URX, x)
			pb.LLY, pb.URY = math.Min(pb.LLY, y), math.Max(pb.URY, y)
		}
		if pb.LLX <= pb.URX {
			out, found = intersect(out, pb), true
		}
	}
	return out, found
}

// optional reports whether obj sits in a marked-content section for
// optional content (BDC /OC).
func optional(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT) bool {
	nm, err := inst.FPDFPageObj_CountMarks(&requests.FPDFPageObj_CountMarks{PageObject: obj})
	if err != nil {
		return false
	}
	for i := 0; i < nm.Count; i++ {
		mk, err := inst.FPDFPageObj_GetMark(&requests.FPDFPageObj_GetMark{PageObject: obj, Index: uint64(i)})
		if err != nil {
			continue
		}
		name, err := inst.FPDFPageObjMark_GetName(&requests.FPDFPageObjMark_GetName{PageObjectMark: mk.Mark})
		if err == nil && name.Name == "OC" {
			return true
		}
	}
	return false
}

// Char is one character of a page's text.
type Char struct {
	Rune rune
	// Box is the glyph's tight box (its outline); Loose spans the font's
	// ascent to descent and the advance width, as text selection does.
	Box, Loose Box
	Font       string  // name as PDFium reports it, without a subset tag
	SizePt     float64 // the size as it shows on the page
	// Generated marks characters PDFium inserted (spaces between words it
	// guessed, line ends); they have no glyph.
	Generated bool
}

// Chars returns the characters of page n in PDFium's reading order.
func (r *Raster) Chars(ctx context.Context, n int) ([]Char, error) {
	return call(ctx, r, n, "text", func(s *session, page requests.Page) ([]Char, error) {
		tp, err := s.textPage(page)
		if err != nil {
			return nil, err
		}
		cnt, err := s.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
		if err != nil {
			return nil, fmt.Errorf("text: %w", err)
		}
		out := make([]Char, 0, cnt.Count)
		for i := 0; i < cnt.Count; i++ {
			out = append(out, describeChar(s.inst, tp, i, true))
		}
		return out, nil
	})
}

// leafChars is the length of a run of characters that CharsIn describes
// whole when its text runs meet the area, rather than halving it again.
const leafChars = 32

// runMargin widens the area CharsIn looks for (points): PDFium's text runs
// span the font's ascent and descent, which a glyph's own box may pass
// (an accent on a capital, an italic overhang).
const runMargin = 15.0

// CharsIn returns the characters of page n whose glyphs may lie in area
// (millimetres of the page as displayed), in PDFium's reading order: every
// run of characters that meets it, with the characters around it, and
// often some more. Where characters are left out between two runs, a
// generated space stands for them, so that words stay apart.
//
// It costs a fraction of Chars on a full page: the character ranges of the
// page are halved until their text runs (FPDFText_CountRects, computed
// inside PDFium) miss the area, and only the ranges that meet it are
// described, at seven calls a character.
func (r *Raster) CharsIn(ctx context.Context, n int, area rules.Rect) ([]Char, error) {
	return call(ctx, r, n, "text", func(s *session, page requests.Page) ([]Char, error) {
		inst := s.inst
		g, err := s.geometry(page)
		if err != nil {
			return nil, err
		}
		want := g.RectToBox(area)
		want = Box{want.LLX - runMargin, want.LLY - runMargin, want.URX + runMargin, want.URY + runMargin}
		tp, err := s.textPage(page)
		if err != nil {
			return nil, err
		}
		cnt, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
		if err != nil {
			return nil, fmt.Errorf("text: %w", err)
		}
		// meets reports whether a text run of characters [start, start+count) meets want.
		meets := func(start, count int) (bool, error) {
			rc, err := inst.FPDFText_CountRects(&requests.FPDFText_CountRects{TextPage: tp, StartIndex: start, Count: count})
			if err != nil {
				return false, fmt.Errorf("text runs: %w", err)
			}
			for i := 0; i < rc.Count; i++ {
				rr, err := inst.FPDFText_GetRect(&requests.FPDFText_GetRect{TextPage: tp, Index: i})
				if err != nil {
					return false, fmt.Errorf("text run %d: %w", i, err)
				}
				b := Box{rr.Left, rr.Bottom, rr.Right, rr.Top}.Normalize()
				// Closed intervals: a run as thin as a hyphen counts.
				if b.LLX <= want.URX && b.URX >= want.LLX && b.LLY <= want.URY && b.URY >= want.LLY {
					return true, nil
				}
			}
			return false, nil
		}
		var ranges [][2]int // [start, end) of the characters to describe
		var visit func(start, count int) error
		visit = func(start, count int) error {
			hit, err := meets(start, count)
			if err != nil || !hit {
				return err
			}
			if count <= leafChars {
				if k := len(ranges) - 1; k >= 0 && ranges[k][1] == start {
					ranges[k][1] = start + count
				} else {
					ranges = append(ranges, [2]int{start, start + count})
				}
				return nil
			}
			half := count / 2
			if err := visit(start, half); err != nil {
				return err
			}
			return visit(start+half, count-half)
		}
		if cnt.Count > 0 {
			if err := visit(0, cnt.Count); err != nil {
				return nil, err
			}
		}
		var out []Char
		for k, rg := range ranges {
			if k > 0 {
				out = append(out, Char{Rune: ' ', Generated: true})
			}
			for i := rg[0]; i < rg[1]; i++ {
				out = append(out, describeChar(inst, tp, i, false))
			}
		}
		return out, nil
	})
}

// describeChar reads character i of a text page, its loose box only when
// asked for.
func describeChar(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, i int, loose bool) Char {
	var c Char
	if u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp, Index: i}); err == nil {
		c.Rune = rune(u.Unicode)
	}
	if g, err := inst.FPDFText_IsGenerated(&requests.FPDFText_IsGenerated{TextPage: tp, Index: i}); err == nil {
		c.Generated = g.IsGenerated
	}
	if c.Generated {
		return c
	}
	if b, err := inst.FPDFText_GetCharBox(&requests.FPDFText_GetCharBox{TextPage: tp, Index: i}); err == nil {
		c.Box = Box{b.Left, b.Bottom, b.Right, b.Top}.Normalize()
	}
	if loose {
		if b, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: i}); err == nil {
			c.Loose = rectF(b.Rect)
		}
	}
	if s, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: tp, Index: i}); err == nil {
		c.SizePt = s.FontSize
		// GetFontSize is the size set by Tf; the character's matrix (text
		// matrix, CTM, forms) scales it, as for text objects.
		if m, err := inst.FPDFText_GetMatrix(&requests.FPDFText_GetMatrix{TextPage: tp, Index: i}); err == nil {
			if k := matrixOf(m.Matrix).scale(); k > 0 {
				c.SizePt *= k
			}
		}
	}
	if f, err := inst.FPDFText_GetFontInfo(&requests.FPDFText_GetFontInfo{TextPage: tp, Index: i}); err == nil {
		c.Font = stripSubset(f.FontName)
	}
	return c
}
