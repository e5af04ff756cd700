//go:build linux || darwin || freebsd

// interrupt.go is what Ctrl-C does: cancellation, the runtime's way.
//
// main turns SIGINT into the end of a context (signal.NotifyContext). When
// it ends, interruptRuntime closes the reactors. A closed reactor wakes
// every task that waits on it, for a socket or a timer; each request, polled
// once more, finds its reactor gone, fails with ErrReactorClosed and closes
// its socket on the way out; each executor returns once it has no task left.
// Nothing is killed from outside: every task ends itself, at a point where
// it knows what it holds. What finished is counted, what did not is
// "unfinished", the summary says so, and the program exits with status 130,
// the shell's code for "ended by SIGINT".

package main

import (
	"errors"
	"io"
	"sync/atomic"
)

// interruptedExitStatus is the exit status of a run stopped by Ctrl-C: 128
// plus the number of SIGINT (2), as shells report a program the signal
// ended.
const interruptedExitStatus = 130

// errInterrupted ends a run that Ctrl-C stopped: the summary has said what
// finished, so main only sets the exit status.
var errInterrupted = errors.New("interrupted")

// interruptRuntime is what the run does when its context ends (Ctrl-C):
// mark the run as interrupted, then close every reactor, which wakes every
// task that waits on it.
//
// The order matters: a request that fails because of the closing must find
// the mark set, or it would be counted as a failure rather than as
// unfinished. The reactors come as io.Closers because closing is all this
// needs of them (tests pass fakes that look at the mark as they close).
//
//workbook:exercise s06-cancel
func interruptRuntime(report *interruptibleReporter, reactors ...io.Closer) {
	report.interrupted.Store(true)
	for _, r := range reactors {
		_ = r.Close()
	}
}

// interruptibleReporter passes outcomes on to the run's Results, except the
// failures an interruption caused: those requests did not fail, they were
// stopped, and the summary counts them as unfinished.
type interruptibleReporter struct {
	Reporter
	interrupted atomic.Bool
}

// Fail implements Reporter.
//
//workbook:exercise s06-cancel
func (r *interruptibleReporter) Fail(executor, i int, err error) {
	if r.interrupted.Load() && errors.Is(err, ErrReactorClosed) {
		return
	}
	r.Reporter.Fail(executor, i, err)
}
