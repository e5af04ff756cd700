//go:build linux

package stagetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestSleepsInEpollWaitSeesOnlyAWaitWithNoTimeoutOnThatFD(t *testing.T) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	require.NoError(t, err)
	other, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(other) })
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(wake) })
	require.NoError(t, unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wake)}))

	assert.False(t, SleepsInEpollWait(t, epfd), "nobody waits on the fd yet")

	done := make(chan struct{})
	go func() {
		defer close(done)
		events := make([]unix.EpollEvent, 1)
		for {
			if _, err := unix.EpollWait(epfd, events, -1); err != unix.EINTR {
				return
			}
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !SleepsInEpollWait(t, epfd) {
		require.True(t, time.Now().Before(deadline), "a goroutine blocked in epoll_wait(-1) on the fd was not seen within 5s")
		time.Sleep(time.Millisecond)
	}
	assert.False(t, SleepsInEpollWait(t, other), "a wait on another epoll fd does not count")

	_, err = unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	require.NoError(t, err)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter did not wake")
	}
	require.NoError(t, unix.Close(epfd))
}
