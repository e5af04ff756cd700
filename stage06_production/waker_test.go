//go:build linux || darwin || freebsd

// Tests for the Waker, the Parker and the ReadyQueue. No executor and no
// reactor: each test makes a waker and looks at the queue and parker it
// reaches.

package main

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWakePutsTaskIDOnReadyQueue(t *testing.T) {
	w := testWaker(7)

	w.Wake()

	assert.Equal(t, []int{7}, w.ready.TakeAll(nil), "Wake must push the waker's task id onto the executor's ready queue")
}

func TestWakeLeavesUnparkToken(t *testing.T) {
	w := testWaker(7)

	w.Wake()

	assert.Len(t, w.parker.token, 1, "Wake must unpark the executor (leave a token in its parker), or a parked executor sleeps on")
}

func TestWakeFromAnotherGoroutineUnparksParkedExecutor(t *testing.T) {
	w := testWaker(3)
	parked := make(chan struct{})
	unparked := make(chan struct{})
	go func() {
		close(parked)
		w.parker.Park()
		close(unparked)
	}()
	<-parked

	go w.Wake()

	select {
	case <-unparked:
	case <-time.After(5 * time.Second):
		t.Fatal("Park did not return within 5s of a Wake on another goroutine: does Wake call Unpark?")
	}
	assert.Equal(t, []int{3}, w.ready.TakeAll(nil))
}

func TestWakeFromAnotherOSThreadUnparksExecutor(t *testing.T) {
	w := testWaker(5)
	woke := make(chan struct{})
	go func() {
		// Like the reactor: a goroutine with an OS thread of its own.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		w.Wake()
		close(woke)
	}()
	<-woke

	waitWoken(t, w, "a Wake on another OS thread must reach the executor")
}

func TestCopiesOfAWakerWakeTheSameTask(t *testing.T) {
	w := testWaker(9)
	copied := w

	copied.Wake()

	assert.Equal(t, []int{9}, w.ready.TakeAll(nil), "a copy of a waker must reach the same queue with the same id")
	assert.Equal(t, w, copied, "copies of a waker compare equal")
}

func TestWakeTwiceQueuesTaskOnce(t *testing.T) {
	w := testWaker(4)

	w.Wake()
	w.Wake()

	assert.Equal(t, []int{4}, w.ready.TakeAll(nil), "a task woken twice before it is polled needs one poll: its id must be queued once")
}

func TestWakeFromManyGoroutinesAtOnceQueuesTaskOnce(t *testing.T) {
	w := testWaker(1)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 100 {
				w.Wake()
			}
		})
	}
	wg.Wait()

	assert.Equal(t, []int{1}, w.ready.TakeAll(nil), "5000 concurrent wakes of one task must leave its id queued once (run with -race)")
	assert.Len(t, w.parker.token, 1, "and leave one unpark token")
}

func TestUnparkBeforeParkIsNotLost(t *testing.T) {
	p := NewParker()

	p.Unpark()
	done := make(chan struct{})
	go func() {
		p.Park()
		close(done)
	}()

	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Park blocked although Unpark came first: the token must wait in a channel with a buffer of one")
	}
}

func TestManyUnparksLeaveOneToken(t *testing.T) {
	p := NewParker()

	for range 100 {
		p.Unpark() // must not block, though nobody parks
	}
	p.Park()

	assert.Empty(t, p.token, "100 Unparks must leave one token, not 100: a parked executor takes the whole ready queue when it wakes")
}

func TestReadyQueueKeepsWakeOrder(t *testing.T) {
	q := NewReadyQueue()

	for _, id := range []int{3, 1, 2} {
		require.True(t, q.Push(id))
	}

	assert.Equal(t, []int{3, 1, 2}, q.TakeAll(nil), "tasks must come out in the order they were woken")
}

func TestReadyQueueHoldsEachIDOnce(t *testing.T) {
	q := NewReadyQueue()
	require.True(t, q.Push(1))

	added := q.Push(1)

	assert.False(t, added, "pushing an id that is already waiting must report that nothing was added")
	assert.Equal(t, 1, q.Len())
}

func TestReadyQueueTakesIDAgainAfterTakeAll(t *testing.T) {
	q := NewReadyQueue()
	q.Push(1)
	require.Equal(t, []int{1}, q.TakeAll(nil))

	assert.True(t, q.Push(1), "after TakeAll the id is not waiting, so it can be queued again")
	assert.Equal(t, []int{1}, q.TakeAll(nil))
}

func TestTakeAllEmptiesQueue(t *testing.T) {
	q := NewReadyQueue()
	q.Push(1)
	q.Push(2)

	q.TakeAll(nil)

	assert.Zero(t, q.Len())
	assert.Empty(t, q.TakeAll(nil))
}
