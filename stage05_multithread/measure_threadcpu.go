//go:build linux || freebsd

// measure_nanosleep.go gives the thread sampler its pause and its own CPU
// time on the systems that have nanosleep(2) in x/sys/unix and a per-thread
// getrusage (RUSAGE_THREAD): Linux and FreeBSD.

package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPUTime is the user plus system CPU time of the calling OS thread.
func threadCPUTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		// Cannot fail for the calling thread; zero rather than a guess.
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pauseThread puts the calling OS thread to sleep in the kernel for d,
// without waking the Go scheduler the way a timer would.
func pauseThread(d time.Duration) {
	pause := unix.NsecToTimespec(d.Nanoseconds())
	// A signal may cut the sleep short (EINTR); that only means an early
	// sample.
	_ = unix.Nanosleep(&pause, nil)
}
