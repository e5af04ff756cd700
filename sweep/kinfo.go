//go:build linux || darwin || freebsd

// kinfo.go reads the thread count out of FreeBSD's struct kinfo_proc
// (sys/sys/user.h), the answer of the sysctl kern.proc.pid.PID that
// threads_freebsd.go asks. It is plain byte parsing, built on every system so
// that its tests run wherever the workbook's tests run.
//
// x/sys/unix has no Go type for kinfo_proc on FreeBSD, so the fields we need
// are read at their offsets in the 64-bit layout, where releases have added
// fields by using spare room and left these in place. The record's own size
// and pid are checked, so a 32-bit or otherwise different layout gives an
// error (and no thread figure) rather than a wrong count.

package main

import (
	"encoding/binary"
	"fmt"
)

// Offsets in the 64-bit struct kinfo_proc.
const (
	kinfoProcSize64   = 1088 // ki_structsize on 64-bit systems
	kinfoStructSizeAt = 0    // int ki_structsize
	kinfoPIDAt        = 72   // pid_t ki_pid
	kinfoNumThreadsAt = 596  // int ki_numthreads
)

// kinfoProcThreads returns ki_numthreads of the kinfo_proc record in buf,
// which must be process pid's, in the byte order of this machine.
func kinfoProcThreads(buf []byte, pid int) (int, error) {
	if len(buf) < kinfoProcSize64 {
		return 0, fmt.Errorf("kinfo_proc of %d bytes, shorter than the %d of the 64-bit layout", len(buf), kinfoProcSize64)
	}
	field := func(at int) int { return int(int32(binary.NativeEndian.Uint32(buf[at:]))) }
	if size := field(kinfoStructSizeAt); size != kinfoProcSize64 {
		return 0, fmt.Errorf("kinfo_proc says it is %d bytes; only the 64-bit layout of %d is known", size, kinfoProcSize64)
	}
	if got := field(kinfoPIDAt); got != pid {
		return 0, fmt.Errorf("kinfo_proc is of pid %d, not %d", got, pid)
	}
	n := field(kinfoNumThreadsAt)
	if n < 1 {
		return 0, fmt.Errorf("kinfo_proc of pid %d counts %d threads", pid, n)
	}
	return n, nil
}
