//go:build linux || darwin || freebsd

// This file is request(i), one of the tasks the program spawns, written the
// way a compiler would rewrite an async function: a state machine that can
// stop where it awaits and carry on from there at the next poll.

package main

import (
	"fmt"
	"io"
	"time"
)

// requestPath is the path request i asks for: the delay server answers
// "HelloWorld{i}" after i seconds, so the answers arrive in the order of i,
// one second apart, however the requests were started.
func requestPath(i int) string {
	return fmt.Sprintf("/%d/HelloWorld%d", (time.Duration(i) * time.Second).Milliseconds(), i)
}

// requestState marks the points where a request can be suspended.
type requestState int

const (
	requestStart requestState = iota // nothing has run yet
	requestWait                      // waiting for the answer
	requestDone                      // the body is printed
)

// RequestCoroutine is this function, turned into a future by hand:
//
//	func request(i int) {
//		body := await(Get(requestPath(i)))
//		fmt.Println(body)
//	}
//
// It has one await, so one waiting state; the awaited future lives in a
// field because the function's locals would not survive returning Pending.
type RequestCoroutine struct {
	i   int
	out io.Writer
	get func(path string) Future[string]

	state   requestState
	waiting Future[string]
}

// NewRequest returns request(i), not yet started. It prints to out and makes
// its request with get, so a test can hand it a fake request.
func NewRequest(i int, out io.Writer, get func(path string) Future[string]) *RequestCoroutine {
	return &RequestCoroutine{i: i, out: out, get: get}
}

// Poll runs the request from where it last stopped. It hands its waker on to
// the request it awaits, so that request's socket events wake this task.
//
//workbook:exercise s04-request
func (c *RequestCoroutine) Poll(w Waker) Poll[struct{}] {
	for {
		switch c.state {
		case requestStart:
			c.waiting = c.get(requestPath(c.i))
			c.state = requestWait
		case requestWait:
			p := c.waiting.Poll(w)
			if !p.Ready {
				return Pending[struct{}]()
			}
			c.waiting = nil
			c.state = requestDone
			if p.Err != nil {
				return Failed[struct{}](p.Err)
			}
			fmt.Fprintln(c.out, p.Value)
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
