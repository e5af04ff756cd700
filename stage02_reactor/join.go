//go:build linux || darwin || freebsd

// This file is JoinAll: several futures polled as one, so that their waits
// overlap instead of adding up.

package main

import (
	"errors"
	"io"
)

// JoinAllFuture is the future JoinAll returns. Its value is every joined
// future's value, in the order the futures were given.
type JoinAllFuture[T any] struct {
	futures   []Future[T] // nil once that future has finished
	values    []T
	remaining int  // futures not finished yet
	done      bool // the result has been handed out, or Close was called
}

// JoinAll returns a future that is ready when all of futures are.
//
// This is where concurrency comes from without any threads: the first poll
// polls every future, so all of them start their work (connect, send)
// before any of them is waited for. Two requests of 600 ms and 400 ms then
// take about 600 ms together, not 1 s.
//
// The first error any future finishes with ends the join at once, and the
// futures still running are closed, so their sockets are released rather
// than left open for answers nobody will read.
func JoinAll[T any](futures ...Future[T]) *JoinAllFuture[T] {
	return &JoinAllFuture[T]{
		futures:   append([]Future[T](nil), futures...),
		values:    make([]T, len(futures)),
		remaining: len(futures),
	}
}

// Poll polls every future that has not finished yet, keeps the values of
// those that have, and is ready once none is left.
//
// It polls all of them on every call, because this runtime cannot tell
// which one the last event was for; a future that is not ready just answers
// Pending again, cheaply. A finished future is never polled again.
//
//workbook:exercise s02-join-all
func (j *JoinAllFuture[T]) Poll() Poll[[]T] {
	if j.done {
		return Failed[[]T](errPolledAfterDone)
	}
	for i, f := range j.futures {
		if f == nil {
			continue
		}
		p := f.Poll()
		if !p.Ready {
			continue
		}
		j.futures[i] = nil
		if p.Err != nil {
			_ = j.Close()
			return Failed[[]T](p.Err)
		}
		j.values[i] = p.Value
		j.remaining--
	}
	if j.remaining > 0 {
		return Pending[[]T]()
	}
	j.done = true
	return Ready(j.values)
}

// Close abandons every future that has not finished, closing those that
// hold resources (that implement io.Closer), and finishes the join.
//
//workbook:exercise s02-join-all
func (j *JoinAllFuture[T]) Close() error {
	var errs []error
	for i, f := range j.futures {
		if f == nil {
			continue
		}
		j.futures[i] = nil
		if closer, ok := f.(io.Closer); ok {
			errs = append(errs, closer.Close())
		}
	}
	j.done = true
	return errors.Join(errs...)
}
