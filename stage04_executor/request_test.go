//go:build linux || darwin || freebsd

// Tests for request(i) and async_main. The request's HTTP future and the
// executor are test doubles, so these tests depend on neither sockets nor
// the executor.

package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestPathAsksForISecondsAndNamesI(t *testing.T) {
	assert.Equal(t, "/0/HelloWorld0", requestPath(0))
	assert.Equal(t, "/3000/HelloWorld3", requestPath(3))
}

// oneRequest returns a get that hands out f and records the paths asked for.
func oneRequest(f Future[string], paths *[]string) func(string) Future[string] {
	return func(path string) Future[string] {
		*paths = append(*paths, path)
		return f
	}
}

func TestRequestStartsItsGetOnFirstPoll(t *testing.T) {
	var paths []string
	get := &fakeFuture[string]{pendingPolls: 1, result: Ready("HelloWorld2")}
	r := NewRequest(2, &bytes.Buffer{}, oneRequest(get, &paths))
	require.Empty(t, paths, "NewRequest must not start anything: a future does no work until polled")

	p := r.Poll(testWaker(1))

	assert.False(t, p.Ready)
	assert.Equal(t, []string{"/2000/HelloWorld2"}, paths)
	assert.Equal(t, 1, get.polls, "the GET must be polled in the poll that creates it: polling is what starts it")
}

func TestRequestPassesItsWakerToTheGet(t *testing.T) {
	var paths []string
	get := &fakeFuture[string]{pendingPolls: 2, result: Ready("x")}
	r := NewRequest(0, &bytes.Buffer{}, oneRequest(get, &paths))
	w1, w2 := testWaker(1), testWaker(2)

	r.Poll(w1)
	r.Poll(w2)

	assert.Equal(t, []Waker{w1, w2}, get.wakers, "each poll must hand the GET the waker of that poll")
}

func TestRequestPrintsBodyAndFinishes(t *testing.T) {
	var out bytes.Buffer
	var paths []string
	r := NewRequest(1, &out, oneRequest(&fakeFuture[string]{pendingPolls: 1, result: Ready("HelloWorld1")}, &paths))

	require.False(t, r.Poll(testWaker(1)).Ready)
	p := r.Poll(testWaker(1))

	require.True(t, p.Ready)
	require.NoError(t, p.Err)
	assert.Equal(t, "HelloWorld1\n", out.String())
	assert.ErrorIs(t, r.Poll(testWaker(1)).Err, errPolledAfterDone, "a finished request must not run again")
}

func TestRequestPassesOnGetError(t *testing.T) {
	var out bytes.Buffer
	var paths []string
	refused := errors.New("connection refused")
	r := NewRequest(0, &out, oneRequest(&fakeFuture[string]{result: Failed[string](refused)}, &paths))

	p := r.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, refused)
	assert.Empty(t, out.String(), "a failed request has no body to print")
}

func TestRequestCloseClosesTheGetItAwaits(t *testing.T) {
	var paths []string
	get := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 10}}
	r := NewRequest(0, &bytes.Buffer{}, oneRequest(get, &paths))
	require.False(t, r.Poll(testWaker(1)).Ready)

	require.NoError(t, r.Close())

	assert.Equal(t, 1, get.closed, "closing the request must close the GET it waits for, so its socket is released")
}

// fakeSpawner records the tasks spawned on it.
type fakeSpawner struct{ tasks []Task }

func (s *fakeSpawner) Spawn(task Task) { s.tasks = append(s.tasks, task) }

// numberedTask is a task that only says which i it was made for.
type numberedTask struct{ i int }

func (numberedTask) Poll(Waker) Poll[struct{}] { return Ready(struct{}{}) }

func TestAsyncMainPrintsStartAndSpawnsRequestsInOrder(t *testing.T) {
	var out bytes.Buffer
	spawner := &fakeSpawner{}
	m := NewAsyncMain(&out, 3, spawner, func(i int) Task { return numberedTask{i} })

	p := m.Poll(testWaker(1))

	require.True(t, p.Ready, "async_main has no await: its first poll runs it to the end")
	assert.Equal(t, "Program starting\n", out.String())
	assert.Equal(t, []Task{numberedTask{0}, numberedTask{1}, numberedTask{2}}, spawner.tasks,
		"async_main must spawn request(i) for i = 0, 1, 2, in that order, and not run them itself")
}

func TestAsyncMainRunsOnce(t *testing.T) {
	spawner := &fakeSpawner{}
	m := NewAsyncMain(&bytes.Buffer{}, 2, spawner, func(i int) Task { return numberedTask{i} })
	require.True(t, m.Poll(testWaker(1)).Ready)

	p := m.Poll(testWaker(1))

	assert.ErrorIs(t, p.Err, errPolledAfterDone)
	assert.Len(t, spawner.tasks, 2, "polling a finished async_main must not spawn again")
}
