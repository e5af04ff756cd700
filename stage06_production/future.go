//go:build linux || darwin || freebsd

// This file defines what a future is: a value you can ask "are you done yet?"
// without ever being made to wait for the answer. Since stage 03, every
// poll hands the future a Waker, its way to say "poll me again" later.

package main

// Poll is the answer a future gives each time it is polled.
//
// While the work is still going on, Ready is false and the other fields mean
// nothing. Once the work has finished, Ready is true and the future carries
// either its Value or, if the work failed, an Err. Errors travel as values
// inside Poll, the same way a Go function returns (value, error): a future
// never panics to report a failure.
type Poll[T any] struct {
	Ready bool
	Value T
	Err   error
}

// Pending is the answer "not finished yet: poll me again later".
func Pending[T any]() Poll[T] {
	return Poll[T]{}
}

// Ready is the answer "finished, and here is the result".
func Ready[T any](value T) Poll[T] {
	return Poll[T]{Ready: true, Value: value}
}

// Failed is the answer "finished, and it went wrong".
func Failed[T any](err error) Poll[T] {
	return Poll[T]{Ready: true, Err: err}
}

// Future is a piece of work that makes progress only when somebody polls it.
//
// Poll must never block. It does as much as it can right now and returns:
// Pending when it would otherwise have to wait (for a socket to connect, for
// bytes to arrive), or a finished answer. Whoever polls a future is free to go
// and do something else between polls; that freedom is the whole point.
//
// The Waker is the future's half of a promise. A future that answers Pending
// must first have arranged for w.Wake to be called once it can make progress
// (the HTTP future hands w to the Reactor, which calls it when the socket has
// an event). The executor polls only tasks that were woken, so a Pending
// with no arrangement behind it is a task that sleeps forever. If a later
// poll brings a different waker, the future must pass the newer one on: the
// task may have moved, and only the latest waker reaches it.
//
// A future that has finished must not be polled again; the futures in this
// stage answer such a poll with an error rather than crashing.
type Future[T any] interface {
	Poll(w Waker) Poll[T]
}
