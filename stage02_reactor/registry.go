//go:build linux || darwin || freebsd

// This file is the registry: the handle futures use to ask the runtime's
// poller (epoll on Linux, kqueue on macOS and FreeBSD) to watch their
// sockets, and to stop watching them.

package main

import "github.com/asyncworkbook/asyncgo/internal/trace"

// Registry lets a future put its socket on the runtime's watch list. It is
// a small handle, separate from the Runtime, so that a future can register
// sockets without being able to run the event loop itself (mio splits its
// Poll and Registry the same way).
type Registry struct {
	poller *poller
	trace  *trace.Lane // the runtime's lane, for -trace; nil when off
}

// Register asks the poller to watch fd, edge-triggered, for reading,
// writing and the peer closing (see socketInterest in poller_epoll.go for
// what each means, and why edge-triggered). The fd itself is the
// registration id, so every event says which socket it is about; stage 03
// explains why an id that is never reused is better.
//
// Adding a socket that is already ready (for example one whose connect
// finished at once) is safe: the kernel checks readiness at the moment of
// adding and queues an event straight away, so no edge is lost.
//
//workbook:exercise s02-register
func (r *Registry) Register(fd int) error {
	r.trace.Registers(fd, fd, "readable|writable")
	return r.poller.add(fd, fd)
}

// Deregister asks the poller to stop watching fd. Call it before closing
// fd: the kernel would drop a closed socket by itself, but only when no
// other copy of the descriptor exists, and after the close the fd number
// can be handed to a new socket, whose events must not be confused with the
// old one's.
func (r *Registry) Deregister(fd int) error {
	r.trace.Deregisters(fd, fd)
	return r.poller.remove(fd)
}
