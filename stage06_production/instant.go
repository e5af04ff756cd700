//go:build linux || darwin || freebsd

package main

import "time"

// instant is a moment on this process's monotonic clock, counted in
// nanoseconds from clockStart: the counterpart of Rust's std::time::Instant,
// and what Go's runtime keeps its own timers in.
//
// A Timer keeps its deadline as an instant because every waiting request
// holds one Timer. A time.Time is 24 bytes: a wall-clock reading (for
// printing a date), a monotonic reading (for measuring) and a pointer to its
// Location (for time zones). A deadline needs only the monotonic reading:
// 8 bytes, compared with one instruction, and no pointer for the garbage
// collector to follow. The 16 bytes saved take the request's timeout from
// Go's 112-byte size class down to 96.
//
// Values of time.Time come in and go out at the edges (AddTimer's deadline,
// Timer.Deadline): instantOf and Time convert there, exactly, because both
// sides read the same monotonic clock.
type instant int64

// clockStart is the zero instant. time.Now carries a monotonic reading, so
// Sub against it measures on the monotonic clock and ignores any change to
// the wall clock (a jump by NTP, a user setting the date).
var clockStart = time.Now()

// instantOf turns t into an instant. A t without a monotonic reading (one
// built from a date) is measured on the wall clock instead.
func instantOf(t time.Time) instant { return instant(t.Sub(clockStart)) }

// Time turns the instant back into a time.Time, for the edges of the API
// and for printing.
func (i instant) Time() time.Time { return clockStart.Add(time.Duration(i)) }
