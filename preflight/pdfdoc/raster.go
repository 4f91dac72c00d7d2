package pdfdoc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/tetratelabs/wazero/sys"
)

// Raster is a PDF opened in PDFium: what prints on its pages (pixels),
// the objects that print it, and its text with glyph boxes. It holds one
// instance of the process-wide pool until Close; its methods may be called
// from one goroutine at a time (they lock).
//
// Every call is watched: when the context ends or a call runs longer than
// [RasterOptions.CallTimeout], the call is stopped (see [EngineMode]) and
// returns a *KilledError. The next call takes a fresh instance and opens
// the file again, so the other pages can still be checked.
//
// Everything a Raster returns is in PDF user space (points, [Box]) or in
// millimetres through the page's [Geometry].
type Raster struct {
	mu     sync.Mutex
	data   []byte
	opts   RasterOptions
	pages  int
	s      *session // nil after a kill, until the next call
	closed bool
}

// session is the document open in one instance, with what that instance
// holds for it. A call the watchdog abandons keeps its session; the Raster
// goes on with a new one, so the two never share state.
type session struct {
	inst    pdfium.Pdfium
	slot    *slot // the instance's token in engine.slots
	doc     references.FPDF_DOCUMENT
	cur     loadedPage
	loads   int // pages loaded
	geoms   map[int]Geometry
	annots  map[int]bool // pages whose annotations were set up for print
	widgets map[int]bool // pages with a form field that prints
}

// loadedPage is the one page PDFium holds parsed at a time.
type loadedPage struct {
	n    int // 1-based; 0 when none
	ref  references.FPDF_PAGE
	text references.FPDF_TEXTPAGE // "" until needed
	// foot is the page's Footprint once listed: deciding whether a page
	// starts a letter and checking its zones both need it.
	foot     []Box
	footDone bool
}

// slot is the token of one instance in engine.slots, taken before the
// instance is got from the pool and given back once the pool has it back
// (closed or destroyed), so the tokens never undercount the instances in
// use and an instance can be asked for without waiting.
type slot struct {
	ch   chan struct{}
	once sync.Once
}

