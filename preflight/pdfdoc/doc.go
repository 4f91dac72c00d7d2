// Package pdfdoc opens PDF files for the pre-flight checks. Structure
// (validity, encryption, boxes, rotation, annotations, fonts) comes from
// pdfcpu; what prints (pixels, objects, text) comes from PDFium.
//
// Every input is untrusted: each call into a PDF library runs under recover
// and within limits, and a file that cannot be read gives an *OpenError.
package pdfdoc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Document is what the pre-flight rules know about a PDF's structure.
type Document struct {
	Data      []byte // the file as read; never modified
	SHA256    string // hex
	Version   string // "1.4", "2.0"
	PageCount int
	Encrypted bool // opened without a password, but encrypted
	Pages     []Page
	// FormFields counts the fields of the interactive form (AcroForm),
	// whether or not they have a widget on some page.
	FormFields int
}

// Page is one page's structure.
type Page struct {
	Number   int // 1-based
	MediaBox Box
	Geometry Geometry // crop box and rotation: the page as displayed
	Annots   []Annot
	Fonts    []Font // the fonts the page's content selects, forms included
}

// Annot is an annotation of a page.
type Annot struct {
	Subtype string // "Link", "Widget", "Square", ...
	Rect    Box
	Print   bool // the Print flag: it appears on paper
	Hidden  bool
}

// Font is a font a page uses.
type Font struct {
	Name     string // BaseFont, without a subset tag
	Type     string // Type0, Type1, TrueType, Type3, ...
	Embedded bool
}

// Limits bound the work and memory spent on one file. A zero field means
// the default.
type Limits struct {
	MaxStreamBytes int64 // decoded bytes of one stream
	MaxFileBytes   int64 // decoded bytes of all streams together, images aside
	MaxImagePixels int64 // width x height of one image
	MaxOperators   int   // content operators on one page, forms counted each time drawn
	MaxFormDepth   int   // nesting of Form XObjects
	// MaxObjects bounds the objects PDFium lists on one page, those inside
	// forms included (see [RasterOptions.MaxObjects]).
	MaxObjects int
	// Timeout is the time for checking one file, all of it: Open holds
	// the reading of the structure to it, and the caller the rest.
	Timeout time.Duration
}

// DefaultLimits are generous for real letters (a letter's content streams
// are kilobytes, a 600 dpi A4 scan is 35 megapixels) and stop hostile files
// before they cost much memory or time.
var DefaultLimits = Limits{
	MaxStreamBytes: 64 << 20,
	MaxFileBytes:   256 << 20,
	MaxImagePixels: 150_000_000,
	MaxOperators:   1_000_000,
	MaxFormDepth:   12,
	MaxObjects:     20_000,
	Timeout:        30 * time.Second,
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = DefaultLimits.MaxStreamBytes
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultLimits.MaxFileBytes
	}
	if l.MaxImagePixels <= 0 {
		l.MaxImagePixels = DefaultLimits.MaxImagePixels
	}
	if l.MaxOperators <= 0 {
		l.MaxOperators = DefaultLimits.MaxOperators
	}
	if l.MaxFormDepth <= 0 {
		l.MaxFormDepth = DefaultLimits.MaxFormDepth
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = DefaultLimits.MaxObjects
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultLimits.Timeout
	}
	return l
}

// ErrorKind says why a file could not be opened.
type ErrorKind int

// The reasons a file cannot be opened.
const (
	Unreadable    ErrorKind = iota // not a PDF, or damaged
	NeedsPassword                  // encrypted with a user password
	OverLimit                      // breaches one of the Limits
)

// OpenError is the error of Open: the file cannot be checked.
type OpenError struct {
	Kind ErrorKind
	Err  error
	// Limit names the field of Limits that was reached, for OverLimit.
	Limit string
}

