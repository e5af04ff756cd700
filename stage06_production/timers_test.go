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

// addTimer adds a new timer for task id at base+offset and fails the test
// if the queue refuses it. Each timer is its own allocation here; in the
// runtime it is a field of the Sleep that waits on it.
func addTimer(t *testing.T, q *timerQueue, offset time.Duration, id int) *Timer {
	t.Helper()
	timer := new(Timer)
	_, err := q.add(timer, base.Add(offset), testWaker(id))
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

func TestTimersWithEqualDeadlinesFireInTheSameRound(t *testing.T) {
	var q timerQueue
	for _, id := range []int{1, 2, 6, 3, 4, 5} {
		offset := time.Second
		if id == 6 {
			offset = 2 * time.Second
		}
		addTimer(t, &q, offset, id)
	}

	fired, wait := q.next(base.Add(time.Second), nil)

	assert.ElementsMatch(t, []int{1, 2, 3, 4, 5}, firedIDs(fired), "every timer due at that moment must fire in the same round (their order is not promised), and the later one must wait")
	assert.Equal(t, 1, q.len(), "only the timer due a second later stays in the heap")
	assert.Equal(t, time.Second, wait, "the loop may then wait until the one timer left is due")
}

func TestOnlyExpiredTimersFireAndTheWaitLastsUntilTheNearestLeft(t *testing.T) {
	var q timerQueue
	addTimer(t, &q, 1*time.Second, 1)
	addTimer(t, &q, 3*time.Second, 3)
	addTimer(t, &q, 2*time.Second, 2)

	fired, wait := q.next(base.Add(1500*time.Millisecond), nil)

	assert.Equal(t, []int{1}, firedIDs(fired), "only the timer whose deadline has passed fires")
	assert.Equal(t, 500*time.Millisecond, wait, "the loop may wait until the nearest deadline left (2 s), not past it")
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

func TestAddFillsInTheCallersTimer(t *testing.T) {
	var q timerQueue
	var timer Timer
	w := testWaker(1)

	_, err := q.add(&timer, base.Add(time.Second), w)

	require.NoError(t, err)
	assert.True(t, base.Add(time.Second).Equal(timer.Deadline()), "add must set the timer's deadline: a Sleep reads it back; got %v, want %v", timer.Deadline(), base.Add(time.Second))
	assert.Equal(t, w, timer.waker, "add must set the timer's waker: a Sleep compares it with the next poll's")
	require.Equal(t, 1, q.len())
	assert.Same(t, &timer, q.timers[0], "the heap holds the caller's Timer itself, not a copy or a new one")
}

func TestATimerThatFiredOrWasCancelledCanBeAddedAgain(t *testing.T) {
	var q timerQueue
	fired := addTimer(t, &q, time.Second, 1)
	cancelled := addTimer(t, &q, 2*time.Second, 2)
	got, _ := q.next(base.Add(time.Second), nil)
	require.Equal(t, []int{1}, firedIDs(got))
	require.True(t, q.cancel(cancelled))

	// The same two Timers again, as a Sleep polled by a new waker does,
	// now in the opposite order.
	_, err := q.add(fired, base.Add(4*time.Second), testWaker(11))
	require.NoError(t, err)
	_, err = q.add(cancelled, base.Add(3*time.Second), testWaker(12))
	require.NoError(t, err)
	got, _ = q.next(base.Add(time.Hour), nil)

	assert.Equal(t, []int{12, 11}, firedIDs(got), "a re-added timer fires at its new deadline with its new waker (add sets deadline, seq and waker every time)")
	assert.Zero(t, q.len())
}

func TestCancellingATimerThatWasNeverAddedReportsFalse(t *testing.T) {
	var q timerQueue
	addTimer(t, &q, time.Second, 1)
	var never Timer // its index is 0, the slot of timer 1

	assert.False(t, q.cancel(&never), "a Timer that is not in the heap cannot be cancelled: cancel must check that the slot at its index holds it")
	fired, _ := q.next(base.Add(time.Hour), nil)
	assert.Equal(t, []int{1}, firedIDs(fired), "cancelling a timer never added must leave the others alone")
}

func TestOnlyATimerEarlierThanTheLoopsDeadlineWakesTheLoop(t *testing.T) {
	var q timerQueue

	wake, err := q.add(new(Timer), base.Add(10*time.Second), testWaker(1))
	require.NoError(t, err)
	assert.True(t, wake, "the loop waits without a timeout, so the first timer must wake it")

	wake, _ = q.add(new(Timer), base.Add(20*time.Second), testWaker(2))
	assert.False(t, wake, "a later deadline: the loop wakes for the earlier one anyway and then sees this one")

	wake, _ = q.add(new(Timer), base.Add(5*time.Second), testWaker(3))
	assert.True(t, wake, "a nearer deadline: the loop would sleep through it")

	wake, _ = q.add(new(Timer), base.Add(7*time.Second), testWaker(4))
	assert.False(t, wake, "the loop has already been told to look by 5 s")

	q.next(base, nil) // the loop looks again and waits for the 5 s timer
	wake, _ = q.add(new(Timer), base.Add(6*time.Second), testWaker(5))
	assert.False(t, wake)
}

func TestStoppedQueueRefusesTimersAndHandsBackTheWaiting(t *testing.T) {
	var q timerQueue
	timer := addTimer(t, &q, time.Hour, 1)

	waiting := q.stop()

	assert.Equal(t, []int{1}, firedIDs(waiting), "the waiting timers' wakers are woken as the reactor stops")
	assert.False(t, q.cancel(timer))
	_, err := q.add(new(Timer), base, testWaker(2))
	assert.ErrorIs(t, err, ErrReactorClosed, "no timer can fire once the event loop has stopped")
	assert.Zero(t, q.len())
}

func TestPopLetsGoOfTheTimerItRemoves(t *testing.T) {
	first, second := &Timer{index: 0}, &Timer{index: 1}
	h := timerHeap{first, second}
	backing := h[:cap(h)]

	popped := h.Pop()

	assert.Same(t, second, popped, "Pop removes the last timer")
	assert.Equal(t, -1, second.index, "a popped timer is out of the heap: its index must say so (-1)")
	assert.Nil(t, backing[1],
		"the slot Pop emptied must be set to nil: the heap's array would otherwise keep the timer, and the future that holds it, from the garbage collector")
}
