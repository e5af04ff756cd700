//go:build linux

// This file opens the HTTP future's socket on Linux; socket_bsd.go does the
// same on macOS and FreeBSD.

package main

import "golang.org/x/sys/unix"

// newSocket opens a TCP socket for domain (AF_INET or AF_INET6) that is
// non-blocking, so that no call on it ever waits, and closed on exec, so
// that a program started by this one does not inherit it.
//
// Linux takes both as flags of socket(2) itself: one system call, and no
// moment at which the fd exists without them.
func newSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}