func (e *OpenError) Error() string { return e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// LimitError reports a page that breaks one of the Limits when PDFium reads
// it; the rest of the file may still be checked.
type LimitError struct {
	Page  int
	Limit string // the field of Limits, as "MaxObjects"
	Err   error  // what the page has: "100001 objects, more than the limit of 20000"
}

func (e *LimitError) Error() string { return fmt.Sprintf("page %d has %v", e.Page, e.Err) }
func (e *LimitError) Unwrap() error { return e.Err }

var configOnce sync.Once

// Open reads the structure of the PDF in data. It returns an *OpenError
// when the file cannot be read, and never panics.
func Open(ctx context.Context, data []byte, limits Limits) (*Document, error) {
	configOnce.Do(api.DisableConfigDir) // or pdfcpu writes ~/.config/pdfcpu
	limits = limits.WithDefaults()
	sum := sha256.Sum256(data)
	doc := &Document{Data: data, SHA256: hex.EncodeToString(sum[:])}

	ctx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// pdfcpu cannot be interrupted while it validates, so a file that
		// runs past the time limit is abandoned to finish on its own.
		done <- guard(func() error { return doc.read(ctx, limits) })
	}()
	var err error
	select {
	case err = <-done:
		if err == nil {
			return doc, nil
		}
		if ctx.Err() == nil {
			return nil, err
		}
		// The read failed because the time ran out: say that.
	case <-ctx.Done():
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &OpenError{Kind: OverLimit, Limit: "Timeout", Err: fmt.Errorf("reading the structure took longer than the %v time limit", limits.Timeout)}
	}
	return nil, ctx.Err()
}

// guard turns a panic inside a PDF library into an unreadable-file error.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &OpenError{Kind: Unreadable, Err: fmt.Errorf("the PDF library failed on this file (%v)", r)}
		}
	}()
	return f()
}

func (doc *Document) read(ctx context.Context, limits Limits) error {
	if !bytes.Contains(doc.Data[:min(len(doc.Data), 1024)], []byte("%PDF-")) {
		return &OpenError{Kind: Unreadable, Err: errors.New("not a PDF: no %PDF- header in the first 1024 bytes")}
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// Streams are decoded below, within a budget for the whole file;
	// pdfcpu's DecodeAllStreams would keep them all in memory at once.
	conf.DecodeAllStreams = false
	conf.Limits.MaxDecodeBytes = limits.MaxStreamBytes
	conf.Limits.MaxImagePixels = limits.MaxImagePixels
	conf.Limits.MaxRecursionDepth = max(limits.MaxFormDepth*4, 100)

	pc, err := pdfcpu.ReadWithContext(ctx, bytes.NewReader(doc.Data), conf)
	if err != nil {
		return classify(err)
	}
	if err := api.ValidateContext(pc); err != nil {
		return classify(err)
	}
	nodes := pageNodes(pc.XRefTable)
	if err := decodeAll(ctx, pc.XRefTable, limits, contentStreams(pc.XRefTable, nodes)); err != nil {
		return err
	}
	doc.Version = pc.VersionString()
	doc.PageCount = pc.PageCount
	doc.Encrypted = pc.Encrypt != nil
	doc.FormFields = countFormFields(pc.XRefTable)
	if pc.PageCount == 0 {
		return nil
	}
	boundaries, err := pc.PageBoundaries(nil)
	if err != nil {
		return &OpenError{Kind: Unreadable, Err: fmt.Errorf("page boxes: %w", err)}
	}
	w := walker{xref: pc.XRefTable, limits: limits, nodes: nodes}
	for i, pb := range boundaries {
		n := i + 1
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := w.page(n, pb)
		if err != nil {
			var oe *OpenError
			if errors.As(err, &oe) {
				return oe
			}
			return &OpenError{Kind: Unreadable, Err: fmt.Errorf("page %d: %w", n, err)}
		}
		doc.Pages = append(doc.Pages, page)
	}
	return nil
}

// classify maps pdfcpu's errors, which are plain strings, onto our kinds
// and trims them to what a user can act on.
func classify(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(msg, "correct password"):
		return &OpenError{Kind: NeedsPassword, Err: errors.New("it is encrypted with a password that is needed to open it")}
	case errors.Is(err, filter.ErrDecodeLimitExceeded):
		return &OpenError{Kind: OverLimit, Limit: "MaxStreamBytes", Err: fmt.Errorf("a stream decodes to more than the limit: %s", dedupe(msg))}
	}
	return &OpenError{Kind: Unreadable, Err: fmt.Errorf("damaged or not a valid PDF: %s", dedupe(msg))}
}

