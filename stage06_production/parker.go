//go:build linux || darwin || freebsd

// This file is the parker: how an executor goes to sleep when it has nothing
// to do, and how a waker on another thread gets it going again.

package main

// Parker puts one executor to sleep and wakes it. It is the Go version of
// Rust's thread::park and Thread::unpark: Park blocks until there is a
// token and takes it; Unpark leaves a token.
//
// The token lives in a channel with room for exactly one value, and that
// buffer is the whole trick:
//
//   - An Unpark that comes before the Park is not lost. The executor checks
//     its ready queue, finds it empty, and is about to Park; in that gap the
//     reactor wakes a task. With an unbuffered channel the reactor's send
//     would find nobody receiving and (being non-blocking) drop the signal,
//     and the executor would then sleep with a task ready. With a buffer of
//     one, the token waits in the channel and Park returns at once.
//   - Many Unparks cost one wake-up. A second token would add nothing,
//     because the executor empties the whole ready queue each time it wakes,
//     so Unpark does not wait for room: if a token is already there, it is
//     done. That is also why Unpark never blocks the reactor's thread.
//
// The price is the occasional wake-up with nothing to do: a token left by a
// wake whose task the executor already polled. The executor finds the queue
// empty and parks again; a false wake-up is harmless.
//
// Parker is one pointer to the executor's parking state, so every copy
// (the executor's own, and the one its wakers share in their wakeTarget)
// reaches the same channel and the same driver, even a driver set after the
// copy was made: NewDrivingExecutor sets it on an executor NewExecutor has
// already built. Park and Unpark use p.token and p.driver directly: Go
// promotes the fields of an embedded pointer to the struct that embeds it.
type Parker struct {
	*parkerState
}

// parkerState is what every copy of one executor's Parker shares.
type parkerState struct {
	token chan struct{}
	// driver, when set, is the reactor the executor waits in instead of on
	// token (a driving executor, NewDrivingExecutor); Unpark then also
	// interrupts that wait.
	driver *Reactor
}

// NewParker returns a parker with no token.
func NewParker() Parker {
	return Parker{&parkerState{token: make(chan struct{}, 1)}}
}

// Park blocks until a token is there, and takes it. Call it only from the
// executor that owns the parker.
//
// Blocking on a channel parks the goroutine, not the thread, but when the
// goroutine is locked to its OS thread (runtime.LockOSThread, as the
// executors of stages 05 and 06 are) the thread has nothing else to run and sleeps
// in the kernel until the goroutine is made runnable again.
//
//workbook:exercise s03-parker
func (p Parker) Park() {
	<-p.token
}

// Unpark leaves a token, unless one is already waiting, and never blocks. It
// may be called from any goroutine, any number of times.
//
//workbook:exercise s06-drive
func (p Parker) Unpark() {
	select {
	case p.token <- struct{}{}:
	default: // a token is already waiting: the executor will wake anyway
	}
	if p.driver != nil {
		p.driver.WakeDriver()
	}
}
