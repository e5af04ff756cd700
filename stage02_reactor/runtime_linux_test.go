//go:build linux

// The test that Wait survives a signal, which needs Linux: it finds the
// waiting thread's current system call and pending signals in /proc, and
// signals that one thread with tgkill.

package main

import (
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

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestWaitRetriesWhenInterruptedBySignal(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	if _, err := os.Stat("/proc/thread-self/syscall"); err != nil {
		t.Skipf("this kernel does not show a thread's current system call (%v), which the test needs to know when to send the signal", err)
	}

	// Wait runs on a thread of its own, so that the test knows which thread
	// to interrupt and can watch it through /proc.
	type result struct {
		events   []int
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
	for !blockedOnFD(t, tid, rt.poller.epfd) {
		select {
		case res := <-done:
			earlyReturn(res, "before anything happened: with no timeout it must block until an event")
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the thread running Wait(forever) was not blocked in epoll_wait on fd %d within 5s", rt.poller.epfd)
		}
	}

	// Step 2: interrupt it. SIGURG is the signal the Go runtime itself uses
	// to preempt goroutines, so Go ignores it, but it still makes the
	// blocked epoll_wait return EINTR.
	require.NoError(t, unix.Tgkill(unix.Getpid(), tid, unix.SIGURG))

	// Step 3: once the signal has been handled, a correct Wait is back in
	// epoll_wait; one that gave up on EINTR has returned.
	deadline = time.Now().Add(5 * time.Second)
	for signalPending(t, tid, unix.SIGURG) || !blockedOnFD(t, tid, rt.poller.epfd) {
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
		assert.Equal(t, []int{r}, res.events, "the pipe became readable, so Wait must return its fd")
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
