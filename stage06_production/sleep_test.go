//go:build linux || darwin || freebsd

// Tests for the reactor's timers at work: AddTimer and CancelTimer on a real
// event loop, and the Sleep future on a real executor. The timing bounds
// are generous on purpose (a loaded machine is slow); what they check is
// order and "never early", and every wait has a deadline.

package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// generous is the upper bound of the timing tests: far above what a timer
// takes to fire, so only a timer that never fires (or fires at the wrong
// deadline) runs into it.
const generous = 5 * time.Second

func TestTimerWakesItsWakerOnceTheDeadlineHasPassed(t *testing.T) {
	r := newTestReactor(t)
	w := testWaker(1)
	deadline := time.Now().Add(30 * time.Millisecond)

	require.NoError(t, r.AddTimer(new(Timer), deadline, w))
	waitWoken(t, w, "a timer must wake its waker when its deadline passes")

	assert.False(t, time.Now().Before(deadline), "the timer fired before its deadline")
	assert.Zero(t, r.PendingTimers(), "a timer that fired leaves the heap")
}

func TestEarlierTimerInterruptsAWaitForALaterOne(t *testing.T) {
	r := newTestReactor(t)
	late := testWaker(1)
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(time.Hour), late))
	// Let the loop settle into its hour-long wait, so the next timer really
	// has to interrupt it. The interrupt has been taken once it is.
	require.Eventually(t, func() bool { return !interruptPending(t, r.poller) }, generous, time.Millisecond)

	early := testWaker(2)
	start := time.Now()
	require.NoError(t, r.AddTimer(new(Timer), start.Add(20*time.Millisecond), early))

	waitWoken(t, early, "a timer earlier than the one the event loop waits for must wake the loop (AddTimer calls wakeLoop)")
	assert.Less(t, time.Since(start), generous)
	select {
	case <-late.parker.token:
		t.Fatal("the hour-long timer fired")
	default:
	}
	assert.Equal(t, 1, r.PendingTimers(), "the hour-long timer is still waiting")
}

func TestWakeUpForATimerIsDrainedSoTheLoopDoesNotSpin(t *testing.T) {
	r := newTestReactor(t)

	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(time.Hour), testWaker(1)))

	// An interrupt left pending (an eventfd left readable, a user event
	// left triggered) would end every later wait at once, and the
	// reactor's thread would spin.
	require.Eventually(t, func() bool { return !interruptPending(t, r.poller) }, generous, time.Millisecond,
		"after a wake-up for a timer the interrupt must be reset: on Linux the poller's wait reads the eventfd back to zero (drainInterrupts); on kqueue the user event has EV_CLEAR")
	requireStillRunning(t, r)
}

func TestCancelledTimerNeverWakes(t *testing.T) {
	r := newTestReactor(t)
	cancelled := testWaker(1)
	timer := new(Timer)
	require.NoError(t, r.AddTimer(timer, time.Now().Add(20*time.Millisecond), cancelled))
	require.True(t, r.CancelTimer(timer))

	// A later timer that fires proves the loop went past the cancelled
	// one's deadline.
	witness := testWaker(2)
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(60*time.Millisecond), witness))
	waitWoken(t, witness)

	assert.Empty(t, cancelled.ready.TakeAll(nil), "a cancelled timer must never wake its waker")
	assert.Zero(t, r.PendingTimers())
}

func TestClosingTheReactorWakesTasksWaitingOnTimersAndRefusesNewOnes(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	w := testWaker(1)
	timer := new(Timer)
	require.NoError(t, r.AddTimer(timer, time.Now().Add(time.Hour), w))

	require.NoError(t, r.Close())

	waitWoken(t, w, "a task waiting on a timer must be woken when the reactor stops, or it sleeps for ever")
	assert.ErrorIs(t, r.AddTimer(new(Timer), time.Now(), testWaker(2)), ErrReactorClosed)
	assert.False(t, r.CancelTimer(timer), "the stopped reactor let go of every timer")
	assert.Zero(t, r.PendingTimers())
}

