//go:build linux || darwin || freebsd

// interrupt.go is what Ctrl-C does. main turns SIGINT into the end of a
// context (signal.NotifyContext); each mode stops its requests when that
// context ends, in its own way, closing every socket; what finished is
// counted, what did not is "unfinished", the summary says so, and the
// program exits with status 130, the shell's code for "ended by SIGINT".
//
//   - runtime: interruptRuntime closes the reactor. Every waiting task is
//     woken, its request fails with ErrReactorClosed and closes its socket,
//     and each executor returns once it has no task left.
//   - goroutines: each request closes its connection when the context ends,
//     so its blocked read returns at once (mode_goroutines.go).
//   - threads: the child process gets SIGINT too (from the terminal, or
//     from the parent, see interruptibleChild) and dies of it; the kernel
//     closes its sockets. The parent has already counted every response
//     the child reported. A child that dies of SIGINT counts as an
//     interruption even when the parent was not signalled, or not yet
//     (errChildInterrupted).

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync/atomic"
	"time"
)

// interruptedExitStatus is the exit status of a run stopped by Ctrl-C: 128
// plus the number of SIGINT (2), as shells report a program the signal
// ended.
const interruptedExitStatus = 130

// errInterrupted ends a run that Ctrl-C stopped: the summary has said what
// finished, so main only sets the exit status.
var errInterrupted = errors.New("interrupted")

// errChildInterrupted says that the threads mode's child died of SIGINT
// while this process had not (yet) been interrupted itself: the run is
// reported as interrupted all the same (runThreadsChild).
var errChildInterrupted = errors.New("the threads mode's child process was interrupted")

// childInterruptGrace is how long the parent gives the threads mode's child
// to end after passing SIGINT on, before it kills it.
const childInterruptGrace = 500 * time.Millisecond

// interruptRuntime is what the runtime mode does when the run's context ends
// (Ctrl-C): mark the run as interrupted, then close the reactor, which wakes
// every task that waits on it.
//
// The order matters: a request that fails because of the closing must find
// the mark set, or it would be counted as a failure.
func interruptRuntime(reactor *Reactor, report *interruptibleReporter) {
	report.interrupted.Store(true)
	_ = reactor.Close()
}

// interruptibleReporter passes outcomes on to the run's Results, except the
// failures an interruption caused: those requests did not fail, they were
// stopped, and the summary counts them as unfinished.
type interruptibleReporter struct {
	Reporter
	interrupted atomic.Bool
}

// Fail implements Reporter.
func (r *interruptibleReporter) Fail(executor, i int, err error) {
	if r.interrupted.Load() && errors.Is(err, ErrReactorClosed) {
		return
	}
	r.Reporter.Fail(executor, i, err)
}

// interruptibleChild remakes cmd so that it is told when ctx ends: the
// exec package then sends it SIGINT, as Ctrl-C in a terminal would, and
// kills it if it is still there childInterruptGrace later. A Ctrl-C in the
// terminal reaches the child anyway (it is in the same process group); this
// covers a SIGINT sent to the parent alone (kill -INT).
func interruptibleChild(ctx context.Context, cmd *exec.Cmd) *exec.Cmd {
	child := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	child.Env = cmd.Env
	child.Dir = cmd.Dir
	child.Cancel = func() error { return child.Process.Signal(os.Interrupt) }
	child.WaitDelay = childInterruptGrace
	return child
}

// childFigures are the figures of an interrupted threads run: the child
// died before it could report its own, so the parent takes the wall time it
// saw itself and the CPU time the kernel accounted to the child.
func childFigures(child *exec.Cmd, wall time.Duration) Figures {
	f := Figures{Wall: wall}
	if child != nil && child.ProcessState != nil {
		f.CPU = child.ProcessState.UserTime() + child.ProcessState.SystemTime()
	}
	return f
}
