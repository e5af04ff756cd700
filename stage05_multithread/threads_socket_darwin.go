//go:build darwin

// threads_socket_darwin.go opens the threads mode's blocking sockets on
// macOS, whose socket(2) has no SOCK_CLOEXEC flag.

package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// blockingSocket opens a blocking TCP socket of the given domain and marks it
// close-on-exec, to keep it out of any process we start. The mark takes a
// second system call; holding syscall.ForkLock for reading across both keeps
// os/exec from forking in between (it takes the lock for writing), which is
// how Go's own net package does it on such systems.
func blockingSocket(domain int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(domain, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	return fd, nil
}