// sleepTask is a task that awaits one Sleep and then records the time and
// its name on done.
func sleepTask(name string, sleep *SleepFuture, done chan<- string) *funcTask {
	return &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		p := sleep.Poll(w)
		if !p.Ready {
			return Pending[struct{}]()
		}
		if p.Err != nil {
			return Failed[struct{}](p.Err)
		}
		done <- name
		return Ready(struct{}{})
	}}
}

func TestSleepCompletesNoEarlierThanItsDuration(t *testing.T) {
	r := newTestReactor(t)
	e := NewExecutor("main", nil)
	done := make(chan string, 1)
	start := time.Now()

	err := waitDone(t, blockOnWithDeadline(t, e, sleepTask("sleep", Sleep(r, 50*time.Millisecond), done)), &syncBuffer{})

	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 50*time.Millisecond, "a Sleep must never end early")
	assert.Less(t, elapsed, generous, "the timer must fire (is the wait's timeout taken from the nearest deadline?)")
	assert.Zero(t, r.PendingTimers())
}

func TestManySleepersFinishInTheOrderOfTheirDeadlines(t *testing.T) {
	r := newTestReactor(t)
	e := NewExecutor("main", nil)
	const n = 8
	done := make(chan string, n)
	main := &funcTask{poll: func(int, Waker) Poll[struct{}] {
		// Spawned longest first, so the heap has to reorder them. 15 ms
		// apart is coarse enough for the rounding to whole milliseconds.
		for i := n - 1; i >= 0; i-- {
			e.Spawn(sleepTask(fmt.Sprint(i), Sleep(r, time.Duration(10+15*i)*time.Millisecond), done))
		}
		return Ready(struct{}{})
	}}

	require.NoError(t, waitDone(t, blockOnWithDeadline(t, e, main), &syncBuffer{}))

	close(done)
	var order []string
	for name := range done {
		order = append(order, name)
	}
	assert.Equal(t, []string{"0", "1", "2", "3", "4", "5", "6", "7"}, order, "sleepers must wake nearest deadline first")
	assert.Zero(t, r.PendingTimers())
}

func TestSleepOfZeroIsReadyAtOnceWithoutATimer(t *testing.T) {
	timers := &fakeTimekeeper{}

	p := Sleep(timers, 0).Poll(testWaker(1))

	assert.True(t, p.Ready)
	assert.NoError(t, p.Err)
	assert.Zero(t, timers.added, "a sleep that is already over needs no timer")
}

func TestSleepAddsOneTimerAndReplacesItOnlyForANewWaker(t *testing.T) {
	timers := &fakeTimekeeper{}
	s := Sleep(timers, time.Hour)

	w1 := testWaker(1)
	require.False(t, s.Poll(w1).Ready)
	require.False(t, s.Poll(w1).Ready)
	assert.Equal(t, 1, timers.added, "polling again with the same waker must not add another timer")

	w2 := testWaker(2)
	require.False(t, s.Poll(w2).Ready)
	assert.Equal(t, 2, timers.added, "a new waker replaces the timer, so the latest waker is the one called")
	assert.Equal(t, 1, timers.cancelled, "the old timer is cancelled")
	assert.Equal(t, w2, timers.last.waker)
	assert.Same(t, &s.timer, timers.last, "the Sleep hands the reactor its own Timer, every time: no Timer is made per poll")
}

func TestSleepPolledByANewWakerKeepsOneTimerWithTheNewWaker(t *testing.T) {
	r := newTestReactor(t)
	// An hour, so that no stall of a loaded machine can end the sleep
	// between the two polls.
	s := Sleep(r, time.Hour)
	first, second := testWaker(1), testWaker(2)

	require.False(t, s.Poll(first).Ready)
	require.False(t, s.Poll(second).Ready)
	assert.Equal(t, 1, r.PendingTimers(), "the Sleep's one Timer is cancelled and added again, not added twice")

	// Closing the reactor wakes every timer still in the heap: a Timer
	// left in it twice would wake the first waker too.
	require.NoError(t, r.Close())

	waitWoken(t, second, "the timer must hold the latest poll's waker")
	assert.Empty(t, first.ready.TakeAll(nil), "the first waker was replaced and must not be called")
	assert.ErrorIs(t, s.Poll(second).Err, ErrReactorClosed)
}

