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
