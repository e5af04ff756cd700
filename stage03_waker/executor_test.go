//go:build linux || darwin || freebsd

// Tests for the Executor. The tasks are test doubles that hand out their
// wakers or wake themselves, so these tests depend neither on the reactor
// nor on sockets.

package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	parkLine     = "main: 1 pending tasks. Sleep until notified."
	finishedLine = "main: All tasks are finished"
)

// blockOnWithDeadline runs BlockOn on its own goroutine and returns a
// channel with its result, so a test can act while the executor runs and a
// BlockOn that never returns fails the test instead of hanging it.
func blockOnWithDeadline(t *testing.T, e *Executor, main Task) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		// A panic on this goroutine would kill the whole test binary;
		// turn it into a failure of this test instead.
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("BlockOn panicked: %v", r)
			}
		}()
		done <- e.BlockOn(main)
	}()
	return done
}

// waitDone waits for BlockOn's result.
func waitDone(t *testing.T, done <-chan error, out *syncBuffer) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("BlockOn did not return within 5s: does it park with nobody to wake it, or miss a wake-up? output:\n%s%s", out, stagetest.StuckNow())
		return nil
	}
}

// waitForWaker waits for the waker a pendingUntilWoken task hands out at
// its first poll. If BlockOn returns first, it never got as far as polling
// the task (or it panicked), so the test fails at once with what BlockOn
// returned instead of waiting for a waker that cannot come.
func waitForWaker(t *testing.T, wakers <-chan Waker, done <-chan error, out *syncBuffer) Waker {
	t.Helper()
	select {
	case w := <-wakers:
		return w
	case err := <-done:
		t.Fatalf("BlockOn returned (%v) before it polled its task: main must become a task whose first poll comes before the executor parks; output:\n%s", err, out)
	case <-time.After(5 * time.Second):
		t.Fatalf("the task was not polled within 5s of BlockOn starting: main must become a task whose first poll comes before the executor parks; output:\n%s", out)
	}
	return Waker{}
}

// pendingUntilWoken is a task that is pending on its first poll and hands
// its waker out on wakers, and ready on any later poll.
func pendingUntilWoken(wakers chan<- Waker) *funcTask {
	return &funcTask{poll: func(n int, w Waker) Poll[struct{}] {
		if n == 1 {
			wakers <- w
			return Pending[struct{}]()
		}
		return Ready(struct{}{})
	}}
}

func TestBlockOnReturnsWhenTaskIsReadyAtOnce(t *testing.T) {
	out := &syncBuffer{}
	task := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Ready(struct{}{}) }}

	err := waitDone(t, blockOnWithDeadline(t, NewExecutor("main", out), task), out)

	require.NoError(t, err)
	assert.Equal(t, 1, task.Polls())
	assert.Equal(t, finishedLine+"\n", out.String(), "a task ready at once needs no park; BlockOn ends with the 'All tasks are finished' line")
}

func TestBlockOnParksUntilWokenFromAnotherGoroutine(t *testing.T) {
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	task := pendingUntilWoken(wakers)
	done := blockOnWithDeadline(t, NewExecutor("main", out), task)

	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	go w.Wake()

	require.NoError(t, waitDone(t, done, out))
	assert.Equal(t, 2, task.Polls(), "one poll before the park, one after the wake-up")
	assert.Equal(t, parkLine+"\n"+finishedLine+"\n", out.String())
}

func TestBlockOnDoesNotPollAgainUntilWoken(t *testing.T) {
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	task := pendingUntilWoken(wakers)
	done := blockOnWithDeadline(t, NewExecutor("main", out), task)
	w := waitForWaker(t, wakers, done, out)

	out.waitForLines(t, parkLine, 1)

	assert.Equal(t, 1, task.Polls(), "a pending task that was not woken must not be polled again: the executor must park, not loop")
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
}