// dedupe drops repeated segments of a wrapped error message, which pdfcpu
// produces ("xref table: xref table: unexpected eof").
func dedupe(msg string) string {
	parts := strings.Split(msg, ": ")
	var out []string
	for i, p := range parts {
		if i > 0 && p == parts[i-1] {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ": ")
}

// decodeAll decodes every stream but images once, to find the ones that
// cannot be decoded (a corrupt Flate stream: PDFium would silently draw
// nothing) and to hold the file to its limits. Only what the walk over the
// pages reads is kept decoded, so that it is not decoded twice: forms, and
// the page contents listed in contents.
func decodeAll(ctx context.Context, xref *model.XRefTable, limits Limits, contents map[int]bool) error {
	var total int64
	for nr, e := range xref.Table {
		if e == nil || e.Free {
			continue
		}
		sd, ok := e.Object.(types.StreamDict)
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sub, _ := sd.Dict["Subtype"].(types.Name)
		if sub == "Image" {
			w, _ := xref.DereferenceInteger(sd.Dict["Width"])
			h, _ := xref.DereferenceInteger(sd.Dict["Height"])
			if w != nil && h != nil && int64(w.Value())*int64(h.Value()) > limits.MaxImagePixels {
				return &OpenError{Kind: OverLimit, Limit: "MaxImagePixels", Err: fmt.Errorf("image object %d is %d x %d pixels, more than the limit of %d megapixels", nr, w.Value(), h.Value(), limits.MaxImagePixels/1_000_000)}
			}
			continue // image data is decoded, if at all, by the renderer
		}
		if sd.Content != nil || len(sd.Raw) == 0 {
			continue
		}
		budget := min(limits.MaxStreamBytes, limits.MaxFileBytes-total)
		err := sd.DecodeWithLimit(budget)
		switch {
		case err == nil:
		case errors.Is(err, filter.ErrUnsupportedFilter):
			continue
		case errors.Is(err, filter.ErrDecodeLimitExceeded):
			if budget < limits.MaxStreamBytes {
				return &OpenError{Kind: OverLimit, Limit: "MaxFileBytes", Err: fmt.Errorf("its streams decode to more than %d MB together (limit %d MB)", limits.MaxFileBytes>>20, limits.MaxFileBytes>>20)}
			}
			return &OpenError{Kind: OverLimit, Limit: "MaxStreamBytes", Err: fmt.Errorf("stream object %d decodes to more than %d MB (limit %d MB)", nr, limits.MaxStreamBytes>>20, limits.MaxStreamBytes>>20)}
		default:
			return &OpenError{Kind: Unreadable, Err: fmt.Errorf("stream object %d cannot be decoded: %s", nr, dedupe(err.Error()))}
		}
		total += int64(len(sd.Content))
		// pdfcpu decodes page contents again within its own limit: keep
		// only what it would decode the same.
		if (contents[nr] || sub == "Form") && budget <= filter.DefaultMaxDecodeBytes {
			e.Object = sd
		}
	}
	return nil
}

// contentStreams returns the object numbers of the content streams of the
// pages of nodes; none when nodes is nil (pageNodes could not tell).
func contentStreams(xref *model.XRefTable, nodes []pageNode) map[int]bool {
	out := map[int]bool{}
	add := func(o types.Object) {
		if ref, ok := o.(types.IndirectRef); ok {
			out[ref.ObjectNumber.Value()] = true
		}
	}
	for _, n := range nodes {
		o, _ := n.dict.Find("Contents")
		add(o) // a stream, or an array of them
		if arr, err := xref.DereferenceArray(o); err == nil {
			for _, e := range arr {
				add(e)
			}
		}
	}
	return out
}

func rectBox(r *types.Rectangle) Box {
	if r == nil {
		return Box{}
	}
	return Box{r.LL.X, r.LL.Y, r.UR.X, r.UR.Y}.Normalize()
}

func countFormFields(xref *model.XRefTable) int {
	cat, err := xref.Catalog()
	if err != nil || cat == nil {
		return 0
	}
	form, err := xref.DereferenceDict(cat["AcroForm"])
	if err != nil || form == nil {
		return 0
	}
	fields, err := xref.DereferenceArray(form["Fields"])
	if err != nil {
		return 0
	}
	return len(fields)
}
