//go:build linux || darwin || freebsd

// limits_sysctl.go describes the limits on threads that macOS and FreeBSD
// publish as sysctls, and turns readings of them into ThreadLimits.
// limits_darwin.go and limits_freebsd.go read them with unix.SysctlUint32;
// everything here is plain logic on the values read, built on every system
// so that its tests (the "limit that cannot be read" path above all) run
// wherever the workbook's tests run.
//
// On both systems RLIMIT_NPROC (ulimit -u) counts processes, not threads,
// and kern.maxproc and kern.maxprocperuid bound processes too: the threads
// mode runs one child process, so none of them is a limit on its threads.

package main

import (
	"fmt"
	"strconv"
	"strings"
)

// sysctlThreadLimit is one limit on threads that the kernel publishes as a
// sysctl holding a 32-bit number.
type sysctlThreadLimit struct {
	// Sysctl is the name to read, e.g. "kern.num_taskthreads".
	Sysctl string
	// Name says which limit it is, as the error message shows it.
	Name string
	// Writable says whether root can change it with sysctl(8); the
	// read-only ones are set by the kernel at boot.
	Writable bool
}

// darwinThreadSysctls are macOS's limits on threads: per process and for
// the whole system, both read-only. The threads mode's child is a new
// process, so nothing else uses its per-process limit; how much of the
// system-wide one other processes use, macOS does not say without cgo.
var darwinThreadSysctls = []sysctlThreadLimit{
	{Sysctl: "kern.num_taskthreads", Name: "macOS's limit on threads per process (kern.num_taskthreads)"},
	{Sysctl: "kern.num_threads", Name: "macOS's limit on threads in the whole system (kern.num_threads)"},
}

// freebsdThreadSysctls are FreeBSD's limits on threads: per process, 1500
// unless changed, which a root user can raise at run time.
var freebsdThreadSysctls = []sysctlThreadLimit{
	{Sysctl: "kern.threads.max_threads_per_proc", Name: "FreeBSD's limit on threads per process (kern.threads.max_threads_per_proc)", Writable: true},
}

// sysctlReader reads one numeric sysctl: unix.SysctlUint32 on macOS and
// FreeBSD, a fake in the tests.
type sysctlReader func(name string) (uint32, error)

// sysctlThreadLimits reads each limit with read. A limit that cannot be read
// (a kernel without it, a sandbox that hides it) is left out rather than
// guessed: the run goes on, and the child process still reports what no
// check foresaw. InUse stays 0: none of these systems says, without cgo, how
// much of a limit is already taken.
func sysctlThreadLimits(defs []sysctlThreadLimit, read sysctlReader) []ThreadLimit {
	var limits []ThreadLimit
	for _, def := range defs {
		value, err := read(def.Sysctl)
		if err != nil {
			continue
		}
		l := ThreadLimit{Name: def.Name, Max: int64(value)}
		if def.Writable {
			l.Raise = func(need int64) string {
				return fmt.Sprintf("raise it with sudo sysctl %s=%d", def.Sysctl, need)
			}
		}
		limits = append(limits, l)
	}
	return limits
}

// describeSysctlLimits lists the limits with their current values, for the
// message that explains a child that died for want of a thread: e.g.
// "kern.num_taskthreads (4096), kern.num_threads (unknown)". A limit that
// cannot be read is named with "unknown" rather than left out, because it
// may well be the one that stopped the child.
func describeSysctlLimits(defs []sysctlThreadLimit, read sysctlReader) string {
	parts := make([]string, 0, len(defs))
	for _, def := range defs {
		value := "unknown"
		if n, err := read(def.Sysctl); err == nil {
			value = strconv.FormatUint(uint64(n), 10)
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", def.Sysctl, value))
	}
	return strings.Join(parts, ", ")
}
