// Tests for the Runtime: its epoll fd, Wait, and BlockOn. The fds they wait
// on are added with epoll_ctl directly, and the futures are test doubles, so
// these tests depend neither on the Registry nor on the HTTP future.

package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// watchRaw adds fd to the runtime's epoll instance for edge-triggered reads,
// without going through the Registry.
func watchRaw(t *testing.T, rt *Runtime, fd int) {
	t.Helper()
	event := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(fd)}
	require.NoError(t, unix.EpollCtl(rt.epfd, unix.EPOLL_CTL_ADD, fd, &event))
}

// pipeFuture is a test double for a future that waits on I/O: it is pending
// until a byte can be read from its pipe. The first poll closes started, so
// a test can make the pipe readable only once the future is waiting.
type pipeFuture struct {
	r       int
	polls   int
	started chan struct{}
}

// Poll implements Future.
func (p *pipeFuture) Poll() Poll[string] {
	p.polls++
	if p.polls == 1 {
		close(p.started)
	}
	var b [1]byte
	_, err := unix.Read(p.r, b[:])
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
		t.Fatalf("BlockOn did not return within 5s: does it wait for an event nobody will send, or never poll again?")
		var zero T
		return zero, nil
	}
}

func TestNewRuntimeOpensOneFDAndCloseReleasesIt(t *testing.T) {
	before := openFDs(t)

	rt, err := NewRuntime(&strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, before+1, openFDs(t), "a runtime must own exactly one fd: its epoll instance")
	require.NoError(t, rt.Close())

	assert.Equal(t, before, openFDs(t), "Close must close the epoll fd")
	assert.NoError(t, rt.Close(), "closing a runtime twice must be harmless")
}

func TestWaitReturnsNoEventsWhenNothingIsReady(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := newPipe(t)
	watchRaw(t, rt, r)

	events, err := rt.Wait(0)

	require.NoError(t, err)
	assert.Empty(t, events, "an empty pipe is not readable, so a Wait that only looks must find nothing")
}

func TestWaitReturnsEventOfReadyFD(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := newPipe(t)
	watchRaw(t, rt, r)
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)

	events, err := rt.Wait(5 * time.Second)

	require.NoError(t, err)
	require.Len(t, events, 1, "the pipe became readable, so Wait must return its event")
	assert.Equal(t, int32(r), events[0].Fd)
}

func TestWaitReportsErrorOfClosedRuntime(t *testing.T) {
	rt, err := NewRuntime(&strings.Builder{})
	require.NoError(t, err)
	require.NoError(t, rt.Close())

	_, err = rt.Wait(0)

	assert.Error(t, err, "waiting on a closed epoll fd must fail with an error, not hang or panic")
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
	r, w := newPipe(t)
	watchRaw(t, rt, r)
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
	assert.Equal(t, 2, f.polls, "BlockOn must poll, wait in epoll until the pipe is readable, and poll once more; more polls mean it polled without waiting")
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
	r, _ := newPipe(t)
	watchRaw(t, rt, r)
	const timeout = 300 * time.Microsecond

	start := time.Now()
	events, err := rt.Wait(timeout)
	elapsed := time.Since(start)

	require.NoError(t, err)
	assert.Empty(t, events, "nothing was written to the pipe, so there is no event")
	assert.GreaterOrEqual(t, elapsed, timeout,
		"Wait(%v) returned after %v: epoll_wait counts in whole milliseconds, so round a partial one up; rounding down to 0 only looks and does not wait", timeout, elapsed)
}

