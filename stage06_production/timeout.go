//go:build linux || darwin || freebsd

// This file is the per-request timeout: a future that runs another one
// against a Sleep, and gives up on it when the Sleep wins. A server that
// accepts a connection and never answers then costs one request a clear
// "timeout" error, not a run that hangs for ever.

package main

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrTimeout is the error of a request that had no complete answer within
// its time limit (-timeout). Test for it with errors.Is.
var ErrTimeout = errors.New("timeout")

// timeoutError says how long a request waited before it was given up.
func timeoutError(limit time.Duration) error {
	return fmt.Errorf("%w after %s: no complete answer in time", ErrTimeout, limit)
}

// describer is implemented by a future that can say which operation an
// error belongs to (HTTPGetFuture: "GET /5/x from 127.0.0.1:8080"), so that
// a timeout names the request like the future's own errors do.
type describer interface {
	describe(err error) error
}

// TimeoutFuture is inner, unless inner is still pending limit after the
// first poll: then inner is closed (its socket with it) and the future fails
// with ErrTimeout.
//
// Both futures get every poll's waker: inner's socket events and the
// Sleep's timer wake the same task, and each poll asks inner first, so an
// answer that comes in at the last moment still wins. When inner finishes
// first, the Sleep is closed, which cancels its timer: thousands of requests
// that all finish in time leave the reactor's heap empty.
//
// The Sleep, and the Timer inside it, are part of the TimeoutFuture itself,
// so bounding a request costs one allocation, not three (future, Sleep,
// Timer): with 10,000 requests waiting, that is 20,000 allocations fewer.
// The Sleep also keeps what would otherwise be fields here: the limit is
// its duration, and the timeout is over exactly when its Sleep is (every
// way out of Poll or Close finishes the Sleep).
type TimeoutFuture[T any] struct {
	inner Future[T]
	sleep SleepFuture // never copied: the reactor's heap points at its Timer
}

// WithTimeout returns inner bounded by limit, timed by timers (the
// reactor). Like every future, it does nothing until it is polled.
func WithTimeout[T any](inner Future[T], limit time.Duration, timers Timekeeper) *TimeoutFuture[T] {
	f := &TimeoutFuture[T]{inner: inner}
	f.sleep.init(timers, limit)
	return f
}

// Poll polls inner and, while inner is pending, the Sleep.
//
//workbook:exercise s06-timeout
func (f *TimeoutFuture[T]) Poll(w Waker) Poll[T] {
	if f.sleep.done {
		return Failed[T](errPolledAfterDone)
	}
	if p := f.inner.Poll(w); p.Ready {
		_ = f.sleep.Close()
		return p
	}
	s := f.sleep.Poll(w)
	if !s.Ready {
		return Pending[T]()
	}
	// The time is up (or the reactor has stopped, and the timer will never
	// fire): give up on inner, which must release what it holds.
	f.closeInner()
	err := s.Err
	if err == nil {
		err = timeoutError(f.sleep.duration)
	}
	if d, ok := f.inner.(describer); ok {
		err = d.describe(err)
	}
	return Failed[T](err)
}

// Close abandons both futures: the executor calls it when it gives up on the
// task.
func (f *TimeoutFuture[T]) Close() error {
	_ = f.sleep.Close()
	return f.closeInner()
}

// closeInner closes inner if it holds anything (implements io.Closer).
func (f *TimeoutFuture[T]) closeInner() error {
	if closer, ok := f.inner.(io.Closer); ok {
		return closer.Close()
	}
	return nil
}
