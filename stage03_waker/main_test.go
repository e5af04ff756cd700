//go:build linux || darwin || freebsd

// This file holds what every test in the package shares: the leak checks
// that run after all tests, and small test doubles and helpers.

package main

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// reactorsStarted counts the reactors the tests started. Stage 03's reactor
// cannot be stopped (stage 04 adds Close), so each one keeps its event-loop
// goroutine and its poller's fd until the test binary exits; the leak checks
// allow exactly those and nothing else.
var reactorsStarted atomic.Int64

// TestMain fails the run if any test leaves a goroutine behind (a delay
// server not closed, a scripted server still waiting) other than the event
// loops of stage 03's unstoppable reactors, or leaves a file descriptor open
// other than their pollers' fds.
func TestMain(m *testing.M) {
	stagetest.ReportStuckBeforeTheDeadline()
	leakcheck.MainAllowingFDs(m, func() int { return int(reactorsStarted.Load()) },
		goleak.IgnoreAnyFunction("github.com/asyncworkbook/asyncgo/stage03_waker.(*Reactor).eventLoop"))
}

// newTestReactor starts a reactor for a test. It keeps running after the
// test (stage 03 has no Close); TestMain allows for it.
func newTestReactor(t *testing.T) *Reactor {
	t.Helper()
	r, err := NewReactor()
	require.NoError(t, err)
	reactorsStarted.Add(1)
	return r
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
	watched      map[int]int // id -> fd
	wakers       map[int]Waker
	calls        []string
	setWakerRuns int
}

// NextID implements Registrar.
func (r *fakeReactor) NextID() int {
	r.lastID++
	return r.lastID
}

// Register implements Registrar.
func (r *fakeReactor) Register(fd, id int) error {
	r.calls = append(r.calls, fmt.Sprintf("register fd %d as %d", fd, id))
	if r.registerErr != nil {
		return r.registerErr
	}
	if r.watched == nil {
		r.watched = map[int]int{}
	}
	r.watched[id] = fd
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

// Deregister implements Registrar.
func (r *fakeReactor) Deregister(fd, id int) error {
	call := fmt.Sprintf("deregister fd %d as %d", fd, id)
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		call += " after it was closed" // too late: the number may be reused
	}
	r.calls = append(r.calls, call)
	delete(r.wakers, id)
	if r.watched[id] != fd {
		return fmt.Errorf("fd %d is not registered as %d", fd, id)
	}
	delete(r.watched, id)
	return nil
}
