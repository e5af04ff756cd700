//go:build linux || darwin || freebsd

// Tests for the hand-written coroutine (as in stage 01, plus Close). Its
// requests are fake futures, so each test controls exactly when a request
// finishes and what it returns.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRequests hands out prepared fake futures in order and records which
// paths the coroutine asked for.
type fakeRequests struct {
	futures []*fakeFuture[string]
	paths   []string
}

// get has the shape NewCoroutine expects of its request maker.
func (r *fakeRequests) get(path string) Future[string] {
	i := len(r.paths)
	r.paths = append(r.paths, path)
	if i >= len(r.futures) {
		return &fakeFuture[string]{result: Failed[string](fmt.Errorf("test made only %d fake requests, got request for %s", len(r.futures), path))}
	}
	return r.futures[i]
}

func TestCoroutineFirstPollPrintsStartAndStartsFirstRequest(t *testing.T) {
	var out bytes.Buffer
	first := &fakeFuture[string]{pendingPolls: 5, result: Ready("one")}
	reqs := &fakeRequests{futures: []*fakeFuture[string]{first}}
	c := NewCoroutine(&out, reqs.get)

	p := c.Poll()

	assert.False(t, p.Ready, "the coroutine must be pending while its first request is")
	assert.Equal(t, "Program starting\n", out.String())
	assert.Equal(t, []string{firstPath}, reqs.paths, "the first poll must ask for the first path")
	assert.Equal(t, 1, first.polls, "the first request must be polled in the same poll that creates it: polling is what starts it")
	assert.Equal(t, coroutineWaitFirst, c.state)
}

func TestCoroutineWaitsWhileFirstRequestIsPending(t *testing.T) {
	var out bytes.Buffer
	first := &fakeFuture[string]{pendingPolls: 3, result: Ready("one")}
	reqs := &fakeRequests{futures: []*fakeFuture[string]{first}}
	c := NewCoroutine(&out, reqs.get)

	for i := 1; i <= 3; i++ {
		require.False(t, c.Poll().Ready, "poll %d: the first request is still pending, so must the coroutine be", i)
	}

	assert.Equal(t, "Program starting\n", out.String(), "'Program starting' must be printed once, not on every poll")
	assert.Len(t, reqs.paths, 1, "no second request may start before the first has finished")
	assert.Equal(t, 3, first.polls, "each coroutine poll must poll the awaited request once")
}

func TestCoroutinePrintsFirstBodyAndStartsSecondRequest(t *testing.T) {
	var out bytes.Buffer
	first := &fakeFuture[string]{pendingPolls: 1, result: Ready("one")}
	second := &fakeFuture[string]{pendingPolls: 1, result: Ready("two")}
	reqs := &fakeRequests{futures: []*fakeFuture[string]{first, second}}
	c := NewCoroutine(&out, reqs.get)

	require.False(t, c.Poll().Ready)
	p := c.Poll()

	assert.False(t, p.Ready, "the coroutine must be pending while the second request is")
	assert.Equal(t, "Program starting\none\n", out.String(), "the first body must be printed as soon as it arrives")
	assert.Equal(t, []string{firstPath, secondPath}, reqs.paths)
	assert.Equal(t, 1, second.polls, "the second request must be polled in the poll that creates it")
	assert.Equal(t, coroutineWaitSecond, c.state)
}

func TestCoroutineFinishesAfterPrintingSecondBody(t *testing.T) {
	var out bytes.Buffer
	first := &fakeFuture[string]{pendingPolls: 1, result: Ready("one")}
	second := &fakeFuture[string]{pendingPolls: 1, result: Ready("two")}
	reqs := &fakeRequests{futures: []*fakeFuture[string]{first, second}}
	c := NewCoroutine(&out, reqs.get)

	var p Poll[struct{}]
	for i := 0; i < 3; i++ {
		p = c.Poll()
	}

	require.True(t, p.Ready, "after both requests have finished the coroutine must be ready")
	assert.NoError(t, p.Err)
	assert.Equal(t, "Program starting\none\ntwo\n", out.String())
	assert.Equal(t, coroutineDone, c.state)
}

func TestCoroutineRunsThroughInOnePollWhenRequestsAreReadyAtOnce(t *testing.T) {
	var out bytes.Buffer
	reqs := &fakeRequests{futures: []*fakeFuture[string]{{result: Ready("one")}, {result: Ready("two")}}}
	c := NewCoroutine(&out, reqs.get)

	p := c.Poll()

	assert.True(t, p.Ready, "with nothing to wait for, one poll must run the program to the end: the loop in Poll must continue after each step")
	assert.Equal(t, "Program starting\none\ntwo\n", out.String())
}

func TestCoroutineStopsAtFailedFirstRequest(t *testing.T) {
	var out bytes.Buffer
	refused := errors.New("connection refused")
	reqs := &fakeRequests{futures: []*fakeFuture[string]{{result: Failed[string](refused)}}}
	c := NewCoroutine(&out, reqs.get)

	p := c.Poll()

	require.True(t, p.Ready, "a failed request must finish the coroutine")
	assert.ErrorIs(t, p.Err, refused, "the coroutine must pass on the request's error")
	assert.Len(t, reqs.paths, 1, "after the first request failed, the second must not be started")
	assert.Equal(t, "Program starting\n", out.String(), "a failed request has no body to print")
}

func TestCoroutinePassesOnSecondRequestError(t *testing.T) {
	reset := errors.New("connection reset")
	reqs := &fakeRequests{futures: []*fakeFuture[string]{{result: Ready("one")}, {result: Failed[string](reset)}}}
	c := NewCoroutine(&bytes.Buffer{}, reqs.get)

	p := c.Poll()

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, reset)
}

func TestCoroutineReportsErrorWhenPolledAfterDone(t *testing.T) {
	reqs := &fakeRequests{futures: []*fakeFuture[string]{{result: Ready("one")}, {result: Ready("two")}}}
	c := NewCoroutine(&bytes.Buffer{}, reqs.get)
	require.True(t, c.Poll().Ready)

	p := c.Poll()

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, errPolledAfterDone, "polling a finished coroutine must give an error, not run the program again")
	assert.Len(t, reqs.paths, 2, "polling a finished coroutine must not start new requests")
}

func TestCoroutineCloseClosesAwaitedRequest(t *testing.T) {
	first := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 10}}
	get := func(string) Future[string] { return first }
	c := NewCoroutine(&bytes.Buffer{}, get)
	require.False(t, c.Poll().Ready)

	require.NoError(t, c.Close())

	assert.Equal(t, 1, first.closed, "closing the coroutine must close the request it is waiting for, so its socket is released")
	assert.ErrorIs(t, c.Poll().Err, errPolledAfterDone, "a closed coroutine is finished")
}
