//go:build linux || freebsd

// threads_socket_cloexec.go opens the threads mode's blocking sockets on the
// systems whose socket(2) takes SOCK_CLOEXEC: Linux and FreeBSD.

package main

import "golang.org/x/sys/unix"

// blockingSocket opens a blocking TCP socket of the given domain. No
// SOCK_NONBLOCK; SOCK_CLOEXEC keeps the socket out of any process we start,
// set in the same system call so no fork can come in between.
func blockingSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}
