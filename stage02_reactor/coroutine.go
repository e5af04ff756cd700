//go:build linux || darwin || freebsd

// This file is the program itself, written the way a compiler would rewrite
// an async function: as a state machine that can stop at every wait and
// carry on from there at the next poll.

package main

import (
	"fmt"
	"io"
)

// The two requests the program makes. The delay server answers each with
// the message after the number of milliseconds in the path.
const (
	firstPath  = "/600/HelloAsyncAwait"
	secondPath = "/400/HelloAsyncAwait"
)

// coroutineState marks the points where the program can be suspended: its
// start, and each place where it waits for a request to finish.
type coroutineState int

const (
	coroutineStart      coroutineState = iota // nothing has run yet
	coroutineWaitFirst                        // waiting for the first request
	coroutineWaitSecond                       // waiting for the second request
	coroutineDone                             // everything printed
)

// String names the state, so test failures can say where a coroutine stopped.
func (s coroutineState) String() string {
	switch s {
	case coroutineStart:
		return "start"
	case coroutineWaitFirst:
		return "wait-first"
	case coroutineWaitSecond:
		return "wait-second"
	case coroutineDone:
		return "done"
	}
	return fmt.Sprintf("coroutineState(%d)", int(s))
}

// Coroutine is this straight-line program, turned into a future by hand:
//
//	func asyncMain() {
//		fmt.Println("Program starting")
//		body := await(Get("/600/HelloAsyncAwait"))
//		fmt.Println(body)
//		body = await(Get("/400/HelloAsyncAwait"))
//		fmt.Println(body)
//	}
//
// Go has no await; the goroutine scheduler does this job for you. Here every
// await becomes a state, and the code between two awaits becomes the step
// that moves from one state to the next. The future being awaited is kept in
// a field, because the function's local variables would not survive
// returning Pending.
type Coroutine struct {
	out io.Writer
	get func(path string) Future[string]

	state   coroutineState
	waiting Future[string] // the request the current state awaits
}

// NewCoroutine returns the program as a future, not yet started. It prints
// to out and makes its requests with get, so a test can hand it fake
// requests instead of real sockets.
func NewCoroutine(out io.Writer, get func(path string) Future[string]) *Coroutine {
	return &Coroutine{out: out, get: get}
}

// Poll runs the program from where it last stopped until it has to wait
// again or has finished.
//
// After a state's step the loop goes round at once: a request that is
// created must be polled straight away, because polling is what starts it.
// A failed request ends the whole program with that error, as an error
// returned from the straight-line version would.
//
//workbook:exercise s01-coroutine
func (c *Coroutine) Poll() Poll[struct{}] {
	for {
		switch c.state {
		case coroutineStart:
			fmt.Fprintln(c.out, "Program starting")
			c.waiting = c.get(firstPath)
			c.state = coroutineWaitFirst
		case coroutineWaitFirst:
			p := c.waiting.Poll()
			if !p.Ready {
				return Pending[struct{}]()
			}
			if p.Err != nil {
				return c.fail(p.Err)
			}
			fmt.Fprintln(c.out, p.Value)
			c.waiting = c.get(secondPath)
			c.state = coroutineWaitSecond
		case coroutineWaitSecond:
			p := c.waiting.Poll()
			if !p.Ready {
				return Pending[struct{}]()
			}
			if p.Err != nil {
				return c.fail(p.Err)
			}
			fmt.Fprintln(c.out, p.Value)
			c.waiting = nil
			c.state = coroutineDone
			return Ready(struct{}{})
		default: // coroutineDone
			return Failed[struct{}](errPolledAfterDone)
		}
	}
}

// fail finishes the coroutine with err and lets go of the failed request.
func (c *Coroutine) fail(err error) Poll[struct{}] {
	c.waiting = nil
	c.state = coroutineDone
	return Failed[struct{}](err)
}

// Close abandons the program before it has finished: the request it awaits,
// if that holds a socket, releases it. BlockOn calls this when it has to
// give up on the coroutine.
func (c *Coroutine) Close() error {
	var err error
	if closer, ok := c.waiting.(io.Closer); ok {
		err = closer.Close()
	}
	c.waiting = nil
	c.state = coroutineDone
	return err
}
