//go:build freebsd

// limits_freebsd.go reads the limits on threads that FreeBSD imposes,
// through sysctl (the names and what they mean are in limits_sysctl.go).

package main

import "golang.org/x/sys/unix"

// outOfMemoryHint is what a child killed by SIGKILL most likely met: FreeBSD
// kills the largest process when memory and swap run out, and says so in the
// kernel log.
const outOfMemoryHint = "perhaps the kernel ran out of memory (see dmesg)"

// osThreadLimits reads FreeBSD's limits on threads; one that cannot be read
// is left out.
func osThreadLimits() []ThreadLimit {
	return sysctlThreadLimits(freebsdThreadSysctls, unix.SysctlUint32)
}

// osThreadSuspects lists the limits that can make FreeBSD refuse a thread,
// with their values, for the message that explains a child that died of it.
// rctl(8) rules (maxthr) can limit threads too; they are not read here.
func osThreadSuspects() string {
	return describeSysctlLimits(freebsdThreadSysctls, unix.SysctlUint32) + ", rctl(8) rules, free memory"
}
