//go:build linux || darwin || freebsd

package main

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// newDrivenTestReactor makes a reactor driven by the test itself, closed
// when the test ends.
func newDrivenTestReactor(t *testing.T) *Reactor {
	t.Helper()
	r, err := NewDrivenReactor()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close(), "closing the test's driven reactor") })
	return r
}

// turnWithin runs one Turn on another goroutine and fails the test if it
// has not returned within generous: a Turn that should not wait must not.
func turnWithin(t *testing.T, r *Reactor, hasWork func() bool) bool {
	t.Helper()
	done := make(chan bool, 1)
	go func() { done <- r.Turn(hasWork) }()
	select {
	case running := <-done:
		return running
	case <-time.After(generous):
		r.Close() // ends the Turn, so that no goroutine is left behind
		<-done
		t.Fatalf("Turn still waiting after %s", generous)
		return false
	}
}

func TestDrivenReactorTurnWakesTheTaskOfAnEvent(t *testing.T) {
	r := newDrivenTestReactor(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	w := testWaker(7)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, w))
	require.NoError(t, r.Register(fds[0], id, Readable))
	_, err = unix.Write(fds[1], []byte("x"))
	require.NoError(t, err)

	assert.True(t, turnWithin(t, r, nil), "the reactor still runs")

	assert.Equal(t, []int{7}, w.ready.TakeAll(nil), "the event's task must be woken during the Turn, on the driving thread")
}

func TestDrivenReactorTurnWakesTheTaskOfEveryEventOfTheBatch(t *testing.T) {
	r := newDrivenTestReactor(t)
	const n = 3
	wakers := make([]Waker, n)
	for i := range n {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		require.NoError(t, err)
		t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
		wakers[i] = testWaker(10 + i)
		id := r.NextID()
		require.NoError(t, r.SetWaker(id, wakers[i]))
		require.NoError(t, r.Register(fds[0], id, Readable))
		_, err = unix.Write(fds[1], []byte("x"))
		require.NoError(t, err)
	}

	// All three sockets are readable before the Turn, so one wait reports
	// them together.
	assert.True(t, turnWithin(t, r, nil))

	for i, w := range wakers {
		assert.Equal(t, []int{10 + i}, w.ready.TakeAll(nil), "every event of the wait must wake its task, not only the first")
	}
}

func TestDrivenReactorTurnWaitsUntilTheNearestDeadlineAndNoLonger(t *testing.T) {
	r := newDrivenTestReactor(t)
	w := testWaker(4)
	const after = 150 * time.Millisecond
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(after), w))
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(time.Hour), testWaker(5)))

	start := time.Now()
	assert.True(t, turnWithin(t, r, nil), "the wait must end at the nearest deadline, not wait for the hour-long timer or for ever")
	waited := time.Since(start)

	assert.GreaterOrEqual(t, waited, after-20*time.Millisecond,
		"with nothing to do until the timer's deadline the Turn must sleep in the poller until then; a wait that returns at once makes the executor spin")
	require.Eventually(t, func() bool {
		turnWithin(t, r, nil)
		return len(w.ready.TakeAll(nil)) == 1
	}, generous, time.Millisecond, "once its deadline has passed, the next Turn fires the timer")
	assert.Equal(t, 1, r.PendingTimers(), "the hour-long timer is still waiting")
}

func TestDrivenReactorTurnDoesNotWaitWhenATaskIsReady(t *testing.T) {
	r := newDrivenTestReactor(t)

	assert.True(t, turnWithin(t, r, func() bool { return true }),
		"with a task ready the Turn must only look at the poller, not wait: nothing would end the wait")
}

func TestDrivenReactorTurnFiresADueTimerWithoutWaiting(t *testing.T) {
	r := newDrivenTestReactor(t)
	w := testWaker(3)
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(-time.Millisecond), w))

	assert.True(t, turnWithin(t, r, nil))

	assert.Equal(t, []int{3}, w.ready.TakeAll(nil), "a timer that is due fires in the next Turn")
	assert.Zero(t, r.PendingTimers())
}

func TestATimerAddedBetweenWaitsLeavesTheNextWaitAlone(t *testing.T) {
	r := newDrivenTestReactor(t)

	// The driving executor adds its requests' timers on its own thread,
	// between two Turns: nobody is waiting, and the next Turn reads the heap.
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(time.Hour), testWaker(1)))

	ready := make([]int, 4)
	n, err := r.poller.wait(ready, 0)
	require.NoError(t, err)
	assert.Zero(t, n, "AddTimer must not interrupt a reactor that is not waiting: the next Turn would return at once for nothing")
	assert.Equal(t, 1, r.PendingTimers())
}

