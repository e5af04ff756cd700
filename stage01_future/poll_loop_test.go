//go:build linux || darwin || freebsd

// Tests for PollLoop, the sleeping runtime. They drive fake futures, so they
// do not depend on sockets or on the HTTP future.

package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPollLoopReturnsValueOfReadyFuture(t *testing.T) {
	var out bytes.Buffer
	f := &fakeFuture[string]{result: Ready("done")}

	v, err := PollLoop[string](f, time.Millisecond, &out)

	require.NoError(t, err)
	assert.Equal(t, "done", v, "PollLoop must return the value of the finished future")
	assert.Equal(t, 1, f.polls, "a future that is ready at once must be polled exactly once")
	assert.Empty(t, out.String(), "no 'Schedule other tasks' line when the future was never pending")
}

func TestPollLoopPrintsScheduleLineForEachPendingPoll(t *testing.T) {
	var out bytes.Buffer
	f := &fakeFuture[string]{pendingPolls: 3, result: Ready("done")}

	_, err := PollLoop[string](f, time.Millisecond, &out)

	require.NoError(t, err)
	assert.Equal(t, 4, f.polls, "3 pending polls and 1 ready poll expected: PollLoop must poll again after Pending")
	assert.Equal(t, strings.Repeat("Schedule other tasks\n", 3), out.String(),
		"one 'Schedule other tasks' line per pending poll")
}

func TestPollLoopReturnsErrorOfFailedFuture(t *testing.T) {
	boom := errors.New("boom")
	f := &fakeFuture[string]{pendingPolls: 1, result: Failed[string](boom)}

	_, err := PollLoop[string](f, time.Millisecond, &bytes.Buffer{})

	assert.ErrorIs(t, err, boom, "PollLoop must return the error the future finished with")
}

func TestPollLoopSleepsBetweenPolls(t *testing.T) {
	const interval = 20 * time.Millisecond
	f := &fakeFuture[string]{pendingPolls: 2, result: Ready("done")}

	start := time.Now()
	_, err := PollLoop[string](f, interval, &bytes.Buffer{})
	elapsed := time.Since(start)

	require.NoError(t, err)
	assert.GreaterOrEqual(t, elapsed, 2*interval,
		"two pending polls must be followed by two sleeps of the interval; did PollLoop skip time.Sleep?")
}

// timedFuture is a fake future that remembers when each poll came, so a
// test can see the gaps PollLoop left between them.
type timedFuture struct {
	fakeFuture[string]
	at []time.Time
}

// Poll implements Future.
func (f *timedFuture) Poll() Poll[string] {
	f.at = append(f.at, time.Now())
	return f.fakeFuture.Poll()
}

func TestPollLoopSleepsForItsIntervalArgument(t *testing.T) {
	// The package's pollInterval is 100ms; this loop is given 1ms. Five
	// sleeps of the interval take a few milliseconds, five of the constant
	// half a second, so the bound below tells them apart with a wide margin.
	const interval = time.Millisecond
	f := &timedFuture{fakeFuture: fakeFuture[string]{pendingPolls: 5, result: Ready("done")}}

	_, err := PollLoop[string](f, interval, &bytes.Buffer{})

	require.NoError(t, err)
	require.Len(t, f.at, 6)
	total := f.at[5].Sub(f.at[0])
	assert.Less(t, total, 5*pollInterval/2,
		"PollLoop took %v for 5 sleeps of the %v it was given (the constant pollInterval is %v): sleep for the interval argument, not the constant",
		total, interval, pollInterval)
}

func TestPollLoopDoesNotSleepBeforeTheFirstPoll(t *testing.T) {
	// A future ready at once needs no sleep at all: with an interval of a
	// second, a sleep before the first poll would be plain to see.
	const interval = time.Second
	f := &fakeFuture[string]{result: Ready("done")}

	start := time.Now()
	_, err := PollLoop[string](f, interval, &bytes.Buffer{})
	elapsed := time.Since(start)

	require.NoError(t, err)
	assert.Less(t, elapsed, interval/2,
		"PollLoop took %v to return a future that was ready at its first poll: poll first, and sleep only after a Pending answer", elapsed)
}
