//go:build darwin || freebsd

// This file opens the HTTP future's socket on macOS and FreeBSD;
// socket_linux.go does the same on Linux.

package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// newSocket opens a TCP socket for domain (AF_INET or AF_INET6) that is
// non-blocking, so that no call on it ever waits, and closed on exec, so
// that a program started by this one does not inherit it.
//
// macOS has no SOCK_NONBLOCK or SOCK_CLOEXEC flags for socket(2), so the
// socket is made first and changed after (FreeBSD has the flags, but one
// path for both is simpler to read). Between socket and CloseOnExec another
// goroutine could fork and exec a child, which would inherit the fd. Go's
// own fork takes syscall.ForkLock for writing; holding it for reading here,
// as the net package does, keeps a fork out of that gap.
func newSocket(domain int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(domain, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
