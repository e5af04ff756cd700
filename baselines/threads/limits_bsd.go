//go:build darwin || freebsd

// limits_bsd.go reads the limits on threads that macOS and FreeBSD publish
// as sysctls. On both, ulimit -u, kern.maxproc and kern.maxprocperuid count
// processes, not threads, so none of them limits this one process's
// threads. How much of a system-wide limit other processes use, neither
// system says without cgo, so inUse stays 0.

package main

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// threadSysctl is one limit on threads published as a 32-bit sysctl.
type threadSysctl struct {
	sysctl, name string
	// writable: root can change it with sysctl(8); the others are set by
	// the kernel at boot.
	writable bool
}

// threadSysctls are this system's limits on threads.
var threadSysctls = map[string][]threadSysctl{
	"darwin": {
		{sysctl: "kern.num_taskthreads", name: "macOS's limit on threads per process (kern.num_taskthreads)"},
		{sysctl: "kern.num_threads", name: "macOS's limit on threads in the whole system (kern.num_threads)"},
	},
	"freebsd": {
		{sysctl: "kern.threads.max_threads_per_proc", name: "FreeBSD's limit on threads per process (kern.threads.max_threads_per_proc)", writable: true},
	},
}[runtime.GOOS]

// osThreadLimits reads each sysctl; one that cannot be read (a kernel
// without it, a sandbox that hides it) is left out.
func osThreadLimits() []threadLimit {
	var limits []threadLimit
	for _, s := range threadSysctls {
		value, err := unix.SysctlUint32(s.sysctl)
		if err != nil {
			continue
		}
		l := threadLimit{name: s.name, max: int64(value)}
		if s.writable {
			l.raise = func(need int64) string { return fmt.Sprintf("raise it with sudo sysctl %s=%d", s.sysctl, need) }
		}
		limits = append(limits, l)
	}
	return limits
}
