//go:build linux || darwin || freebsd

// Tests that reject mistakes in the event loop which the other tests of
// this stage let pass: a loop that serves only the first event of a batch,
// one that ends on a wait error without telling anybody, and one that never
// sleeps. Each test stands for one plausible wrong answer and its failure
// message names it.

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// runEventLoop runs r's event loop on a goroutine of the test (r is an idle
// reactor, with no loop of its own) and returns a channel closed when the
// loop returns.
func runEventLoop(r *Reactor) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.eventLoop()
	}()
	return done
}

func TestEventLoopWakesEveryTaskOfABatch(t *testing.T) {
	r := newIdleReactor(t)
	rd1, wr1 := stagetest.NewPipe(t)
	rd2, wr2 := stagetest.NewPipe(t)
	id1, id2 := r.NextID(), r.NextID()
	w1, w2 := testWaker(1), testWaker(2)
	require.NoError(t, r.SetWaker(id1, w1))
	require.NoError(t, r.SetWaker(id2, w2))
	require.NoError(t, r.Register(rd1, id1))
	require.NoError(t, r.Register(rd2, id2))
	// Both fds are readable before the loop starts, so its first wait
	// returns both events in one batch. Edge-triggered, neither comes back.
	writeByte(t, wr1)
	writeByte(t, wr2)

	done := runEventLoop(r)
	t.Cleanup(func() {
		require.NoError(t, r.poller.interrupt())
		<-done
	})

	waitWoken(t, w1, "the first event of the batch must wake its task")
	waitWoken(t, w2, "the event loop woke the first task of a batch but not the second: after waking an id, go on with the next one (continue), do not leave the batch (break); edge-triggered events never come again")
}

func TestEventLoopStopsTheReactorWhenWaitFails(t *testing.T) {
	r := newIdleReactor(t)
	w := testWaker(3)
	require.NoError(t, r.SetWaker(r.NextID(), w))
	// An fd number that is never open makes epoll_wait (or kevent) fail at
	// once, as a poller broken under the loop would.
	pollerFD := swapPollerFD(r, -1)
	t.Cleanup(func() { swapPollerFD(r, pollerFD) })

	select {
	case <-runEventLoop(r):
	case <-time.After(5 * time.Second):
		t.Fatal("the event loop kept going for 5s on a poller whose every wait fails: on an error from wait, stop the reactor and return")
	}

	assert.ErrorIs(t, r.err(), ErrReactorClosed,
		"the event loop returned on a wait error without stopping the reactor: every task waiting on it sleeps for ever. Call r.stop with ErrReactorClosed (wrapping the error) before returning")
	select {
	case <-w.parker.token:
	default:
		t.Error("the event loop ended but did not wake the waiting task: r.stop wakes every waker so each future can fail")
	}
}

// newIdleLoopReactor starts a reactor watching one pipe that stays quiet:
// an event loop with nothing to do, which must sleep in the kernel.
func newIdleLoopReactor(t *testing.T) *Reactor {
	t.Helper()
	r := newTestReactor(t)
	rd, _ := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(1)))
	require.NoError(t, r.Register(rd, id))
	return r
}
