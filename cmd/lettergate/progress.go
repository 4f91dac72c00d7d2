package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress is a one-line progress bar on a terminal's standard error, for
// batches of files or letters. It draws nothing when standard error is not
// a terminal, so logs and pipes stay clean.
type progress struct {
	w           io.Writer
	on          bool
	noun        string // "files", "letters"
	total       int    // 0: unknown
	n, failed   int
	start, last time.Time
	shown       bool
}

func newProgress(e *env, total int, noun string) *progress {
	return &progress{w: e.stderr, on: e.stderrTTY && total != 1, noun: noun, total: total, start: time.Now()}
}

// step counts one item done, failed or not, and redraws at most ten times
// a second.
func (p *progress) step(failed bool) {
	p.n++
	if failed {
		p.failed++
	}
	if !p.on || time.Since(p.last) < 100*time.Millisecond && p.n != p.total {
		return
	}
	p.last = time.Now()
	p.shown = true
	var b strings.Builder
	b.WriteString("\r")
	if p.total > 0 {
		const width = 30
		filled := width * p.n / p.total
		fmt.Fprintf(&b, "[%s%s] %d/%d %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.n, p.total, p.noun)
	} else {
		fmt.Fprintf(&b, "%d %s", p.n, p.noun)
	}
	if p.failed > 0 {
		fmt.Fprintf(&b, " · %d failed", p.failed)
	}
	if el := time.Since(p.start); p.total > 0 && p.n > 0 && p.n < p.total {
		fmt.Fprintf(&b, " · %s left", (el * time.Duration(p.total-p.n) / time.Duration(p.n)).Round(time.Second))
	}
	b.WriteString("\x1b[K")
	io.WriteString(p.w, b.String())
}

// clear removes the line before other output goes to the terminal; the
// next step draws it again.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
		p.last = time.Time{}
	}
}