// takeSlot takes a token from slots, waiting while ctx allows.
func takeSlot(ctx context.Context, slots chan struct{}) (*slot, error) {
	select {
	case slots <- struct{}{}:
		return &slot{ch: slots}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// trySlot takes a token from slots if one is free now; nil when none is.
func trySlot(slots chan struct{}) *slot {
	select {
	case slots <- struct{}{}:
		return &slot{ch: slots}
	default:
		return nil
	}
}

// release gives the token back, once.
func (s *slot) release() { s.once.Do(func() { <-s.ch }) }

// RasterOptions bound the work of a Raster. A zero field means the default.
type RasterOptions struct {
	// CallTimeout is the longest one call (a render, an object walk) may
	// run before it is stopped. Callers that want a limit per page pass a
	// context with a deadline instead.
	CallTimeout time.Duration
	// Discard destroys the instance on Close instead of returning it to the
	// pool, so the next file starts on a fresh one: for a file one does not
	// trust, and for measuring a cold start.
	Discard bool
	// MaxObjects is the most objects Footprint and Objects list for one
	// page (Objects counts those inside forms too); a page with more gives
	// a *LimitError, never a shortened list that could leave ink
	// unexplained. Zero means DefaultLimits.MaxObjects.
	MaxObjects int
}

// recyclePages is how many pages a session loads before the document is
// opened again in a fresh session, which frees what the old one holds of
// the pages before: checking a file of 2,000 pages otherwise ends with
// some 100 MB more in use. A variable for tests.
var recyclePages = 200

// DefaultCallTimeout is the safety net for a single call: far beyond what
// any genuine page needs (milliseconds), short enough not to hang a batch.
const DefaultCallTimeout = 30 * time.Second

// ErrCallTimeout is the cause of a KilledError when a call ran longer than
// RasterOptions.CallTimeout.
var ErrCallTimeout = errors.New("the call ran longer than the time limit")

// KilledError reports a call that the watchdog stopped: the context ended
// or the call ran past its time limit.
type KilledError struct {
	Page  int
	Op    string        // "render", "objects", ...
	Cause error         // ErrCallTimeout, context.DeadlineExceeded or context.Canceled
	After time.Duration // how long it had run
	// Abandoned is set in Fast mode: the call was left to run on in the
	// background; its instance is destroyed when it returns.
	Abandoned bool
}

func (e *KilledError) Error() string {
	how := "stopped"
	if e.Abandoned {
		how = "abandoned"
	}
	return fmt.Sprintf("page %d: %s %s after %v: %v", e.Page, e.Op, how, e.After.Round(time.Millisecond), e.Cause)
}

func (e *KilledError) Unwrap() error { return e.Cause }

// OpenRaster opens data in an instance of the PDFium pool, starting the
// pool on first use. It waits for a free instance while ctx allows: a
// caller must Close each Raster, and should not hold more at once than the
// pool has instances.
func OpenRaster(ctx context.Context, data []byte, opts RasterOptions) (*Raster, error) {
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.MaxObjects <= 0 {
		opts.MaxObjects = DefaultLimits.MaxObjects
	}
	r := &Raster{data: data, opts: opts}
	if err := r.attach(ctx, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// openNoWait opens r's file, of pages pages, in another Raster with r's
// options if the pool has an instance free now; nil when it has none, or
// the file does not open as it did in r.
func (r *Raster) openNoWait(ctx context.Context, pages int) *Raster {
	_, slots, err := enginePool(ctx)
	if err != nil {
		return nil
	}
	sl := trySlot(slots)
	if sl == nil {
		return nil
	}
	o := &Raster{data: r.data, opts: r.opts, pages: pages}
	if err := o.attach(ctx, sl); err != nil {
		return nil
	}
	return o
}

// attach takes an instance from the pool and opens the document in it,
// in slot sl when given (the slot of the session it replaces), else in
// one it waits for while ctx allows. sl is released when attach fails.
func (r *Raster) attach(ctx context.Context, sl *slot) error {
	pool, slots, err := enginePool(ctx)
	if err != nil {
		if sl != nil {
			sl.release()
		}
		return err
	}
	if sl == nil {
		if sl, err = takeSlot(ctx, slots); err != nil {
			return err
		}
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		sl.release()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("waiting for a PDFium instance: %w", err)
	}
	s := &session{inst: inst, slot: sl, geoms: map[int]Geometry{}, annots: map[int]bool{}, widgets: map[int]bool{}}
	pages, err := watch(ctx, r.opts.CallTimeout, s, 0, "open", func() (int, error) {
		d, err := inst.OpenDocument(&requests.OpenDocument{File: &r.data})
		if err != nil {
			return 0, fmt.Errorf("PDFium cannot open the file: %w", err)
		}
		s.doc = d.Document
		n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: s.doc})
		if err != nil {
			return 0, err
		}
		return n.PageCount, nil
	})
	if err != nil {
		var ke *KilledError
		if !errors.As(err, &ke) { // a killed call's instance is watch's to destroy
			inst.Close()
			sl.release()
		}
		return err
	}
	if r.pages != 0 && pages != r.pages {
		s.end(false)
		sl.release()
		return fmt.Errorf("PDFium counts %d pages on reopening, %d before", pages, r.pages)
	}
	r.s, r.pages = s, pages
	return nil
}

// Close releases the document and returns the instance to the pool.
func (r *Raster) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	s := r.s
	r.s = nil
	if s == nil {
		return nil
	}
	err := s.end(r.opts.Discard)
	s.slot.release()
	return err
}

// release gives r's instance back to the pool; the next call opens the
// file again in another.
func (r *Raster) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.s; s != nil {
		r.s = nil
		s.end(r.opts.Discard)
		s.slot.release()
	}
}

// end closes the document and returns the instance to the pool, or
// destroys it when discard. The slot stays taken: the caller releases it
// or hands it on.
func (s *session) end(discard bool) error {
	err := recoverCall("close", func() error {
		s.closePage()
		_, err := s.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: s.doc})
		return err
	})
	if err != nil || discard {
		// An instance in an unknown state must not serve the next file.
		s.inst.Kill()
		return err
	}
	return s.inst.Close()
}

// kill destroys the instance and releases its slot.
func (s *session) kill() {
	s.inst.Kill()
	s.slot.release()
}

// PageCount returns the number of pages as PDFium sees them.
func (r *Raster) PageCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pages
}

// call runs f on page n (1-based) of r with the page loaded, under the
// watchdog, and returns its result. When the watchdog stops f, or f leaves
// the instance broken, the Raster drops the session and the next call
// attaches a new one.
func call[T any](ctx context.Context, r *Raster, n int, op string, f func(s *session, page requests.Page) (T, error)) (T, error) {
	var zero T
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return zero, errors.New("raster is closed")
	}
	if n < 1 || n > r.pages {
		return zero, fmt.Errorf("page %d: out of range 1-%d", n, r.pages)
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if s := r.s; s != nil && s.cur.n != n && s.loads >= recyclePages {
		// go-pdfium keeps a handle for every object it has listed, and
		// PDFium every object it has parsed, until the document is closed:
		// on a long file, start afresh now and then, in the same slot, so
		// that the Raster never waits for an instance while it holds one.
		s.end(r.opts.Discard)
		r.s = nil
		if err := r.attach(ctx, s.slot); err != nil {
			return zero, err
		}
	}
	if r.s == nil {
		if err := r.attach(ctx, nil); err != nil {
			return zero, err
		}
	}
	s := r.s
	v, err := watch(ctx, r.opts.CallTimeout, s, n, op, func() (T, error) {
		page, err := s.loadPage(n)
		if err != nil {
			return zero, err
		}
		return f(s, page)
	})
	var ke *KilledError
	switch {
	case errors.As(err, &ke):
		r.s = nil
	case err != nil && instanceBroken(err):
		s.kill()
		r.s = nil
	}
	return v, err
}

