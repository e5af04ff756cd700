//go:build linux || darwin || freebsd

// runtime_helpers_test.go holds the test doubles and helpers of the
// runtime's tests (waker, reactor, executor, HTTP future, requests); the
// package's TestMain and shared helpers are in main_test.go.

package main

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// newTestReactor starts a reactor that is closed when the test ends.
func newTestReactor(t *testing.T) *Reactor {
	t.Helper()
	r, err := NewReactor()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close(), "closing the test's reactor") })
	return r
}

// newIdleReactor returns a reactor with a poller and an empty slab of wakers
// but no event loop, its poller closed when the test ends. Tests of
// Register ask the kernel what the poller watches (watchlist_test.go), so
// they do not need the event loop to work.
func newIdleReactor(t *testing.T) *Reactor {
	t.Helper()
	p, err := newPoller()
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.close() })
	return &Reactor{poller: p, loopDone: make(chan struct{})}
}

// testWaker is a waker for task id with a fresh queue and parker of its own,
// so a test can look at what waking it did.
func testWaker(id int) Waker {
	return NewWaker(id, NewReadyQueue(), NewParker())
}

// waitWoken waits until w has been woken (its task id is in its ready
// queue), and fails the test after 5 seconds.
func waitWoken(t *testing.T, w Waker, msgAndArgs ...any) {
	t.Helper()
	select {
	case <-w.parker.token:
	case <-time.After(5 * time.Second):
		require.Fail(t, "the waker was not woken within 5s", msgAndArgs...)
	}
	require.Equal(t, []int{w.id}, w.ready.TakeAll(nil), "a wake must put the task's id on the ready queue before it unparks")
}

// fakeFuture is a test double for any future: it answers Pending for the
// first pendingPolls polls and then result, counts how often it was polled
// and keeps the waker of every poll. It never wakes anybody: use it where
// nothing waits for a wake-up (coroutine and HTTP tests), not under an
// executor.
type fakeFuture[T any] struct {
	pendingPolls int
	result       Poll[T]
	polls        int
	wakers       []Waker
}

// Poll implements Future.
func (f *fakeFuture[T]) Poll(w Waker) Poll[T] {
	f.polls++
	f.wakers = append(f.wakers, w)
	if f.polls <= f.pendingPolls {
		return Pending[T]()
	}
	return f.result
}

// closableFuture is a fake future that, like the HTTP future, holds
// something that must be released: it counts calls to Close.
type closableFuture struct {
	fakeFuture[string]
	closed int
}

// Close implements io.Closer.
func (c *closableFuture) Close() error {
	c.closed++
	return nil
}

// funcTask is a test double for a task under an executor: each poll calls
// poll with the poll's number (from 1) and waker. Its poll count may be read
// from any goroutine while the executor runs.
type funcTask struct {
	polls atomic.Int32
	poll  func(n int, w Waker) Poll[struct{}]
}

// Poll implements Future.
func (f *funcTask) Poll(w Waker) Poll[struct{}] {
	return f.poll(int(f.polls.Add(1)), w)
}

// Polls is how often the task has been polled.
func (f *funcTask) Polls() int { return int(f.polls.Load()) }

// syncBuffer is an io.Writer that tests can read while an executor on
// another goroutine writes to it (syncbuf.Buffer), with waitForLines.
type syncBuffer struct{ syncbuf.Buffer }

// waitForLines waits until line appears n times in the buffer.
func (s *syncBuffer) waitForLines(t *testing.T, line string, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Count(s.String(), line+"\n") >= n }, 5*time.Second, time.Millisecond,
		"waited 5s for %d line(s) %q; output so far:\n%s", n, line, s)
}

// fakeReactor is a test double for the Reactor, as the HTTP future sees it:
// it hands out ids, records every call, keeps the watched fds and the latest
// waker per id, and can be told to refuse Register or SetWaker.
type fakeReactor struct {
	registerErr  error
	setWakerErr  error
	lastID       int
	watched      map[int]int      // id -> fd
	interests    map[int]Interest // id -> what Register asked for
	wakers       map[int]Waker
	calls        []string
	setWakerRuns int
}

// NextID implements Registrar.
func (r *fakeReactor) NextID() int {
	r.lastID++
	return r.lastID
}

// Stopped implements Registrar: the fake reactor stops when told to refuse
// wakers.
func (r *fakeReactor) Stopped() bool { return r.setWakerErr != nil }

// Register implements Registrar.
func (r *fakeReactor) Register(fd, id int, interest Interest) error {
	r.calls = append(r.calls, fmt.Sprintf("register fd %d as %d", fd, id))
	if r.registerErr != nil {
		return r.registerErr
	}
	if r.watched == nil {
		r.watched = map[int]int{}
		r.interests = map[int]Interest{}
	}
	r.watched[id] = fd
	r.interests[id] = interest
	return nil
}

// SetWaker implements Registrar.
func (r *fakeReactor) SetWaker(id int, w Waker) error {
	r.setWakerRuns++
	if len(r.calls) == 0 || r.calls[len(r.calls)-1] != fmt.Sprintf("set waker %d", id) {
		r.calls = append(r.calls, fmt.Sprintf("set waker %d", id))
	}
	if r.setWakerErr != nil {
		return r.setWakerErr
	}
	if r.wakers == nil {
		r.wakers = map[int]Waker{}
	}
	r.wakers[id] = w
	return nil
}

// Forget implements Registrar. Unlike the real reactor it checks that fd
// was registered as id, and it records whether fd was still open: forgetting
// after the close is too late, since the number may belong to a new socket
// by then.
func (r *fakeReactor) Forget(fd, id int) {
	call := fmt.Sprintf("forget fd %d as %d", fd, id)
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		call += " after it was closed"
	}
	if r.watched[id] != fd {
		call += " (not registered)"
	}
	r.calls = append(r.calls, call)
	delete(r.wakers, id)
	delete(r.watched, id)
}

// closableTask is a funcTask that, like a request holding a socket, must be
// closed when abandoned: it counts calls to Close.
type closableTask struct {
	funcTask
	closed atomic.Int32
}

// Close implements io.Closer.
func (c *closableTask) Close() error {
	c.closed.Add(1)
	return nil
}