func TestWaitRetriesWhenInterruptedBySignal(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := newPipe(t)
	watchRaw(t, rt, r)
	if _, err := os.Stat("/proc/thread-self/syscall"); err != nil {
		t.Skipf("this kernel does not show a thread's current system call (%v), which the test needs to know when to send the signal", err)
	}

	// Wait runs on a thread of its own, so that the test knows which thread
	// to interrupt and can watch it through /proc.
	type result struct {
		events   []unix.EpollEvent
		err      error
		panicked any
	}
	tids := make(chan int, 1)
	done := make(chan result, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer func() {
			if p := recover(); p != nil {
				done <- result{panicked: p}
			}
		}()
		tids <- unix.Gettid()
		events, err := rt.Wait(forever)
		done <- result{events: events, err: err}
	}()
	// However the test ends, wake a Wait that is still blocked, so that no
	// goroutine outlives the test.
	t.Cleanup(func() {
		_, _ = unix.Write(w, []byte{1})
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			t.Errorf("Wait(forever) did not return even after the pipe became readable")
		}
	})
	tid := <-tids
	earlyReturn := func(res result, why string) {
		t.Helper()
		if res.panicked != nil {
			t.Fatalf("Wait panicked: %v", res.panicked)
		}
		t.Fatalf("Wait(forever) returned %d events and error %v %s", len(res.events), res.err, why)
	}

	// Step 1: wait until the thread sleeps in epoll_wait on our epoll fd.
	deadline := time.Now().Add(5 * time.Second)
	for !blockedOnFD(t, tid, rt.epfd) {
		select {
		case res := <-done:
			earlyReturn(res, "before anything happened: with no timeout it must block until an event")
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the thread running Wait(forever) was not blocked in epoll_wait on fd %d within 5s", rt.epfd)
		}
	}

	// Step 2: interrupt it. SIGURG is the signal the Go runtime itself uses
	// to preempt goroutines, so Go ignores it, but it still makes the
	// blocked epoll_wait return EINTR.
	require.NoError(t, unix.Tgkill(unix.Getpid(), tid, unix.SIGURG))

	// Step 3: once the signal has been handled, a correct Wait is back in
	// epoll_wait; one that gave up on EINTR has returned.
	deadline = time.Now().Add(5 * time.Second)
	for signalPending(t, tid, unix.SIGURG) || !blockedOnFD(t, tid, rt.epfd) {
		select {
		case res := <-done:
			earlyReturn(res, "when a signal interrupted epoll_wait: EINTR only means 'woken for nothing', so call epoll_wait again")
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the signal, the thread running Wait did not go back to epoll_wait within 5s")
		}
	}

	// Step 4: now make the pipe readable; Wait must report it.
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	select {
	case res := <-done:
		require.Nil(t, res.panicked, "Wait panicked")
		require.NoError(t, res.err, "EINTR must be retried inside Wait, not returned")
		require.Len(t, res.events, 1, "the pipe became readable, so Wait must return its event")
		assert.Equal(t, int32(r), res.events[0].Fd)
	case <-time.After(5 * time.Second):
		t.Fatalf("Wait did not return within 5s of the pipe becoming readable")
	}
}

// blockedOnFD reports whether thread tid of this process is in a system
// call whose first argument is fd: for a thread running Wait, epoll_wait
// (or epoll_pwait) on that epoll instance. /proc/<tid>/syscall holds
// "running" while the thread runs, or the call's number and arguments.
func blockedOnFD(t *testing.T, tid, fd int) bool {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/syscall", tid))
	require.NoError(t, err, "reading what the waiting thread is doing")
	fields := strings.Fields(string(data))
	if len(fields) < 2 || fields[0] == "running" {
		return false
	}
	arg, err := strconv.ParseUint(strings.TrimPrefix(fields[1], "0x"), 16, 64)
	return err == nil && arg == uint64(fd)
}

// signalPending reports whether sig has been sent to thread tid but not yet
// handled, from the SigPnd mask in /proc/<tid>/status.
func signalPending(t *testing.T, tid int, sig unix.Signal) bool {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/status", tid))
	require.NoError(t, err, "reading the waiting thread's status")
	for _, line := range strings.Split(string(data), "\n") {
		if mask, ok := strings.CutPrefix(line, "SigPnd:"); ok {
			bits, err := strconv.ParseUint(strings.TrimSpace(mask), 16, 64)
			require.NoError(t, err, "parsing SigPnd %q", mask)
			return bits&(1<<(uint(sig)-1)) != 0
		}
	}
	t.Fatalf("no SigPnd line in /proc/self/task/%d/status", tid)
	return false
}
