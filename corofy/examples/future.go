// Package examples holds one straight-line function for each shape corofy
// rewrites (a sequence of waits, a wait in a branch, a wait in a loop, an
// early return, errors handed to the code), the state machines corofy
// generated from them (the *_corofied.go files, also corofy's golden
// files), and tests that run both against the same scripted futures.
//
// This file is the vocabulary corofy's output relies on, the same as in
// the workbook's stage 01: a Future with Poll, the Poll answer, its
// constructors, and Wait, the marker a straight-line function awaits with.
package examples

import "errors"

// Poll is a future's answer: pending, or finished with a Value or an Err.
type Poll[T any] struct {
	Ready bool
	Value T
	Err   error
}

// Pending is the answer "not finished yet".
func Pending[T any]() Poll[T] { return Poll[T]{} }

// Ready is the answer "finished, with this value".
func Ready[T any](value T) Poll[T] { return Poll[T]{Ready: true, Value: value} }

// Failed is the answer "finished, and it went wrong".
func Failed[T any](err error) Poll[T] { return Poll[T]{Ready: true, Err: err} }

// Future is work that moves only when polled; Poll never blocks.
type Future[T any] interface {
	Poll() Poll[T]
}

// errPolledAfterDone is what a state machine answers when polled again
// after it has finished.
var errPolledAfterDone = errors.New("polled again after it finished")

// Wait is the marker corofy looks for: `v, err := Wait(f)` in a marked
// function is a point where the state machine stops until f is ready.
//
// Here, unlike in the stages, Wait also really waits, by polling f until it
// is ready, so that the tests can run each straight-line function as
// written and compare it with its state machine.
func Wait[T any](f Future[T]) (T, error) {
	for {
		if p := f.Poll(); p.Ready {
			return p.Value, p.Err
		}
	}
}
