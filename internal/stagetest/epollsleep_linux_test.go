//go:build linux

package stagetest

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The waiter below sleeps on an epoll fd with nothing registered, so no
// event can end its wait; a signal sent to its own thread does (EINTR), and
// the flag tells it to stop instead of waiting again. SIGURG is the signal
// the Go runtime already uses to preempt goroutines, so sending it is safe.
func TestSleepsInEpollWaitSeesOnlyAWaitWithNoTimeoutOnThatFD(t *testing.T) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(epfd) })
	other, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(other) })

	assert.False(t, SleepsInEpollWait(t, epfd), "nobody waits on the fd yet")

	var stop atomic.Bool
	tid := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		events := make([]unix.EpollEvent, 1)
		for !stop.Load() {
			unix.EpollWait(epfd, events, -1)
		}
	}()
	waiter := <-tid
	deadline := time.Now().Add(5 * time.Second)
	for !SleepsInEpollWait(t, epfd) {
		require.True(t, time.Now().Before(deadline), "a goroutine blocked in epoll_wait(-1) on the fd was not seen within 5s")
		time.Sleep(time.Millisecond)
	}
	assert.False(t, SleepsInEpollWait(t, other), "a wait on another epoll fd does not count")

	stop.Store(true)
	deadline = time.Now().Add(5 * time.Second)
	for {
		require.NoError(t, unix.Tgkill(unix.Getpid(), waiter, unix.SIGURG))
		select {
		case <-done:
			return
		case <-time.After(time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the waiter did not wake within 5s of being signalled")
	}
}
