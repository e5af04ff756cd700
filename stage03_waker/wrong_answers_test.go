//go:build linux || darwin || freebsd

// Tests that reject mistakes which the other tests of this stage let pass:
// a Wake that unparks before it pushes, a BlockOn that leaves the tasks of
// a failed run open, a pollReady that gives up on a batch at a late
// wake-up, and an event loop that ends without telling anybody or never
// sleeps. Each test stands for one plausible wrong answer and its failure
// message names it.

package main

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// waitUntilBlockedIn waits until some goroutine's stack shows it inside
// both frames, that is, blocked there, and fails the test after 5 seconds.
// A test that holds a lock uses it to know that another goroutine has got
// as far as that lock, and so has done everything it does before it.
func waitUntilBlockedIn(t *testing.T, frames ...string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			all := true
			for _, f := range frames {
				all = all && strings.Contains(g, f)
			}
			if all {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("no goroutine reached %s within 5s", strings.Join(frames, " in "))
}

func TestWakePushesBeforeItUnparks(t *testing.T) {
	w := testWaker(6)
	// Holding the queue's lock stops Wake inside Push. Whatever Wake did
	// before Push is done by then, and an Unpark must not be among it.
	w.ready.mu.Lock()
	woke := make(chan struct{})
	go func() {
		defer close(woke)
		w.Wake()
	}()
	waitUntilBlockedIn(t, "(*ReadyQueue).Push", "(*Mutex).Lock")
	tokens := len(w.parker.token)
	w.ready.mu.Unlock()
	<-woke

	assert.Zero(t, tokens,
		"Wake unparked the executor before its task id was on the ready queue: the executor can wake, find the queue empty and park again with the task ready. Push first, then Unpark")
	assert.Equal(t, []int{6}, w.ready.TakeAll(nil), "Wake must still push the task id")
	assert.Len(t, w.parker.token, 1, "and unpark after pushing")
}

func TestBlockOnClosesTheTasksLeftWhenOneFails(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	left := &closableTask{funcTask: funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }}}
	// A task the executor holds besides main, never woken: it waits on
	// something, as a request waits on its socket.
	giveTask(e, 100, left)
	boom := errors.New("boom")
	failing := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](boom) }}

	err := waitDone(t, blockOnWithDeadline(t, e, failing), out)

	assert.ErrorIs(t, err, boom)
	assert.Equal(t, int32(1), left.closed.Load(),
		"BlockOn returned the failed task's error but left the other task open: call e.abandonAll() before returning, so the sockets of the tasks given up on are closed")
	assert.Empty(t, e.tasks, "the tasks given up on must be dropped too (abandonAll)")
}

func TestPollReadyPollsTheRestOfTheBatchAfterALateWake(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	waiting := pendingTask()
	giveTask(e, 2, waiting)
	e.ready.Push(1) // a late wake-up for task 1, which has finished
	e.ready.Push(2)

	require.NoError(t, e.pollReady())

	assert.Equal(t, 1, waiting.Polls(),
		"task 2 was woken in the same batch as a late wake-up for finished task 1, and was not polled: skip an id with no task (continue), do not end the batch (break)")
}

func TestEventLoopStopsTheReactorWhenWaitFails(t *testing.T) {
	r := newIdleReactor(t)
	w := testWaker(3)
	require.NoError(t, r.SetWaker(r.NextID(), w))
	// An fd number that is never open makes epoll_wait (or kevent) fail at
	// once, as a poller broken under the loop would.
	pollerFD := swapPollerFD(r, -1)
	t.Cleanup(func() { swapPollerFD(r, pollerFD) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.eventLoop()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the event loop kept going for 5s on a poller whose every wait fails: on an error from wait, stop the reactor and return")
	}

	assert.Error(t, r.err(),
		"the event loop returned on a wait error without stopping the reactor: every task waiting on it sleeps for ever. Call r.stop with the error before returning")
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
	require.NoError(t, r.SetWaker(r.NextID(), testWaker(1)))
	require.NoError(t, r.Register(rd, r.NextID()))
	return r
}

// closableTask is a funcTask that, like a request holding a socket, must be
// closed when abandoned: it counts calls to Close.
type closableTask struct {
	funcTask
	closed atomic.Int32
}

// Close implements io.Closer.
func (c *closableTask) Close() error {
	c.closed.Add(1)
	return nil
}

func TestWakeCallsTheWakerAfterReleasingTheReactorsLock(t *testing.T) {
	r := newIdleReactor(t)
	w := testWaker(4)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, w))
	// Holding the queue's lock stops the waker inside Push, in the middle
	// of Wake: whatever lock wake still holds then, it holds while waking.
	w.ready.mu.Lock()
	woke := make(chan struct{})
	go func() {
		defer close(woke)
		r.wake(id)
	}()
	waitUntilBlockedIn(t, "(*ReadyQueue).Push", "(*Mutex).Lock")
	free := r.mu.TryLock()
	if free {
		r.mu.Unlock()
	}
	w.ready.mu.Unlock()
	<-woke

	assert.True(t, free,
		"wake held the reactor's lock while calling Wake, which takes the executor's lock: two locks held at once is how deadlocks start. Read the waker under r.mu, unlock, then call Wake")
	assert.Equal(t, []int{4}, w.ready.TakeAll(nil), "wake must still wake the task")
}

func TestEventLoopWakesEveryTaskOfABatch(t *testing.T) {
	// A reactor whose event loop starts only once both fds are readable,
	// so that its first wait returns both events in one batch. Like every
	// stage 03 reactor, it runs until the test binary exits.
	p, err := newPoller()
	require.NoError(t, err)
	reactorsStarted.Add(1)
	r := &Reactor{poller: p, wakers: map[int]Waker{}}
	rd1, wr1 := stagetest.NewPipe(t)
	rd2, wr2 := stagetest.NewPipe(t)
	id1, id2 := r.NextID(), r.NextID()
	w1, w2 := testWaker(1), testWaker(2)
	require.NoError(t, r.SetWaker(id1, w1))
	require.NoError(t, r.SetWaker(id2, w2))
	require.NoError(t, r.Register(rd1, id1))
	require.NoError(t, r.Register(rd2, id2))
	writeByte(t, wr1)
	writeByte(t, wr2)

	go r.eventLoop()

	waitWoken(t, w1, "the first event of the batch must wake its task")
	waitWoken(t, w2, "the event loop woke the first task of a batch but not the second: wake every id of ready[:n]; edge-triggered events never come again")
}
