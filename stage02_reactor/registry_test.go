// Tests for the Registry. They read the kernel's own view of the epoll
// instance (/proc/self/fdinfo) and call epoll_wait directly, so they do not
// depend on Runtime.Wait.

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestRegisterAddsFDWithSocketInterest(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := newPipe(t)

	require.NoError(t, rt.Registry().Register(r))

	watched := epollWatchList(t, rt.epfd)
	require.Contains(t, watched, r, "after Register the fd must be on the epoll instance's watch list (EPOLL_CTL_ADD)")
	want := uint32(unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET)
	assert.Equal(t, want, watched[r]&want,
		"the fd must be watched for EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET (see socketInterest); the kernel shows mask %#x", watched[r])
}

func TestRegisteredFDProducesEventCarryingIt(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := newPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	events := make([]unix.EpollEvent, 4)
	n, err := unix.EpollWait(rt.epfd, events, 5000)

	require.NoError(t, err)
	require.Equal(t, 1, n, "writing to the pipe must make epoll report its registered read end")
	assert.Equal(t, int32(r), events[0].Fd, "the event must carry the fd it is about (set Fd in the EpollEvent)")
	assert.NotZero(t, events[0].Events&unix.EPOLLIN, "the event must say the fd is readable")
}

func TestDeregisterRemovesFD(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := newPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	require.NoError(t, rt.Registry().Deregister(r))

	assert.NotContains(t, epollWatchList(t, rt.epfd), r, "after Deregister the fd must be off the watch list (EPOLL_CTL_DEL)")
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	n, err := unix.EpollWait(rt.epfd, make([]unix.EpollEvent, 4), 0)
	require.NoError(t, err)
	assert.Zero(t, n, "a deregistered fd must produce no events")
}

func TestRegisterTwiceReportsError(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := newPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	err := rt.Registry().Register(r)

	assert.ErrorIs(t, err, unix.EEXIST, "registering an fd twice is a bug and must be reported, not ignored")
}

func TestDeregisterUnknownFDReportsError(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := newPipe(t)

	err := rt.Registry().Deregister(r)

	assert.ErrorIs(t, err, unix.ENOENT, "deregistering an fd that was never registered must be reported")
}
