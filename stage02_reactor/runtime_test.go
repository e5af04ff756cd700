//go:build linux || darwin || freebsd

// Tests for the Runtime: its poller, Wait, and BlockOn. The fds they wait
// on are registered through the Registry (the learner's own Register, which
// these exercises require), and the futures are test doubles, so these
// tests do not depend on the HTTP future.

package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// pipeFuture is a test double for a future that waits on I/O: it is pending
// until a byte can be read from its pipe. The first poll closes started once
// it has found the pipe empty, so a test can make the pipe readable only
// once the future is waiting (closing it before the read would let a byte
// written at once make the first poll ready).
type pipeFuture struct {
	r       int
	polls   int
	started chan struct{}
}

// Poll implements Future.
func (p *pipeFuture) Poll() Poll[string] {
	p.polls++
	var b [1]byte
	_, err := unix.Read(p.r, b[:])
	if p.polls == 1 {
		close(p.started)
	}
	switch {
	case errors.Is(err, unix.EAGAIN):
		return Pending[string]()
	case err != nil:
		return Failed[string](err)
	}
	return Ready("woken")
}

// blockOnWithDeadline runs BlockOn on its own goroutine so that a BlockOn
// that never returns fails the test instead of hanging it.
func blockOnWithDeadline[T any](t *testing.T, rt *Runtime, f Future[T]) (T, error) {
	t.Helper()
	type result struct {
		value T
		err   error
	}
	done := make(chan result, 1)
	go func() {
		// A panic on this goroutine would kill the whole test binary;
		// turn it into a failure of this test instead.
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("BlockOn panicked: %v", r)}
			}
		}()
		v, err := BlockOn(rt, f)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.value, r.err
	case <-time.After(5 * time.Second):
		t.Fatalf("BlockOn did not return within 5s: does it wait for an event nobody will send, or never poll again?%s", stagetest.StuckNow())
		var zero T
		return zero, nil
	}
}

func TestNewRuntimeOpensOneFDAndCloseReleasesIt(t *testing.T) {
	before := stagetest.OpenFDs(t)

	rt, err := NewRuntime(&strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, before+1, stagetest.OpenFDs(t), "a runtime must own exactly one fd: its epoll instance or kqueue")
	require.NoError(t, rt.Close())

	assert.Equal(t, before, stagetest.OpenFDs(t), "Close must close the poller's fd")
	assert.NoError(t, rt.Close(), "closing a runtime twice must be harmless")
}

func TestWaitReturnsNoEventsWhenNothingIsReady(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	events, err := rt.Wait(0)

	require.NoError(t, err)
	assert.Empty(t, events, "an empty pipe is not readable, so a Wait that only looks must find nothing")
}

func TestWaitReturnsEventOfReadyFD(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)

	events, err := rt.Wait(5 * time.Second)

	require.NoError(t, err)
	assert.Equal(t, []int{r}, events, "the pipe became readable, so Wait must return its fd")
}

func TestWaitReportsErrorOfClosedRuntime(t *testing.T) {
	rt, err := NewRuntime(&strings.Builder{})
	require.NoError(t, err)
	require.NoError(t, rt.Close())

	_, err = rt.Wait(0)

	assert.Error(t, err, "waiting on a closed poller must fail with an error, not hang or panic")
}

func TestBlockOnReturnsValueOfReadyFutureWithoutWaiting(t *testing.T) {
	var out strings.Builder
	rt := newTestRuntime(t, &out)
	f := &fakeFuture[string]{result: Ready("done")}

	v, err := blockOnWithDeadline[string](t, rt, f)

	require.NoError(t, err)
	assert.Equal(t, "done", v)
	assert.Equal(t, 1, f.polls)
	assert.Empty(t, out.String(), "a future that is ready at once needs no wait and no 'Schedule other tasks' line")
}

func TestBlockOnReturnsErrorOfFailedFuture(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	boom := errors.New("boom")

	_, err := blockOnWithDeadline[string](t, rt, &fakeFuture[string]{result: Failed[string](boom)})

	assert.ErrorIs(t, err, boom)
}

func TestBlockOnWaitsForEventInsteadOfPollingAgain(t *testing.T) {
	var out strings.Builder
	rt := newTestRuntime(t, &out)
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	f := &pipeFuture{r: r, started: make(chan struct{})}
	wrote := make(chan error, 1)
	testOver := make(chan struct{})
	t.Cleanup(func() { close(testOver) })
	go func() {
		select {
		case <-f.started:
		case <-testOver: // BlockOn never polled: nothing to wake
			wrote <- nil
			return
		}
		_, err := unix.Write(w, []byte{1})
		wrote <- err
	}()

	v, err := blockOnWithDeadline[string](t, rt, f)

	require.NoError(t, err)
	require.NoError(t, <-wrote, "writing to the pipe to wake the runtime")
	assert.Equal(t, "woken", v)
	assert.Equal(t, 2, f.polls, "BlockOn must poll, wait in the poller until the pipe is readable, and poll once more; more polls mean it polled without waiting")
	assert.Equal(t, "Schedule other tasks\n", out.String(), "one 'Schedule other tasks' line per wait")
}

func TestBlockOnClosesFutureWhenWaitFails(t *testing.T) {
	rt, err := NewRuntime(&strings.Builder{})
	require.NoError(t, err)
	require.NoError(t, rt.Close()) // every Wait will now fail
	f := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1, result: Ready("never")}}

	_, err = blockOnWithDeadline[string](t, rt, f)

	assert.Error(t, err, "BlockOn must return the error of a failed wait")
	assert.Equal(t, 1, f.closed, "when BlockOn gives up on a future it must Close it, so its sockets are released")
}

func TestWaitRoundsPartialMillisecondTimeoutUp(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	const timeout = 300 * time.Microsecond

	start := time.Now()
	events, err := rt.Wait(timeout)
	elapsed := time.Since(start)

	require.NoError(t, err)
	assert.Empty(t, events, "nothing was written to the pipe, so there is no event")
	assert.GreaterOrEqual(t, elapsed, timeout,
		"Wait(%v) returned after %v: epoll_wait counts in whole milliseconds, so round a partial one up; rounding down to 0 only looks and does not wait; and a wait that ends early with nothing (EINTR) must go on for the rest of the timeout", timeout, elapsed)
}
