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

	_, err := r.AddTimer(deadline, w)
	require.NoError(t, err)
	waitWoken(t, w, "a timer must wake its waker when its deadline passes")

	assert.False(t, time.Now().Before(deadline), "the timer fired before its deadline")
	assert.Zero(t, r.PendingTimers(), "a timer that fired leaves the heap")
}

func TestEarlierTimerInterruptsAWaitForALaterOne(t *testing.T) {
	r := newTestReactor(t)
	late := testWaker(1)
	_, err := r.AddTimer(time.Now().Add(time.Hour), late)
	require.NoError(t, err)
	// Let the loop settle into its hour-long wait, so the next timer really
	// has to interrupt it. The interrupt has been taken once it is.
	require.Eventually(t, func() bool { return !interruptPending(t, r.poller) }, generous, time.Millisecond)

	early := testWaker(2)
	start := time.Now()
	_, err = r.AddTimer(start.Add(20*time.Millisecond), early)
	require.NoError(t, err)

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

	_, err := r.AddTimer(time.Now().Add(time.Hour), testWaker(1))
	require.NoError(t, err)

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
	timer, err := r.AddTimer(time.Now().Add(20*time.Millisecond), cancelled)
	require.NoError(t, err)
	require.True(t, r.CancelTimer(timer))

	// A later timer that fires proves the loop went past the cancelled
	// one's deadline.
	witness := testWaker(2)
	_, err = r.AddTimer(time.Now().Add(60*time.Millisecond), witness)
	require.NoError(t, err)
	waitWoken(t, witness)

	assert.Empty(t, cancelled.ready.TakeAll(nil), "a cancelled timer must never wake its waker")
	assert.Zero(t, r.PendingTimers())
}

func TestClosingTheReactorWakesTasksWaitingOnTimersAndRefusesNewOnes(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	w := testWaker(1)
	_, err = r.AddTimer(time.Now().Add(time.Hour), w)
	require.NoError(t, err)

	require.NoError(t, r.Close())

	waitWoken(t, w, "a task waiting on a timer must be woken when the reactor stops, or it sleeps for ever")
	_, err = r.AddTimer(time.Now(), testWaker(2))
	assert.ErrorIs(t, err, ErrReactorClosed)
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

// fakeTimekeeper is a test double for the reactor's timers: it counts what a
// future asks of it and fires nothing.
type fakeTimekeeper struct {
	added, cancelled int
	stopped          bool
	last             *Timer
}

// AddTimer implements Timekeeper.
func (f *fakeTimekeeper) AddTimer(deadline time.Time, w Waker) (*Timer, error) {
	if f.stopped {
		return nil, ErrReactorClosed
	}
	f.added++
	f.last = &Timer{deadline: deadline, waker: w}
	return f.last, nil
}

// CancelTimer implements Timekeeper.
func (f *fakeTimekeeper) CancelTimer(*Timer) bool {
	f.cancelled++
	return true
}

// Stopped implements Timekeeper.
func (f *fakeTimekeeper) Stopped() bool { return f.stopped }
