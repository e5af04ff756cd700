//go:build linux || freebsd

// measure_threadcpu.go gives the thread sampler its own CPU time on the
// systems that have a per-thread getrusage (RUSAGE_THREAD): Linux and
// FreeBSD. measure_darwin.go has the macOS way.

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
