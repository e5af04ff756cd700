//go:build darwin

// limits_darwin.go reads the limits on threads that macOS imposes, through
// sysctl (the names and what they mean are in limits_sysctl.go).

package main

import "golang.org/x/sys/unix"

// outOfMemoryHint is what a child killed by SIGKILL most likely met: under
// memory pressure macOS kills processes (its "jetsam") and notes it in the
// unified log.
const outOfMemoryHint = "perhaps macOS ran out of memory (see log show --last 10m)"

// osThreadLimits reads macOS's limits on threads; one that cannot be read is
// left out.
func osThreadLimits() []ThreadLimit {
	return sysctlThreadLimits(darwinThreadSysctls, unix.SysctlUint32)
}

// osThreadSuspects lists the limits that can make macOS refuse a thread, with
// their values, for the message that explains a child that died of it.
func osThreadSuspects() string {
	return describeSysctlLimits(darwinThreadSysctls, unix.SysctlUint32) + ", free memory"
}
