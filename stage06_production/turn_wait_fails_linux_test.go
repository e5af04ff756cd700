//go:build linux

// What Turn does when the poller's wait itself fails. Linux only: the test
// swaps the epoll fd for a pipe, which epoll_wait refuses.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestTurnStopsTheReactorWhenTheWaitFails(t *testing.T) {
	r := newIdleReactor(t)
	r.turnReady = make([]int, maxEvents)
	w := testWaker(1)
	assert.NoError(t, r.SetWaker(r.NextID(), w))
	notEpoll, _ := stagetest.NewPipe(t)
	epfd := r.poller.epfd
	r.poller.epfd = notEpoll // epoll_wait on a pipe fails with EINVAL
	t.Cleanup(func() { r.poller.epfd = epfd })

	running := r.Turn(nil)

	assert.False(t, running, "a failed wait ends the event loop: Turn must report that the reactor has stopped running")
	assert.ErrorIs(t, r.err(), ErrReactorClosed,
		"a failed wait must stop the reactor (r.stop) with ErrReactorClosed wrapping the wait's error, so every later SetWaker and Register says why")
	assert.ErrorIs(t, r.err(), unix.EINVAL, "the reason must keep the wait's own error")
	waitWoken(t, w, "stopping wakes every task waiting on the reactor, so each can fail instead of waiting for ever")
	assertFdLifeReleased(t, r, "Turn, after a failed wait,")
}
