// This file is the tally every request reports into, from any goroutine or
// OS thread, and the summary line printed last.

package plan

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// InterruptedStatus is the exit status of a run stopped by Ctrl-C: 128 plus
// SIGINT's number (2), as shells report a program the signal ended.
const InterruptedStatus = 130

// Results counts the outcomes of a run and, unless quiet, prints one line
// per response. Done and Fail may be called from any goroutine at once.
type Results struct {
	mu       sync.Mutex
	out      io.Writer // nil when quiet
	ok       int
	failed   int
	firstErr error
	// finished is set once the summary is printed: outcomes reported
	// after it are dropped, so that the summary stays the last line and
	// its counts stay true.
	finished bool
}

// NewResults returns an empty tally that prints to out, or prints nothing
// when quiet is set.
func NewResults(out io.Writer, quiet bool) *Results {
	if quiet {
		out = nil
	}
	return &Results{out: out}
}

// Done records the answer to request i of an executor.
func (r *Results) Done(executor, i int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	r.ok++
	if r.out != nil {
		fmt.Fprintf(r.out, "executor %d, request %d: %s\n", executor, i, body)
	}
}

// Fail records that request i of an executor failed, and why.
func (r *Results) Fail(executor, i int, err error) {
	if err == nil {
		err = errors.New("failed without an error (a bug in the program)")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	r.failed++
	if r.firstErr == nil {
		r.firstErr = fmt.Errorf("executor %d, request %d: %w", executor, i, err)
	}
	if r.out != nil {
		fmt.Fprintf(r.out, "executor %d, request %d: FAILED: %v\n", executor, i, err)
	}
}

// Counts are the answers and the failures so far.
func (r *Results) Counts() (ok, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok, r.failed
}

// Summary is the line a run ends with, the last on stdout:
//
//	NAME: N requests (E executors × R), OK ok, F failed in WALL
//
// or, when Ctrl-C stopped the run,
//
//	NAME: N requests (E executors × R), INTERRUPTED (Ctrl-C): OK ok, F failed, U unfinished in WALL
//
// The comparison tool reads the counts with the regexp `(\d+) ok, (\d+) failed`.
func (r *Results) Summary(name string, p *Plan, wall time.Duration, interrupted bool) string {
	ok, failed := r.Counts()
	return summaryLine(name, p, ok, failed, wall, interrupted)
}

// summaryLine writes the summary from the counts.
func summaryLine(name string, p *Plan, ok, failed int, wall time.Duration, interrupted bool) string {
	outcome := fmt.Sprintf("%d ok, %d failed", ok, failed)
	if interrupted {
		outcome = fmt.Sprintf("INTERRUPTED (Ctrl-C): %d ok, %d failed, %d unfinished", ok, failed, p.Total()-ok-failed)
	}
	return fmt.Sprintf("%s: %d requests (%d executors × %d), %s in %s",
		name, p.Total(), p.Executors, p.Requests, outcome, wall.Round(time.Millisecond))
}

// Finish prints the summary, stops counting, and returns the exit status:
// 130 when interrupted, 1 when a request failed (with a line on stderr that
// says which one first), 0 when every request was answered.
func (r *Results) Finish(name string, p *Plan, wall time.Duration, interrupted bool, stdout, stderr io.Writer) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = true
	fmt.Fprintln(stdout, summaryLine(name, p, r.ok, r.failed, wall, interrupted))
	switch {
	case interrupted:
		return InterruptedStatus
	case r.failed > 0:
		fmt.Fprintf(stderr, "%s: %d of %d requests failed; the first: %s\n", name, r.failed, p.Total(), target.OneLine(r.firstErr))
		return 1
	}
	return 0
}

// Fail prints "name: err" on one line of stderr, unless err is -h's
// flag.ErrHelp, and returns the exit status for err: 2 for a flag mistake
// (target.UsageError), 1 for a run that could not be done, 0 for -h.
func Fail(name string, err error, stderr io.Writer) int {
	status := target.ExitStatus(err)
	if status != 0 {
		fmt.Fprintf(stderr, "%s: %s\n", name, target.OneLine(err))
	}
	return status
}