// result is what a watched call hands back.
type result[T any] struct {
	v   T
	err error
}

// watch runs f in its own goroutine and waits for it until ctx ends or
// limit passes. Then, in Interruptible mode, it kills the instance and
// waits for f to stop; in Fast mode it leaves f running and destroys the
// instance when f returns. f touches only its session, and its result
// travels only through the channel, so an abandoned f races with nothing.
// A panic in f becomes an error.
func watch[T any](ctx context.Context, limit time.Duration, s *session, n int, op string, f func() (T, error)) (T, error) {
	start := time.Now()
	done := make(chan result[T], 1)
	go func() {
		var res result[T]
		res.err = recoverCall(op, func() error {
			var err error
			res.v, err = f()
			return err
		})
		done <- res
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var cause error
	select {
	case res := <-done:
		return res.v, res.err
	case <-timer.C:
		cause = ErrCallTimeout
	case <-ctx.Done():
		cause = ctx.Err()
	}
	ke := &KilledError{Page: n, Op: op, Cause: cause}
	if engineMode() == Interruptible {
		s.inst.Kill() // wazero stops the call at its next loop
		<-done
		s.slot.release()
	} else {
		ke.Abandoned = true
		engine.abandoned.Add(1)
		go func() {
			<-done
			s.kill()
			engine.abandoned.Add(-1)
		}()
	}
	ke.After = time.Since(start)
	var zero T
	return zero, ke
}

// recoverCall runs f under recover. go-pdfium recovers inside its own
// calls; this covers our code between them.
func recoverCall(op string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: internal error: %v", op, v)
		}
	}()
	return f()
}

// instanceBroken reports errors after which the instance's state is
// unknown: a WebAssembly trap (PDFium aborted, ran out of memory) or a
// panic inside go-pdfium.
func instanceBroken(err error) bool {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "wasm error") || strings.Contains(msg, "panic occurred") || strings.Contains(msg, "internal error")
}

// loadPage makes page n the loaded page.
func (s *session) loadPage(n int) (requests.Page, error) {
	if s.cur.n != n {
		s.closePage()
		p, err := s.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: s.doc, Index: n - 1})
		if err != nil {
			return requests.Page{}, fmt.Errorf("page %d: %w", n, err)
		}
		s.cur = loadedPage{n: n, ref: p.Page}
		s.loads++
	}
	ref := s.cur.ref
	return requests.Page{ByReference: &ref}, nil
}

func (s *session) closePage() {
	if s.cur.n == 0 {
		return
	}
	if s.cur.text != "" {
		s.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: s.cur.text})
	}
	s.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: s.cur.ref})
	s.cur = loadedPage{}
}

// textPage returns the loaded page's text layer, loading it once.
func (s *session) textPage(page requests.Page) (references.FPDF_TEXTPAGE, error) {
	if s.cur.text == "" {
		tp, err := s.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
		if err != nil {
			return "", fmt.Errorf("text of page %d: %w", s.cur.n, err)
		}
		s.cur.text = tp.TextPage
	}
	return s.cur.text, nil
}

// Geometry returns how page n (1-based) is displayed: PDFium's effective
// crop box (FPDF_GetPageBoundingBox: the crop box within the media box,
// inherited or not) and its rotation.
func (r *Raster) Geometry(ctx context.Context, n int) (Geometry, error) {
	return call(ctx, r, n, "geometry", func(s *session, page requests.Page) (Geometry, error) {
		return s.geometry(page)
	})
}

// geometry reads the loaded page's geometry.
func (s *session) geometry(page requests.Page) (Geometry, error) {
	if g, ok := s.geoms[s.cur.n]; ok {
		return g, nil
	}
	bb, err := s.inst.FPDF_GetPageBoundingBox(&requests.FPDF_GetPageBoundingBox{Page: page})
	if err != nil {
		return Geometry{}, fmt.Errorf("page %d: box: %w", s.cur.n, err)
	}
	rot, err := s.inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: page})
	if err != nil {
		return Geometry{}, fmt.Errorf("page %d: rotation: %w", s.cur.n, err)
	}
	rc := bb.Rect
	g := Geometry{
		CropBox: Box{float64(rc.Left), float64(rc.Bottom), float64(rc.Right), float64(rc.Top)}.Normalize(),
		Rotate:  NormalizeRotation(int(rot.PageRotation) * 90),
	}
	if g.CropBox.Width() <= 0 || g.CropBox.Height() <= 0 {
		return Geometry{}, fmt.Errorf("page %d: empty page box %v", s.cur.n, g.CropBox)
	}
	s.geoms[s.cur.n] = g
	return g, nil
}
