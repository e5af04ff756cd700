//go:build linux || darwin || freebsd

// Tests for Register and SetWaker on a reactor whose event loop is not
// running. What they do to the poller and to the map of wakers does
// not depend on the event loop, so these tests check them without it (and
// without the race between a test and a loop that is starting or stopping).

package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// newIdleReactor returns a reactor with a poller and an empty map of wakers
// but no event loop, its poller closed when the test ends. Tests of
// Register ask the kernel what the poller watches (watchlist_test.go), so
// they do not need the event loop to work.
func newIdleReactor(t *testing.T) *Reactor {
	t.Helper()
	p, err := newPoller()
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.close() })
	return &Reactor{poller: p, wakers: map[int]Waker{}}
}

func TestRegisterOnStoppedReactorReportsWhyAndWatchesNothing(t *testing.T) {
	r := newIdleReactor(t)
	why := errors.New("the event loop stopped for a test")
	r.stopped = why
	rd, _ := stagetest.NewPipe(t)

	err := r.Register(rd, r.NextID())

	assert.ErrorIs(t, err, why, "once the event loop has stopped (r.err() is not nil), Register must return that reason: nobody would ever report the fd")
	assertNotWatched(t, r.poller, rd, "a stopped reactor must not add the fd to the poller")
}

func TestSetWakerOnStoppedReactorReportsWhyAndKeepsNothing(t *testing.T) {
	r := newIdleReactor(t)
	why := errors.New("the event loop stopped for a test")
	r.stopped = why
	id := r.NextID()

	err := r.SetWaker(id, testWaker(1))

	assert.ErrorIs(t, err, why, "once the event loop has stopped (r.stopped), SetWaker must return that reason, so the future fails instead of waiting for ever")
	r.mu.Lock()
	defer r.mu.Unlock()
	assert.NotContains(t, r.wakers, id, "a stopped reactor must not keep the waker")
}

func TestSetWakerKeepsAWakerPerRegistration(t *testing.T) {
	r := newIdleReactor(t)
	id1, id2 := r.NextID(), r.NextID()
	w1, w2 := testWaker(1), testWaker(2)

	require.NoError(t, r.SetWaker(id1, w1))
	require.NoError(t, r.SetWaker(id2, w2))

	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Equal(t, map[int]Waker{id1: w1, id2: w2}, r.wakers, "each registration id must keep its own waker in r.wakers")
}
