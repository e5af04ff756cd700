//go:build linux || freebsd

package main

import "golang.org/x/sys/unix"

// blockingSocket opens a blocking TCP socket: no SOCK_NONBLOCK, unlike the
// stages' sockets. SOCK_CLOEXEC keeps it out of any program this one starts,
// set in the same system call so that no fork can come in between.
func blockingSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}
