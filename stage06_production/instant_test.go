//go:build linux || darwin || freebsd

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAnInstantGoesBackToTheSameTime(t *testing.T) {
	now := time.Now()
	later := now.Add(1500 * time.Millisecond)

	assert.True(t, instantOf(later).Time().Equal(later), "instantOf and Time must convert exactly: AddTimer's deadline comes back from Timer.Deadline")
	assert.Equal(t, 1500*time.Millisecond, time.Duration(instantOf(later)-instantOf(now)),
		"the difference of two instants is the time between them, in nanoseconds")
	assert.Less(t, instantOf(now), instantOf(later), "a later time must be a larger instant: the heap orders deadlines with <")
}

func TestAnInstantIsMeasuredOnTheMonotonicClock(t *testing.T) {
	now := time.Now()
	// Round(0) strips the monotonic reading, as a time read from a date
	// would have none. Both must give the same instant while the wall clock
	// has not been changed, but only the monotonic one is immune to a change.
	wall := now.Round(0)

	assert.InDelta(t, int64(instantOf(now)), int64(instantOf(wall)), float64(time.Millisecond),
		"a time without a monotonic reading is measured on the wall clock, which agrees while nobody sets the date")
	assert.NotEqual(t, instantOf(now).Time().String(), wall.String(),
		"Time must keep the monotonic reading (its String shows m=...), so that a deadline handed back compares on the monotonic clock")
}
