//go:build linux || darwin || freebsd

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestBlockingSocketIsBlockingAndCloseOnExec(t *testing.T) {
	fd, err := blockingSocket(unix.AF_INET)
	require.NoError(t, err)
	defer unix.Close(fd)

	fdFlags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	require.NoError(t, err)
	assert.NotZero(t, fdFlags&unix.FD_CLOEXEC, "a child process must not inherit the socket")
	statusFlags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	require.NoError(t, err)
	assert.Zero(t, statusFlags&unix.O_NONBLOCK, "the threads mode's sockets block")
	sockType, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	require.NoError(t, err)
	assert.Equal(t, unix.SOCK_STREAM, sockType)
}
