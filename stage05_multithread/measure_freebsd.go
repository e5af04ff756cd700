//go:build freebsd

// measure_freebsd.go is how measure.go counts threads on FreeBSD, which has
// no /proc by default: the sysctl kern.proc.pid.PID returns the process's
// struct kinfo_proc, whose ki_numthreads is the kernel's count of its
// threads, every thread included, for this process or any other of the same
// user.

package main

import (
	"golang.org/x/sys/unix"
)

// maxRSSUnit is the unit of getrusage's ru_maxrss on FreeBSD: kilobytes.
const maxRSSUnit = 1024

// kinfoThreadCounter counts the threads of process pid through sysctl.
type kinfoThreadCounter struct{ pid int }

// newThreadCounter counts the threads of process pid.
func newThreadCounter(pid int) threadCounter { return kinfoThreadCounter{pid: pid} }

// count asks the kernel once. A process that has exited gives ESRCH.
func (c kinfoThreadCounter) count() (int, error) {
	buf, err := unix.SysctlRaw("kern.proc.pid", c.pid)
	if err != nil {
		return 0, err
	}
	return kinfoProcThreads(buf, c.pid)
}

func (kinfoThreadCounter) close() {}
