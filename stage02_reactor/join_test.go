//go:build linux || darwin || freebsd

// Tests for JoinAll. The joined futures are fakes, so these tests do not
// depend on sockets or on the HTTP future.

package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJoinAllStartsEveryFutureOnFirstPoll(t *testing.T) {
	a := &fakeFuture[string]{pendingPolls: 5, result: Ready("a")}
	b := &fakeFuture[string]{pendingPolls: 5, result: Ready("b")}
	j := JoinAll[string](a, b)

	p := j.Poll()

	assert.False(t, p.Ready)
	assert.Equal(t, 1, a.polls, "the first future must be polled on the first poll")
	assert.Equal(t, 1, b.polls, "the second future must be polled on the first poll too, even though the first is pending: that is what makes them run at the same time")
}

func TestJoinAllIsPendingUntilEveryFutureIsReady(t *testing.T) {
	a := &fakeFuture[string]{result: Ready("a")}
	b := &fakeFuture[string]{pendingPolls: 2, result: Ready("b")}
	j := JoinAll[string](a, b)

	require.False(t, j.Poll().Ready, "poll 1: b is still pending")
	require.False(t, j.Poll().Ready, "poll 2: b is still pending")
	p := j.Poll()

	assert.True(t, p.Ready, "poll 3: all futures are done, so JoinAll must be ready")
}

func TestJoinAllReturnsValuesInArgumentOrder(t *testing.T) {
	slow := &fakeFuture[string]{pendingPolls: 2, result: Ready("slow")}
	fast := &fakeFuture[string]{result: Ready("fast")}
	j := JoinAll[string](slow, fast)

	var p Poll[[]string]
	for i := 0; i < 3; i++ {
		p = j.Poll()
	}

	require.True(t, p.Ready)
	require.NoError(t, p.Err)
	assert.Equal(t, []string{"slow", "fast"}, p.Value, "values must be in the order the futures were given, not the order they finished")
}

func TestJoinAllDoesNotPollFinishedFutureAgain(t *testing.T) {
	fast := &fakeFuture[string]{result: Ready("fast")}
	slow := &fakeFuture[string]{pendingPolls: 3, result: Ready("slow")}
	j := JoinAll[string](fast, slow)

	for i := 0; i < 4; i++ {
		j.Poll()
	}

	assert.Equal(t, 1, fast.polls, "a future that has finished must not be polled again")
	assert.Equal(t, 4, slow.polls)
}

func TestJoinAllWithNoFuturesIsReadyAtOnce(t *testing.T) {
	p := JoinAll[string]().Poll()

	assert.True(t, p.Ready, "joining nothing has nothing to wait for")
	assert.Empty(t, p.Value)
}

func TestJoinAllFailsWithFirstError(t *testing.T) {
	first := errors.New("first")
	second := errors.New("second")
	a := &fakeFuture[string]{pendingPolls: 1, result: Failed[string](second)}
	b := &fakeFuture[string]{result: Failed[string](first)}
	j := JoinAll[string](a, b)

	p := j.Poll()

	require.True(t, p.Ready, "one failed future must finish the join at once")
	assert.ErrorIs(t, p.Err, first, "the error of the future that failed first must win")
	assert.Equal(t, 1, a.polls, "after the join failed, the other futures are abandoned, not polled on")
}

func TestJoinAllClosesUnfinishedFuturesWhenOneFails(t *testing.T) {
	boom := errors.New("boom")
	pending := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 10}}
	failing := &closableFuture{fakeFuture: fakeFuture[string]{result: Failed[string](boom)}}
	finished := &closableFuture{fakeFuture: fakeFuture[string]{result: Ready("ok")}}
	j := JoinAll[string](finished, pending, failing)

	p := j.Poll()

	require.ErrorIs(t, p.Err, boom)
	assert.Equal(t, 1, pending.closed, "a future still running when the join fails must be closed, or its socket leaks")
	assert.Zero(t, failing.closed, "a future that has finished already released what it held; do not close it")
	assert.Zero(t, finished.closed, "a future that has finished already released what it held; do not close it")
}

func TestJoinAllCloseClosesUnfinishedFutures(t *testing.T) {
	pending := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 10}}
	finished := &closableFuture{fakeFuture: fakeFuture[string]{result: Ready("ok")}}
	j := JoinAll[string](finished, pending)
	require.False(t, j.Poll().Ready)

	require.NoError(t, j.Close())

	assert.Equal(t, 1, pending.closed, "Close must close every future that has not finished")
	assert.Zero(t, finished.closed)
	assert.ErrorIs(t, j.Poll().Err, errPolledAfterDone, "a closed join is finished")
}

func TestJoinAllReportsErrorWhenPolledAfterDone(t *testing.T) {
	j := JoinAll[string](&fakeFuture[string]{result: Ready("a")})
	require.True(t, j.Poll().Ready)

	p := j.Poll()

	assert.ErrorIs(t, p.Err, errPolledAfterDone)
}