func TestClosedSleepCancelsItsTimer(t *testing.T) {
	timers := &fakeTimekeeper{}
	s := Sleep(timers, time.Hour)
	require.False(t, s.Poll(testWaker(1)).Ready)

	require.NoError(t, s.Close())

	assert.Equal(t, 1, timers.cancelled, "an abandoned Sleep must take its timer back")
	assert.ErrorIs(t, s.Poll(testWaker(1)).Err, errPolledAfterDone)
}

func TestSleepFailsOnceTheReactorHasStopped(t *testing.T) {
	timers := &fakeTimekeeper{}
	s := Sleep(timers, time.Hour)
	require.False(t, s.Poll(testWaker(1)).Ready)

	timers.stopped = true
	p := s.Poll(testWaker(1))

	require.True(t, p.Ready, "no timer fires on a stopped reactor: waiting would be for ever")
	assert.ErrorIs(t, p.Err, ErrReactorClosed)
}

func TestSleepLeavesNoFDOrTimerBehind(t *testing.T) {
	leakcheck.CheckFDs(t)
	r, err := NewReactor()
	require.NoError(t, err)
	e := NewExecutor("main", nil)
	done := make(chan string, 1)

	require.NoError(t, waitDone(t, blockOnWithDeadline(t, e, sleepTask("sleep", Sleep(r, time.Millisecond), done)), &syncBuffer{}))

	assert.Zero(t, r.PendingTimers())
	require.NoError(t, r.Close())
}

// keptSleep keeps the Sleeps of the allocation test and benchmark
// reachable, as a task keeps its future in a real run (see keptFuture).
var keptSleep *SleepFuture

// sleepPendingThenClosed is a Sleep made, polled once pending (its timer
// goes into r's heap) and closed (the timer comes out).
func sleepPendingThenClosed(tb testing.TB, r *Reactor, w Waker) {
	s := Sleep(r, time.Hour)
	keptSleep = s
	if s.Poll(w).Ready {
		tb.Fatal("a sleep of an hour is over at once")
	}
	_ = s.Close()
}

func TestPendingSleepIsOneAllocation(t *testing.T) {
	r := newDrivenTestReactor(t) // the real heap, and no reactor thread allocating meanwhile
	w := testWaker(1)

	allocs := testing.AllocsPerRun(1000, func() { sleepPendingThenClosed(t, r, w) })

	assert.Equal(t, 1.0, allocs, "a Sleep and its Timer must be one allocation: the Timer is a field of the Sleep, and AddTimer makes none")
	assert.Zero(t, r.PendingTimers())
}

// BenchmarkSleepPendingThenClosed is a Sleep's memory (run with -benchmem).
func BenchmarkSleepPendingThenClosed(b *testing.B) {
	r, err := NewDrivenReactor()
	require.NoError(b, err)
	defer func() { require.NoError(b, r.Close()) }()
	w := testWaker(1)
	b.ReportAllocs()
	for b.Loop() {
		sleepPendingThenClosed(b, r, w)
	}
}

// fakeTimekeeper is a test double for the reactor's timers: it counts what a
// future asks of it and fires nothing. Like the reactor, it fills in the
// Timer it is given, which the Sleep reads back.
type fakeTimekeeper struct {
	added, cancelled int
	stopped          bool
	last             *Timer
}

// AddTimer implements Timekeeper.
func (f *fakeTimekeeper) AddTimer(t *Timer, deadline time.Time, w Waker) error {
	if f.stopped {
		return ErrReactorClosed
	}
	f.added++
	t.deadline, t.waker = instantOf(deadline), w
	f.last = t
	return nil
}

// CancelTimer implements Timekeeper.
func (f *fakeTimekeeper) CancelTimer(*Timer) bool {
	f.cancelled++
	return true
}

// Stopped implements Timekeeper.
func (f *fakeTimekeeper) Stopped() bool { return f.stopped }
