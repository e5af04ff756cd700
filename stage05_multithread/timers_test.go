//go:build linux || darwin || freebsd

// Tests for the reactor's timer heap (timers.go). They drive a timerQueue
// directly with a made-up clock, so they need neither the event loop nor
// any waiting: "now" is whatever the test says.

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// base is the made-up "now" of the heap tests.
var base = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// addTimer adds a timer for task id at base+offset and fails the test if the
// queue refuses it.
func addTimer(t *testing.T, q *timerQueue, offset time.Duration, id int) *Timer {
	t.Helper()
	timer, _, err := q.add(base.Add(offset), testWaker(id))
	require.NoError(t, err)
	return timer
}

// firedIDs are the task ids of the wakers next hands back, in order.
func firedIDs(fired []Waker) []int {
	ids := []int{}
	for _, w := range fired {
		ids = append(ids, w.ID())
	}
	return ids
}

func TestTimersFireInDeadlineOrderWhateverTheOrderAdded(t *testing.T) {
	var q timerQueue
	for _, id := range []int{5, 1, 4, 2, 3} {
		addTimer(t, &q, time.Duration(id)*time.Second, id)
	}

	fired, _ := q.next(base.Add(10*time.Second), nil)

	assert.Equal(t, []int{1, 2, 3, 4, 5}, firedIDs(fired), "expired timers must come out nearest deadline first (look at Less, Swap, Push and Pop)")
	assert.Zero(t, q.len(), "a timer that fired leaves the heap")
}

func TestTimersWithEqualDeadlinesFireInTheOrderAdded(t *testing.T) {
	var q timerQueue
	for id := 1; id <= 5; id++ {
		addTimer(t, &q, time.Second, id)
	}

	fired, _ := q.next(base.Add(time.Second), nil)

	assert.Equal(t, []int{1, 2, 3, 4, 5}, firedIDs(fired), "equal deadlines: first added, first fired (Less compares seq when deadlines are equal)")
}

func TestOnlyExpiredTimersFireAndTheWaitLastsUntilTheNearestLeft(t *testing.T) {
	var q timerQueue
	addTimer(t, &q, 1*time.Second, 1)
	addTimer(t, &q, 3*time.Second, 3)
	addTimer(t, &q, 2*time.Second, 2)

	fired, wait := q.next(base.Add(1500*time.Millisecond), nil)

	assert.Equal(t, []int{1}, firedIDs(fired), "only the timer whose deadline has passed fires")
	assert.Equal(t, 500*time.Millisecond, wait, "the loop may wait until the nearest deadline left (2 s), no longer")
	assert.Equal(t, 2, q.len())
}

func TestATimerDueExactlyNowFires(t *testing.T) {
	var q timerQueue
	addTimer(t, &q, time.Second, 1)

	fired, wait := q.next(base.Add(time.Second), nil)

	assert.Equal(t, []int{1}, firedIDs(fired), "a deadline equal to now has passed: not firing it would make the loop wait 0 ms and spin")
	assert.Negative(t, wait, "with no timer left the loop waits without a timeout")
}

func TestWithoutTimersTheLoopWaitsWithoutTimeout(t *testing.T) {
	var q timerQueue

	fired, wait := q.next(base, nil)

	assert.Empty(t, fired)
	assert.Negative(t, wait)
}

func TestCancelledTimerNeverFires(t *testing.T) {
	var q timerQueue
	addTimer(t, &q, 1*time.Second, 1)
	cancelled := addTimer(t, &q, 2*time.Second, 2)
	addTimer(t, &q, 3*time.Second, 3)

	require.True(t, q.cancel(cancelled), "a waiting timer can be cancelled")
	fired, _ := q.next(base.Add(time.Hour), nil)

	assert.Equal(t, []int{1, 3}, firedIDs(fired), "the cancelled timer must be gone from the heap, and the others keep their order")
	assert.False(t, q.cancel(cancelled), "cancelling twice reports that there was nothing left to cancel")
}

func TestCancelAfterFiringReportsFalse(t *testing.T) {
	var q timerQueue
	timer := addTimer(t, &q, time.Second, 1)
	q.next(base.Add(time.Second), nil)

	assert.False(t, q.cancel(timer), "a timer that fired is out of the heap (Pop sets its index to -1)")
	assert.Zero(t, q.len())
}

func TestCancellingEveryTimerLeavesTheHeapEmpty(t *testing.T) {
	var q timerQueue
	var timers []*Timer
	for i := range 1000 {
		// Deadlines in a scrambled order, so removals hit every part of the heap.
		timers = append(timers, addTimer(t, &q, time.Duration((i*7919)%1000)*time.Millisecond, i))
	}
	for i := range timers {
		// Cancel in yet another order: each cancel must find its timer where
		// its index says it is.
		require.True(t, q.cancel(timers[(i*31)%len(timers)]), "timer %d must still be in the heap", (i*31)%len(timers))
	}

	assert.Zero(t, q.len(), "cancelled timers must not pile up in the heap")
}

func TestCancelInTheMiddleKeepsTheHeapInOrder(t *testing.T) {
	var q timerQueue
	var timers []*Timer
	for i := range 100 {
		timers = append(timers, addTimer(t, &q, time.Duration((i*37)%100)*time.Millisecond, i))
	}
	for i := 0; i < 100; i += 3 {
		q.cancel(timers[i])
	}

	fired, _ := q.next(base.Add(time.Hour), nil)

	var last time.Duration = -1
	for _, w := range fired {
		offset := time.Duration((w.ID()*37)%100) * time.Millisecond
		assert.GreaterOrEqual(t, offset, last, "timers must still come out in deadline order after removals from the middle")
		assert.NotZero(t, w.ID()%3, "timer %d was cancelled", w.ID())
		last = offset
	}
	assert.Len(t, fired, 66)
}

func TestOnlyATimerEarlierThanTheLoopsDeadlineWakesTheLoop(t *testing.T) {
	var q timerQueue

	_, wake, err := q.add(base.Add(10*time.Second), testWaker(1))
	require.NoError(t, err)
	assert.True(t, wake, "the loop waits without a timeout, so the first timer must wake it")

	_, wake, _ = q.add(base.Add(20*time.Second), testWaker(2))
	assert.False(t, wake, "a later deadline: the loop wakes for the earlier one anyway and then sees this one")

	_, wake, _ = q.add(base.Add(5*time.Second), testWaker(3))
	assert.True(t, wake, "an earlier deadline: the loop would sleep through it")

	_, wake, _ = q.add(base.Add(7*time.Second), testWaker(4))
	assert.False(t, wake, "the loop has already been told to look by 5 s")

	q.next(base, nil) // the loop looks again and waits for the 5 s timer
	_, wake, _ = q.add(base.Add(6*time.Second), testWaker(5))
	assert.False(t, wake)
}

func TestStoppedQueueRefusesTimersAndHandsBackTheWaiting(t *testing.T) {
	var q timerQueue
	timer := addTimer(t, &q, time.Hour, 1)

	waiting := q.stop()

	assert.Equal(t, []int{1}, firedIDs(waiting), "the waiting timers' wakers are woken as the reactor stops")
	assert.False(t, q.cancel(timer))
	_, _, err := q.add(base, testWaker(2))
	assert.ErrorIs(t, err, ErrReactorClosed, "no timer can fire once the event loop has stopped")
	assert.Zero(t, q.len())
}
