// This file is the runtime: it owns an epoll instance and drives one future
// to completion, sleeping in epoll_wait until the kernel reports that one of
// the registered sockets has changed.

package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"
)

// forever is the timeout for a Wait that only ends with an event.
const forever time.Duration = -1

// maxEvents is how many events one Wait can return. More ready sockets are
// not lost: the next Wait reports them.
const maxEvents = 64

// Runtime runs futures. Instead of the fixed sleep of stage 01, it lets
// the kernel say when something happened: futures register their sockets
// with its Registry, and BlockOn waits in epoll_wait between polls.
type Runtime struct {
	epfd     int
	registry *Registry
	events   []unix.EpollEvent
	out      io.Writer
}

// NewRuntime creates the epoll instance the runtime waits on. out receives
// the "Schedule other tasks" line printed before every wait.
//
// EPOLL_CLOEXEC keeps the epoll fd from leaking into child processes.
func NewRuntime(out io.Writer) (*Runtime, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: create: %w", err)
	}
	return &Runtime{
		epfd:     epfd,
		registry: &Registry{epfd: epfd},
		events:   make([]unix.EpollEvent, maxEvents),
		out:      out,
	}, nil
}

// Registry is the handle futures use to have their sockets watched.
func (rt *Runtime) Registry() *Registry {
	return rt.registry
}

// Close releases the epoll instance. Calling it twice is harmless.
func (rt *Runtime) Close() error {
	if rt.epfd < 0 {
		return nil
	}
	err := unix.Close(rt.epfd)
	rt.epfd = -1
	if err != nil {
		return fmt.Errorf("epoll: close: %w", err)
	}
	return nil
}

// Wait blocks until at least one registered fd has an event, or until
// timeout has passed (forever: no timeout; 0: just look). It returns the
// events; they stay valid until the next Wait.
//
// epoll_wait is never restarted after a signal, even with SA_RESTART, and
// the Go runtime itself sends signals to its threads, so EINTR is normal
// here: it means "woken for nothing", and the wait is simply tried again.
//
//workbook:exercise s02-wait
func (rt *Runtime) Wait(timeout time.Duration) ([]unix.EpollEvent, error) {
	msec := -1
	if timeout >= 0 {
		// Round up: a timeout of 0.5 ms must wait, not merely look.
		msec = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	for {
		n, err := unix.EpollWait(rt.epfd, rt.events, msec)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("epoll: wait: %w", err)
		}
		return rt.events[:n], nil
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
	for {
		p := f.Poll()
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