func TestFalseWakeUpIsHarmless(t *testing.T) {
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	task := pendingUntilWoken(wakers)
	e := NewExecutor("main", out)
	done := blockOnWithDeadline(t, e, task)
	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)

	e.parker.Unpark() // a wake-up with nothing in the ready queue

	out.waitForLines(t, parkLine, 2)
	assert.Equal(t, 1, task.Polls(), "after a wake-up with an empty ready queue the executor must park again without polling anything")
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
	assert.Equal(t, 2, task.Polls())
}

func TestWakeAfterTaskFinishedIsIgnored(t *testing.T) {
	out := &syncBuffer{}
	task := &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		w.Wake() // the id reaches the ready queue after the task is gone
		return Ready(struct{}{})
	}}

	err := waitDone(t, blockOnWithDeadline(t, NewExecutor("main", out), task), out)

	require.NoError(t, err, "a wake-up for a task that has finished must be skipped, not fail or panic")
	assert.Equal(t, 1, task.Polls(), "a finished task must never be polled again")
	assert.Equal(t, finishedLine+"\n", out.String())
}

func TestWakeForUnknownTaskIsIgnored(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	NewWaker(42, e.ready, e.parker).Wake()

	assert.NoError(t, e.pollReady(), "an id with no task must be skipped")
	assert.Zero(t, e.ready.Len())
}

func TestManyWakesOfOneTaskPollItOnce(t *testing.T) {
	out := &syncBuffer{}
	task := &funcTask{poll: func(n int, w Waker) Poll[struct{}] {
		if n > 1 {
			return Ready(struct{}{})
		}
		// 1000 wakes from another goroutine, all before this poll
		// returns: the executor cannot take any of them yet.
		var wg sync.WaitGroup
		wg.Go(func() {
			for range 1000 {
				w.Wake()
			}
		})
		wg.Wait()
		return Pending[struct{}]()
	}}

	err := waitDone(t, blockOnWithDeadline(t, NewExecutor("main", out), task), out)

	require.NoError(t, err)
	assert.Equal(t, 2, task.Polls(), "1000 wakes that arrive before the executor looks need one more poll, not 1000 (look at ReadyQueue.Push)")
}

func TestBlockOnWakesAndFinishesTaskWokenFromManyGoroutines(t *testing.T) {
	out := &syncBuffer{}
	const wakes = 200
	var wokenBy sync.WaitGroup
	task := &funcTask{}
	task.poll = func(n int, w Waker) Poll[struct{}] {
		if n == 1 {
			for range wakes {
				wokenBy.Go(w.Wake)
			}
			return Pending[struct{}]()
		}
		if n > wakes+1 {
			return Failed[struct{}](errors.New("polled more often than woken"))
		}
		return Ready(struct{}{})
	}

	err := waitDone(t, blockOnWithDeadline(t, NewExecutor("main", out), task), out)
	wokenBy.Wait()

	require.NoError(t, err)
	assert.Equal(t, 2, task.Polls(), "the task was ready at its second poll; nothing more")
}

func TestBlockOnReturnsErrorOfFailedTask(t *testing.T) {
	out := &syncBuffer{}
	boom := errors.New("boom")
	task := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](boom) }}

	err := waitDone(t, blockOnWithDeadline(t, NewExecutor("main", out), task), out)

	assert.ErrorIs(t, err, boom, "BlockOn must return the error the task failed with")
	assert.NotContains(t, out.String(), "All tasks are finished", "a failed run is not reported as finished")
}

func TestParkLineNamesExecutorAndCountsTasks(t *testing.T) {
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	done := blockOnWithDeadline(t, NewExecutor("exec-7", out), pendingUntilWoken(wakers))
	w := waitForWaker(t, wakers, done, out)

	out.waitForLines(t, "exec-7: 1 pending tasks. Sleep until notified.", 1)
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
	assert.True(t, strings.HasSuffix(out.String(), "exec-7: All tasks are finished\n"))
}
