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

// spawningMain is a main task that spawns tasks on e at its first poll and
// is then done, like async_main.
func spawningMain(e *Executor, tasks ...Task) *funcTask {
	return &funcTask{poll: func(int, Waker) Poll[struct{}] {
		for _, task := range tasks {
			e.Spawn(task)
		}
		return Ready(struct{}{})
	}}
}

func TestThousandsOfSpawnedTasksWokenFromOtherGoroutinesAllFinish(t *testing.T) {
	const n = 5000
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	// Four goroutines stand in for the reactor: they wake whatever task
	// hands them its waker.
	toWake := make(chan Waker, n)
	var wakers sync.WaitGroup
	for range 4 {
		wakers.Go(func() {
			for w := range toWake {
				w.Wake()
			}
		})
	}
	defer func() {
		close(toWake)
		wakers.Wait()
	}()
	tasks := make([]*funcTask, n)
	spawned := make([]Task, n)
	for i := range tasks {
		tasks[i] = &funcTask{poll: func(poll int, w Waker) Poll[struct{}] {
			if poll == 1 {
				toWake <- w
				return Pending[struct{}]()
			}
			return Ready(struct{}{})
		}}
		spawned[i] = tasks[i]
	}

	err := waitDone(t, blockOnWithDeadline(t, e, spawningMain(e, spawned...)), out)

	require.NoError(t, err)
	for i, task := range tasks {
		require.Equal(t, 2, task.Polls(), "task %d: every spawned task must be polled once to start and once after its wake-up", i)
	}
	assert.True(t, strings.HasSuffix(out.String(), finishedLine+"\n"), "BlockOn must end with %q", finishedLine)
	assert.Zero(t, e.tasks.Len(), "every finished task must leave the slab")
}

func TestBlockOnWaitsForSpawnedTasksAfterMainHasFinished(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	wakers := make(chan Waker, 1)
	child := pendingUntilWoken(wakers)
	done := blockOnWithDeadline(t, e, spawningMain(e, child))

	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	select {
	case err := <-done:
		t.Fatalf("BlockOn returned (%v) while a spawned task was still pending: it must run until no task is left", err)
	default:
	}
	w.Wake()

	require.NoError(t, waitDone(t, done, out))
	assert.Equal(t, 2, child.Polls())
}

func TestSpawnedTaskIsPolledBeforeTheExecutorParks(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	child := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Ready(struct{}{}) }}

	err := waitDone(t, blockOnWithDeadline(t, e, spawningMain(e, child)), out)

	require.NoError(t, err)
	assert.Equal(t, 1, child.Polls(), "a spawned task must be polled without anybody waking it: Spawn queues its first poll")
	assert.Equal(t, finishedLine+"\n", out.String(), "the spawned task was ready at once, so the executor never had to park")
}

func TestParkLineCountsPendingTasks(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	wakers := make(chan Waker, 3)
	done := blockOnWithDeadline(t, e, spawningMain(e, pendingUntilWoken(wakers), pendingUntilWoken(wakers), pendingUntilWoken(wakers)))

	out.waitForLines(t, "main: 3 pending tasks. Sleep until notified.", 1)
	for range 3 {
		waitForWaker(t, wakers, done, out).Wake()
	}

	require.NoError(t, waitDone(t, done, out))
}

func TestWakeOfFinishedTaskDoesNotDisturbOthers(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	finishedWaker := make(chan Waker, 1)
	finished := &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		finishedWaker <- w
		return Ready(struct{}{})
	}}
	wakers := make(chan Waker, 1)
	pending := pendingUntilWoken(wakers)
	done := blockOnWithDeadline(t, e, spawningMain(e, finished, pending))
	out.waitForLines(t, parkLine, 1)

	(<-finishedWaker).Wake() // for a task that is gone

	out.waitForLines(t, parkLine, 2)
	assert.Equal(t, 1, finished.Polls(), "a finished task must never be polled again")
	assert.Equal(t, 1, pending.Polls(), "a wake-up for another task must not poll this one")
	waitForWaker(t, wakers, done, out).Wake()
	require.NoError(t, waitDone(t, done, out))
}

func TestFailedTaskEndsBlockOnAndClosesTheOthers(t *testing.T) {
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	boom := errors.New("boom")
	waiting := &closableTask{funcTask: funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }}}
	failing := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](boom) }}

	err := waitDone(t, blockOnWithDeadline(t, e, spawningMain(e, waiting, failing)), out)

	assert.ErrorIs(t, err, boom, "BlockOn must return the first task error")
	assert.Equal(t, int32(1), waiting.closed.Load(), "the executor gives up on the tasks left: it must Close them so their sockets are released")
	assert.Zero(t, e.tasks.Len(), "abandoned tasks must be dropped")
}

func TestExecutorWithoutOutputPrintsNothing(t *testing.T) {
	e := NewExecutor("quiet", nil)
	wakers := make(chan Waker, 1)
	done := blockOnWithDeadline(t, e, pendingUntilWoken(wakers))

	waitForWaker(t, wakers, done, &syncBuffer{}).Wake()

	require.NoError(t, waitDone(t, done, &syncBuffer{}), "an executor with a nil writer must run like any other, only silently")
}