func TestATimerAddedFromAnotherGoroutineShortensTheDriversWait(t *testing.T) {
	r := newDrivenTestReactor(t)
	done := make(chan bool, 1)
	go func() { done <- r.Turn(nil) }() // no timer, no socket: waits without a timeout
	require.Eventually(t, r.waiting.Load, generous, time.Millisecond, "the Turn must raise its waiting flag")

	w := testWaker(5)
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(10*time.Millisecond), w))

	select {
	case running := <-done:
		assert.True(t, running, "the reactor must still run: a wake-up for a new timer is not a stop (only Close sets closing)")
	case <-time.After(generous):
		t.Fatal("a timer earlier than the wait's deadline (none) must interrupt the wait")
	}
	// The timer fires in a later Turn, once its deadline has passed.
	require.Eventually(t, func() bool {
		turnWithin(t, r, nil)
		return r.PendingTimers() == 0
	}, generous, time.Millisecond)
	assert.Equal(t, []int{5}, w.ready.TakeAll(nil))
}

func TestCloseFromAnotherGoroutineEndsTheDriversWait(t *testing.T) {
	leakcheck.CheckFDs(t)
	r, err := NewDrivenReactor()
	require.NoError(t, err)
	done := make(chan bool, 1)
	go func() { done <- r.Turn(nil) }() // nothing registered: waits until Close
	require.Eventually(t, r.waiting.Load, generous, time.Millisecond, "the Turn must reach the poller's wait")

	require.NoError(t, r.Close())

	select {
	case running := <-done:
		assert.False(t, running, "after Close the reactor does not run")
	case <-time.After(generous):
		t.Fatal("Close did not end the driver's wait")
	}
	assert.False(t, r.Turn(nil), "a closed reactor's Turn returns false at once")
}

func TestTurnOnAClosedReactorStopsItAndLetsGoOfFdLife(t *testing.T) {
	r := newIdleReactor(t)
	r.turnReady = make([]int, maxEvents)
	r.closed = true // as Close leaves it, before the event loop has seen it

	running := r.Turn(nil)

	assert.False(t, running, "a closed reactor does not run: its poller's fds are gone")
	assert.ErrorIs(t, r.err(), ErrReactorClosed, "Turn must stop the reactor it finds closed, with ErrReactorClosed")
	assertFdLifeReleased(t, r, "Turn, finding the reactor closed,")
}

// wakeOnSecondPoll is a task that is pending on its first poll, hands its
// waker to whoever waits on wakers, and is ready on the next.
type wakeOnSecondPoll struct {
	polls  int
	wakers chan Waker
}

// Poll implements Future.
func (f *wakeOnSecondPoll) Poll(w Waker) Poll[struct{}] {
	f.polls++
	if f.polls == 1 {
		f.wakers <- w
		return Pending[struct{}]()
	}
	return Ready(struct{}{})
}

func TestAWakeFromAnotherThreadReachesADrivingExecutorInItsWait(t *testing.T) {
	r := newDrivenTestReactor(t)
	e := NewDrivingExecutor("driving", nil, r)
	task := &wakeOnSecondPoll{wakers: make(chan Waker, 1)}
	done := make(chan error, 1)
	go func() { done <- e.BlockOn(task) }()
	w := <-task.wakers
	require.Eventually(t, r.waiting.Load, generous, time.Millisecond, "the executor, with nothing ready, must wait in its reactor")

	w.Wake() // from this goroutine: not the executor's thread

	select {
	case err := <-done:
		require.NoError(t, err)
		assert.Equal(t, 2, task.polls, "the woken task must be polled again, ending BlockOn")
	case <-time.After(generous):
		r.Close()
		<-done
		t.Fatal("a wake from another thread must interrupt the driving executor's wait (Parker.Unpark → WakeDriver)")
	}
}

func TestDrivingExecutorFailsWhenItsReactorStopsWithTasksLeft(t *testing.T) {
	r, err := NewDrivenReactor()
	require.NoError(t, err)
	e := NewDrivingExecutor("driving", nil, r)
	// Pending for ever, and waiting on nothing the reactor knows of.
	task := &closableTask{funcTask: funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }}}
	done := make(chan error, 1)
	go func() { done <- e.BlockOn(task) }()
	require.Eventually(t, r.waiting.Load, generous, time.Millisecond)

	require.NoError(t, r.Close())

	select {
	case err := <-done:
		require.Error(t, err, "with its reactor stopped, nothing can wake the task: BlockOn must end, not wait for ever")
		assert.True(t, errors.Is(err, ErrReactorClosed), "the error must say why: %v", err)
		assert.Contains(t, err.Error(), "1 tasks left")
		assert.Equal(t, int32(1), task.closed.Load(),
			"BlockOn gives up on the task its stopped reactor can never wake: it must Close it (abandonAll), so its sockets are released")
		assert.Zero(t, e.tasks.Len(), "the task given up on must be dropped too (abandonAll)")
	case <-time.After(generous):
		t.Fatal("BlockOn did not return after its reactor was closed")
	}
}
