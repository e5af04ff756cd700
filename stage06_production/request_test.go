//go:build linux || darwin || freebsd

// Tests for request(i) and async_main. The GET and the
// executor are test doubles, so these tests depend on neither sockets nor
// the executor.

package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeReporter records outcomes as lines.
type fakeReporter struct{ outcomes []string }

func (r *fakeReporter) Done(executor, i int, body string) {
	r.outcomes = append(r.outcomes, fmt.Sprintf("done %d/%d: %s", executor, i, body))
}

func (r *fakeReporter) Fail(executor, i int, err error) {
	r.outcomes = append(r.outcomes, fmt.Sprintf("fail %d/%d: %v", executor, i, err))
}

// oneGet returns a get that hands out f, under a timeout of an hour whose
// timer never fires (a fakeTimekeeper's), and records the paths asked for.
// The timeout passes f's polls, its wakers, its result and its Close
// through, as it does for the real GET.
func oneGet(f Future[string], paths *[]string) func(string) *TimeoutFuture[string] {
	return func(path string) *TimeoutFuture[string] {
		*paths = append(*paths, path)
		return WithTimeout(f, time.Hour, &fakeTimekeeper{})
	}
}

func TestRequestStartsItsGetOnFirstPoll(t *testing.T) {
	var paths []string
	get := &fakeFuture[string]{pendingPolls: 1, result: Ready("x")}
	r := NewRequest(1, 2, "/7/x", oneGet(get, &paths), &fakeReporter{})
	require.Empty(t, paths, "NewRequest must not start anything: a future does no work until polled")

	p := r.Poll(testWaker(1))

	assert.False(t, p.Ready)
	assert.Equal(t, []string{"/7/x"}, paths)
	assert.Equal(t, 1, get.polls, "the GET must be polled in the poll that creates it")
}

func TestRequestPassesItsWakerToTheGet(t *testing.T) {
	var paths []string
	get := &fakeFuture[string]{pendingPolls: 2, result: Ready("x")}
	r := NewRequest(0, 0, "/0/x", oneGet(get, &paths), &fakeReporter{})
	w1, w2 := testWaker(1), testWaker(2)

	r.Poll(w1)
	r.Poll(w2)

	assert.Equal(t, []Waker{w1, w2}, get.wakers, "each poll must hand the GET the waker of that poll")
}

func TestRequestReportsBodyAsDone(t *testing.T) {
	var paths []string
	report := &fakeReporter{}
	r := NewRequest(3, 4, "/0/x", oneGet(&fakeFuture[string]{result: Ready("HelloWorld4")}, &paths), report)

	p := r.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.NoError(t, p.Err)
	assert.Equal(t, []string{"done 3/4: HelloWorld4"}, report.outcomes, "the answer must be reported once, with the executor and request numbers")
}

func TestRequestReportsFailureAndFinishesWithoutError(t *testing.T) {
	var paths []string
	report := &fakeReporter{}
	refused := errors.New("connection refused")
	r := NewRequest(0, 1, "/0/x", oneGet(&fakeFuture[string]{result: Failed[string](refused)}, &paths), report)

	p := r.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.NoError(t, p.Err, "a failed request is counted, not an error of the task: the executor must keep running the others")
	assert.Equal(t, []string{"fail 0/1: connection refused"}, report.outcomes)
}

func TestRequestCloseClosesTheGetItAwaits(t *testing.T) {
	var paths []string
	get := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 10}}
	r := NewRequest(0, 0, "/0/x", oneGet(get, &paths), &fakeReporter{})
	require.False(t, r.Poll(testWaker(1)).Ready)

	require.NoError(t, r.Close())

	assert.Equal(t, 1, get.closed, "closing the request must close the GET it waits for, so its socket is released")
}

func TestRequestClosedBeforeItsFirstPollHasNothingToClose(t *testing.T) {
	var paths []string
	r := NewRequest(0, 0, "/0/x", oneGet(&closableFuture{}, &paths), &fakeReporter{})

	require.NoError(t, r.Close(), "a request that never started awaits nothing: Close has nothing to release")

	assert.Empty(t, paths, "closing a request must not start its GET")
	assert.ErrorIs(t, r.Poll(testWaker(1)).Err, errPolledAfterDone, "a closed request is done: a later poll must not start it")
}

// fakeSpawner records the tasks spawned on it.
type fakeSpawner struct{ tasks []Task }

func (s *fakeSpawner) Spawn(task Task) { s.tasks = append(s.tasks, task) }

// numberedTask is a task that only says which i it was made for.
type numberedTask struct{ i int }

func (numberedTask) Poll(Waker) Poll[struct{}] { return Ready(struct{}{}) }

func TestAsyncMainSpawnsRequestsInOrderAndIsDone(t *testing.T) {
	spawner := &fakeSpawner{}
	m := NewAsyncMain(3, spawner, func(i int) Task { return numberedTask{i} })

	p := m.Poll(testWaker(1))

	require.True(t, p.Ready, "async_main has no await: its first poll runs it to the end")
	assert.Equal(t, []Task{numberedTask{0}, numberedTask{1}, numberedTask{2}}, spawner.tasks)
	assert.ErrorIs(t, m.Poll(testWaker(1)).Err, errPolledAfterDone, "polling it again must not spawn again")
	assert.Len(t, spawner.tasks, 3)
}
