//go:build linux || darwin || freebsd

// This file is request(i), one of the tasks each executor spawns, written
// the way a compiler would rewrite an async function: a state machine that
// can stop where it awaits and carry on from there at the next poll.

package main

import "io"

// requestState marks the points where a request can be suspended.
type requestState int

const (
	requestStart requestState = iota // nothing has run yet
	requestWait                      // waiting for the answer
	requestDone                      // the outcome is reported
)

// RequestCoroutine is this function, turned into a future by hand:
//
//	func request(executor, i int) {
//		body, err := await(Get(path))
//		if err != nil {
//			tally.Fail(executor, i, err)
//			return
//		}
//		tally.Done(executor, i, body)
//	}
//
// It has one await, so one waiting state; the awaited future lives in a
// field because the function's locals would not survive returning Pending.
//
// A failed request is an outcome to count, not a reason to stop: it is
// reported like an answer, and the task finishes without an error, so the
// executor goes on with its other requests. Stage 04's request returns the
// error instead, and there the first failure ends BlockOn.
type RequestCoroutine struct {
	executor, i int
	path        string
	get         func(path string) Future[string]
	report      Reporter

	state   requestState
	waiting Future[string]
}

// NewRequest returns request i of executor, not yet started. It will GET
// path with get, so a test can hand it a fake request, and report the
// outcome to report.
func NewRequest(executor, i int, path string, get func(path string) Future[string], report Reporter) *RequestCoroutine {
	return &RequestCoroutine{executor: executor, i: i, path: path, get: get, report: report}
}

// Poll runs the request from where it last stopped. It hands its waker on to
// the request it awaits, so that request's socket events wake this task.
//
//workbook:exercise s05-request-report
func (c *RequestCoroutine) Poll(w Waker) Poll[struct{}] {
	for {
		switch c.state {
		case requestStart:
			c.waiting = c.get(c.path)
			c.state = requestWait
		case requestWait:
			p := c.waiting.Poll(w)
			if !p.Ready {
				return Pending[struct{}]()
			}
			c.waiting = nil
			c.state = requestDone
			if p.Err != nil {
				c.report.Fail(c.executor, c.i, p.Err)
			} else {
				c.report.Done(c.executor, c.i, p.Value)
			}
			return Ready(struct{}{})
		default: // requestDone
			return Failed[struct{}](errPolledAfterDone)
		}
	}
}

// Close abandons the request before it has finished: the request it awaits
// releases its socket. The executor calls this when it gives up on the task.
func (c *RequestCoroutine) Close() error {
	var err error
	if closer, ok := c.waiting.(io.Closer); ok {
		err = closer.Close()
	}
	c.waiting = nil
	c.state = requestDone
	return err
}
