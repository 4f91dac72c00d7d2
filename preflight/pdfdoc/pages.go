package pdfdoc

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
)

// EachPage calls f(r, n) for every page n of r until f returns true
// (stop): the pages after n that have not started then do not, and those
// before it are all done. A file of more than two runs of run pages is
// done run by run, the runs taken in page order by r and by further
// Rasters of the same file, each opened when the pool has an instance
// free at that moment, never by waiting for one: one long file uses the
// cores that are free, and never takes an instance that another file is
// waiting for. A shorter file is done in page order on r.
//
// f may run for several pages at once, each call with the Raster to use:
// it must change nothing that another page's call reads. A panic in f
// is raised again in the caller once the other calls have returned.
//
// When the pages are done in runs, every Raster gives its instance back
// as soon as no run is left for it (r opens the file again on its next
// call), so a Raster whose call was abandoned (see [EngineMode]) and
// that waits for a new instance never waits for one that its file holds.
// EachPage returns how many Rasters did the work.
func (r *Raster) EachPage(ctx context.Context, run int, f func(r *Raster, n int) (stop bool)) int {
	pages := r.PageCount()
	if run < 1 || pages <= 2*run {
		for n := 1; n <= pages && !f(r, n); n++ {
		}
		return 1
	}
	q := &pageRuns{first: r, ctx: ctx, run: run, pages: pages, f: f, max: Engine().Instances, rasters: 1}
	q.next.Store(1)
	q.stop.Store(math.MaxInt64)
	q.wg.Add(1)
	q.work(r)
	q.wg.Wait()
	if q.panicked != nil {
		panic(q.panicked)
	}
	return q.rasters
}

// pageRuns hands out the runs of pages of one EachPage.
type pageRuns struct {
	first *Raster // the caller's; the others open its file
	ctx   context.Context
	run   int
	pages int
	f     func(r *Raster, n int) bool
	next  atomic.Int64 // the first page of the next run
	stop  atomic.Int64 // pages after it are not started
	wg    sync.WaitGroup

	mu       sync.Mutex
	max      int // Rasters at most: the pool's instances
	rasters  int // Rasters opened so far, first included
	panicked any
}

// work does runs on r until none is left, then gives r's instance back.
func (q *pageRuns) work(r *Raster) {
	defer q.wg.Done()
	defer func() {
		if v := recover(); v != nil {
			q.mu.Lock()
			if q.panicked == nil {
				q.panicked = v
			}
			q.mu.Unlock()
			q.stopAt(0)
		}
		if r == q.first {
			r.release()
		} else {
			r.Close()
		}
	}()
	for {
		start := int(q.next.Add(int64(q.run))) - q.run
		if start > q.pages || int64(start) > q.stop.Load() {
			return
		}
		q.grow()
		end := min(start+q.run-1, q.pages)
		for n := start; n <= end && int64(n) <= q.stop.Load(); n++ {
			if q.f(r, n) {
				q.stopAt(n)
				break
			}
		}
	}
}

// grow starts another Raster on the runs left after the one about to be
// done, if the pool has an instance free now.
func (q *pageRuns) grow() {
	q.mu.Lock()
	if q.rasters >= q.max || int(q.next.Load()) > q.pages || q.next.Load() > q.stop.Load() {
		q.mu.Unlock()
		return
	}
	q.rasters++ // reserved while opening, outside the lock
	q.mu.Unlock()
	o := q.first.openNoWait(q.ctx, q.pages)
	if o == nil {
		q.mu.Lock()
		q.rasters--
		q.mu.Unlock()
		return
	}
	q.wg.Add(1)
	go q.work(o)
}

// stopAt lowers the last page to start to n.
func (q *pageRuns) stopAt(n int) {
	for {
		cur := q.stop.Load()
		if int64(n) >= cur || q.stop.CompareAndSwap(cur, int64(n)) {
			return
		}
	}
}
