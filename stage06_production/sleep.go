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
// a fake. AddTimer fills in the Timer it is given (its deadline and waker
// above all: the Sleep reads them back), so the Sleep can hold the Timer
// itself.
type Timekeeper interface {
	AddTimer(t *Timer, deadline time.Time, w Waker) error
	CancelTimer(t *Timer) bool
	Stopped() bool
}

// SleepFuture is ready once its duration has passed since its first poll.
//
// Its first poll works out the deadline and leaves its timer with the
// reactor; the reactor's thread calls the waker when the deadline passes,
// and the next poll finds the time has come. A poll woken for another
// reason (a task that also waits on a socket) looks at the clock and stays
// pending. A Sleep that finishes, or is closed, cancels its timer, so
// nothing is left in the reactor's heap.
//
// The Timer is a field, not a pointer: the Sleep and its timer are one
// allocation, and the deadline and the waker are kept once, in the Timer.
// The reactor's heap points into the Sleep while the timer waits, so a
// SleepFuture must not be copied once polled (see Timer); Sleep returns a
// pointer, and a TimeoutFuture holds its Sleep inside itself, set up where
// it lies (init).
type SleepFuture struct {
	timers   Timekeeper
	duration time.Duration
	timer    Timer // its deadline is set at the first poll; its waker is the one the reactor calls

	started bool
	done    bool
	// armed says that timer was added and not cancelled since: it is in
	// the reactor's heap, or has fired meanwhile. Only then is there
	// anything to cancel, or a waker to compare with.
	armed bool
}

// Sleep returns a future that is ready d after its first poll. Like every
// future it does nothing until then: the clock starts when it is first
// polled, not when it is made.
func Sleep(timers Timekeeper, d time.Duration) *SleepFuture {
	s := new(SleepFuture)
	s.init(timers, d)
	return s
}

// init sets up a Sleep where it lies, for a future that holds its Sleep by
// value (TimeoutFuture): building one elsewhere and copying it in would be
// a copy of a Timer.
func (s *SleepFuture) init(timers Timekeeper, d time.Duration) {
	s.timers, s.duration = timers, d
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
		// Not added yet, so no other thread looks at the timer: the
		// deadline can go straight in (AddTimer writes it again, the same).
		s.started = true
		s.timer.deadline = instantOf(now.Add(s.duration))
	}
	if instantOf(now) >= s.timer.deadline {
		s.finish()
		return Ready(struct{}{})
	}
	if s.timers.Stopped() {
		s.finish()
		return Failed[struct{}](ErrReactorClosed)
	}
	// A timer holds one waker. A poll with another waker (the task has
	// moved) replaces the timer's, so that the latest waker is the one
	// called, as the Future contract asks. Reading timer.waker needs no
	// lock: only this Sleep's own AddTimer calls write it; the reactor
	// only reads it.
	if s.armed && w == s.timer.waker {
		return Pending[struct{}]()
	}
	if s.armed {
		// Out of the heap first: the same Timer cannot be in it twice.
		s.timers.CancelTimer(&s.timer)
	}
	if err := s.timers.AddTimer(&s.timer, s.timer.Deadline(), w); err != nil {
		s.armed = false
		s.finish()
		return Failed[struct{}](err)
	}
	s.armed = true
	return Pending[struct{}]()
}

// Deadline is when the sleep is over; zero before the first poll.
func (s *SleepFuture) Deadline() time.Time {
	if !s.started {
		return time.Time{}
	}
	return s.timer.Deadline()
}

// Close abandons the sleep: its timer, if still waiting, is cancelled and
// never wakes anybody.
func (s *SleepFuture) Close() error {
	s.finish()
	return nil
}

// finish cancels the timer, if it was added, and ends the future.
// Cancelling a timer that has fired is harmless, so there is no need to
// know whether it did.
func (s *SleepFuture) finish() {
	if s.armed {
		s.timers.CancelTimer(&s.timer)
		s.armed = false
	}
	s.done = true
}
