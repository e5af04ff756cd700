//go:build darwin || freebsd

package main

import (
	"errors"
	"time"
)

// processCPU would read a running process's CPU time; macOS and FreeBSD
// have no /proc for it, so the delay server's CPU is given only for its
// whole life (its rusage once stopped), not per run.
func processCPU(int) (time.Duration, error) {
	return 0, errors.New("the CPU time of a running process is read from /proc, which only Linux has")
}
