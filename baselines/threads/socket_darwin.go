//go:build darwin

package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// blockingSocket opens a blocking TCP socket and marks it close-on-exec.
// macOS's socket(2) has no SOCK_CLOEXEC, so the mark takes a second call;
// holding syscall.ForkLock for reading across both keeps os/exec from
// forking in between, as Go's own net package does on such systems.
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
