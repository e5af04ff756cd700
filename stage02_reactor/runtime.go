//go:build linux || darwin || freebsd

// This file is the runtime: it owns a poller (epoll on Linux, kqueue on
// macOS and FreeBSD) and drives one future to completion, sleeping in the
// poller's wait until the kernel reports that one of the registered sockets
// has changed.

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// forever is the timeout for a Wait that only ends with an event.
const forever time.Duration = -1

// maxEvents is how many events one Wait can return. More ready sockets are
// not lost: the next Wait reports them.
const maxEvents = 64

// Runtime runs futures. Instead of the fixed sleep of stage 01, it lets
// the kernel say when something happened: futures register their sockets
// with its Registry, and BlockOn waits in the poller between polls.
type Runtime struct {
	poller   *poller
	registry *Registry
	ready    []int // Wait's buffer for the fds of ready sockets
	closed   bool
	out      io.Writer
	trace    *trace.Lane // what the runtime's one thread does, for -trace; nil when off
}

// NewRuntime creates the poller the runtime waits on. out receives the
// "Schedule other tasks" line printed before every wait.
func NewRuntime(out io.Writer) (*Runtime, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	lane := trace.NewLane("runtime", "")
	return &Runtime{
		trace:    lane,
		poller:   p,
		registry: &Registry{poller: p, trace: lane},
		ready:    make([]int, maxEvents),
		out:      out,
	}, nil
}

// Registry is the handle futures use to have their sockets watched.
func (rt *Runtime) Registry() *Registry {
	return rt.registry
}

// Close releases the poller. Calling it twice is harmless.
func (rt *Runtime) Close() error {
	if rt.closed {
		return nil
	}
	rt.closed = true
	return rt.poller.close()
}

// Wait blocks until at least one registered fd has an event, or until
// timeout has passed (forever: no timeout; 0: just look). It returns the
// fds that have events; the slice stays valid until the next Wait.
//
// The poller's wait can come back early with nothing: epoll_wait and
// kevent are never restarted after a signal, even with SA_RESTART, and the
// Go runtime itself sends signals to its threads. So EINTR is normal here:
// it means "woken for nothing", and Wait simply waits again, for whatever
// is left of the timeout.
//
//workbook:exercise s02-wait
func (rt *Runtime) Wait(timeout time.Duration) ([]int, error) {
	deadline := time.Now().Add(timeout)
	for {
		rt.trace.WaitBegins()
		n, err := rt.poller.wait(rt.ready, timeout)
		rt.trace.WaitEnds(n, err)
		if err != nil {
			return nil, err
		}
		if n > 0 || timeout == 0 {
			return rt.ready[:n], nil
		}
		if timeout > 0 {
			if timeout = time.Until(deadline); timeout <= 0 {
				return rt.ready[:0], nil
			}
		}
	}
}

// BlockOn runs f to completion and returns its result.
//
// Poll; if f is not ready, print "Schedule other tasks" and wait for the
// kernel to report an event on some registered socket; poll again. Unlike
// stage 01's loop, no time is wasted sleeping after an answer has arrived,
// and no CPU is spent polling when nothing has happened.
//
// This runtime does not look at which socket the event was for: it has only
// one future to poll, so any event is a reason to poll it (stage 03 adds
// wakers, which say exactly which task can make progress). A future that
// returns Pending must therefore have registered something that will produce
// an event, or BlockOn waits forever.
//
// Go methods cannot have type parameters, so BlockOn is a function taking
// the runtime rather than a method on it.
//
//workbook:exercise s02-block-on
func BlockOn[T any](rt *Runtime, f Future[T]) (T, error) {
	rt.trace.Spawns(1)
	for {
		rt.trace.PollBegins(1)
		p := f.Poll()
		rt.trace.PollEnds(p.Ready, p.Err)
		if p.Ready {
			return p.Value, p.Err
		}
		fmt.Fprintln(rt.out, "Schedule other tasks")
		if _, err := rt.Wait(forever); err != nil {
			// The future will never be polled again: let it release its
			// sockets before giving up on it.
			if c, ok := f.(io.Closer); ok {
				_ = c.Close()
			}
			var zero T
			return zero, err
		}
	}
}
