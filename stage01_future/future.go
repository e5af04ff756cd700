//go:build linux || darwin || freebsd

// This file defines what a future is: a value you can ask "are you done yet?"
// without ever being made to wait for the answer.

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
// A future that has finished must not be polled again; the futures in this
// stage answer such a poll with an error rather than crashing.
type Future[T any] interface {
	Poll() Poll[T]
}
