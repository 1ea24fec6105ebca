package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress prints what the demo is doing: a numbered line per step, the step's outcome
// and time, and a bar for long steps. On a terminal the bar redraws in place; elsewhere
// (a log, a test) it prints a line at each quarter, so the output stays readable.
type progress struct {
	w       io.Writer
	tty     bool
	n       int
	started time.Time
	shown   int // quarters printed by a non-terminal bar
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// step starts the next step.
func (p *progress) step(format string, args ...any) {
	p.n++
	p.started = time.Now()
	p.shown = 0
	fmt.Fprintf(p.w, "\n[%d] %s\n", p.n, fmt.Sprintf(format, args...))
}

// done reports the step's outcome with its time.
func (p *progress) done(format string, args ...any) {
	fmt.Fprintf(p.w, "    ✓ %s (%s)\n", fmt.Sprintf(format, args...), time.Since(p.started).Round(10*time.Millisecond))
}

// say prints an indented line inside a step.
func (p *progress) say(format string, args ...any) {
	fmt.Fprintf(p.w, "    %s\n", fmt.Sprintf(format, args...))
}

// bar shows how far a long step has got: done of total things.
func (p *progress) bar(what string, done, total int) {
	if total <= 0 {
		return
	}
	done = min(done, total)
	if !p.tty {
		if q := done * 4 / total; q > p.shown { // the quarter reached, once
			fmt.Fprintf(p.w, "    %3d%%  %d of %d %s\n", q*25, done, total, what)
			p.shown = q
		}
		return
	}
	const width = 30
	fill := done * width / total
	fmt.Fprintf(p.w, "\r    [%s%s] %3d%%  %d of %d %s", strings.Repeat("█", fill), strings.Repeat("·", width-fill),
		done*100/total, done, total, what)
	if done == total {
		fmt.Fprintln(p.w)
	}
}
