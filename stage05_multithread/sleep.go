//go:build linux || darwin || freebsd

// This file is the Sleep future: a future that is ready once a duration has
// passed, built on the reactor's timers. It is to time what the HTTP future
// is to sockets: it asks the reactor to watch something (here a deadline)
// and leaves its waker there, and it never blocks a thread.

package main

import (
	"time"
)

// Timekeeper is what a Sleep needs from the reactor: timers, and whether the
// event loop still runs to fire them. *Reactor is the real one; tests pass
// a fake.
type Timekeeper interface {
	AddTimer(deadline time.Time, w Waker) (*Timer, error)
	CancelTimer(t *Timer) bool
	Stopped() bool
}

// SleepFuture is ready once its duration has passed since its first poll.
//
// Its first poll works out the deadline and leaves a timer with the
// reactor; the reactor's thread calls the waker when the deadline passes,
// and the next poll finds the time has come. A poll woken for another
// reason (a task that also waits on a socket) looks at the clock and stays
// pending. A Sleep that finishes, or is closed, cancels its timer, so
// nothing is left in the reactor's heap.
type SleepFuture struct {
	timers   Timekeeper
	duration time.Duration

	started   bool
	done      bool
	deadline  time.Time
	timer     *Timer // the reactor's timer; nil before the first poll and after the end
	lastWaker Waker  // the waker the timer calls
}

// Sleep returns a future that is ready d after its first poll. Like every
// future it does nothing until then: the clock starts when it is first
// polled, not when it is made.
func Sleep(timers Timekeeper, d time.Duration) *SleepFuture {
	return &SleepFuture{timers: timers, duration: d}
}

// Poll reports whether the sleep is over, and otherwise makes sure the
// reactor will wake w when it is. It fails with ErrReactorClosed if the
// reactor has stopped: no timer would fire any more.
func (s *SleepFuture) Poll(w Waker) Poll[struct{}] {
	if s.done {
		return Failed[struct{}](errPolledAfterDone)
	}
	now := time.Now()
	if !s.started {
		s.started = true
		s.deadline = now.Add(s.duration)
	}
	if !now.Before(s.deadline) {
		s.finish()
		return Ready(struct{}{})
	}
	if s.timers.Stopped() {
		s.finish()
		return Failed[struct{}](ErrReactorClosed)
	}
	// A timer holds one waker. A poll with another waker (the task has
	// moved) replaces the timer, so that the latest waker is the one
	// called, as the Future contract asks.
	if s.timer != nil && w == s.lastWaker {
		return Pending[struct{}]()
	}
	if s.timer != nil {
		s.timers.CancelTimer(s.timer)
	}
	timer, err := s.timers.AddTimer(s.deadline, w)
	if err != nil {
		s.timer = nil
		s.finish()
		return Failed[struct{}](err)
	}
	s.timer, s.lastWaker = timer, w
	return Pending[struct{}]()
}

// Deadline is when the sleep is over; zero before the first poll.
func (s *SleepFuture) Deadline() time.Time { return s.deadline }

// Close abandons the sleep: its timer, if still waiting, is cancelled and
// never wakes anybody.
func (s *SleepFuture) Close() error {
	s.finish()
	return nil
}

// finish cancels the timer, if there is one, and ends the future. Cancelling
// a timer that has fired is harmless, so there is no need to know whether
// it did.
func (s *SleepFuture) finish() {
	if s.timer != nil {
		s.timers.CancelTimer(s.timer)
		s.timer = nil
	}
	s.done = true
}
