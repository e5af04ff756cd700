//go:build linux || darwin || freebsd

// Tests for one round of the executor, pollReady, on its own: the tasks are
// put into the executor by hand and woken by pushing their ids, so these
// tests need neither BlockOn nor a parked executor nor a reactor.

package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// giveTask puts task into e under id, as BlockOn would, without queueing
// it: a test decides which ids are woken.
func giveTask(e *Executor, id int, task Task) {
	e.tasks[id] = task
}

// pendingTask is a task that is never ready.
func pendingTask() *funcTask {
	return &funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }}
}

func TestPollReadyPollsEveryWokenTaskOnce(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	tasks := []*funcTask{pendingTask(), pendingTask(), pendingTask()}
	for i, task := range tasks {
		giveTask(e, i+1, task)
		e.ready.Push(i + 1)
	}

	require.NoError(t, e.pollReady())

	for i, task := range tasks {
		assert.Equal(t, 1, task.Polls(), "task %d was woken once, so pollReady must poll it exactly once (take the whole batch from e.ready, poll each id's task)", i+1)
	}
	assert.Zero(t, e.ready.Len(), "pollReady must leave the ready queue empty")
	assert.Len(t, e.tasks, 3, "pending tasks must stay in e.tasks: they will be woken later")
}

func TestPollReadyLeavesTaskThatWasNotWokenAlone(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	woken, sleeping := pendingTask(), pendingTask()
	giveTask(e, 1, woken)
	giveTask(e, 2, sleeping)
	e.ready.Push(1)

	require.NoError(t, e.pollReady())

	assert.Equal(t, 1, woken.Polls())
	assert.Zero(t, sleeping.Polls(), "a task whose id is not in the ready queue must not be polled: polling only the woken tasks is the executor's whole point")
}

func TestPollReadyRemovesFinishedTask(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	giveTask(e, 1, &funcTask{poll: func(int, Waker) Poll[struct{}] { return Ready(struct{}{}) }})
	giveTask(e, 2, pendingTask())
	e.ready.Push(1)
	e.ready.Push(2)

	require.NoError(t, e.pollReady())

	assert.NotContains(t, e.tasks, 1, "a task whose poll answers Ready has finished: delete it from e.tasks")
	assert.Contains(t, e.tasks, 2, "a pending task must stay")
}

func TestPollReadyReturnsErrorOfFailedTask(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	boom := errors.New("boom")
	giveTask(e, 1, &funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](boom) }})
	e.ready.Push(1)

	err := e.pollReady()

	assert.ErrorIs(t, err, boom, "pollReady must return the error a task failed with")
	assert.NotContains(t, e.tasks, 1, "a failed task has finished too: delete it from e.tasks")
}

func TestPollReadyGivesEachTaskAWakerForItsOwnID(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	var got Waker
	giveTask(e, 5, &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		got = w
		return Pending[struct{}]()
	}})
	e.ready.Push(5)

	require.NoError(t, e.pollReady())

	assert.Equal(t, NewWaker(5, e.ready, e.parker), got,
		"the waker passed to Poll must wake this task of this executor: NewWaker(id, e.ready, e.parker)")
}

func TestPollReadyPollsTaskWokenDuringTheRoundBeforeReturning(t *testing.T) {
	e := NewExecutor("main", &syncBuffer{})
	// A task that wakes itself on its first poll, as a future does when it
	// has more work than it wants to do in one poll.
	task := &funcTask{poll: func(n int, w Waker) Poll[struct{}] {
		if n == 1 {
			w.Wake()
			return Pending[struct{}]()
		}
		return Ready(struct{}{})
	}}
	giveTask(e, 1, task)
	e.ready.Push(1)

	require.NoError(t, e.pollReady())

	assert.Equal(t, 2, task.Polls(), "a task woken while pollReady runs must be polled before pollReady returns: take batches until the ready queue is empty")
	assert.Empty(t, e.tasks)
}
