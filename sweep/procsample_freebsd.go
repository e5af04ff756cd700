//go:build freebsd

// procsample_freebsd.go counts a running child's threads on FreeBSD, which
// has no /proc by default: the sysctl kern.proc.pid.PID returns the
// process's struct kinfo_proc, whose ki_numthreads is the kernel's count.
// The peak memory comes from the child's rusage once it has exited.

package main

import "golang.org/x/sys/unix"

// sampleNote says how the child's threads and memory are measured, for the
// output.
const sampleNote = "peak OS threads sampled with the sysctl kern.proc.pid, peak RSS from the child's rusage"

// sampleProcess reads process pid's threads.
func sampleProcess(pid int) (procSample, error) {
	buf, err := unix.SysctlRaw("kern.proc.pid", pid)
	if err != nil {
		return procSample{}, err
	}
	n, err := kinfoProcThreads(buf, pid)
	if err != nil {
		return procSample{}, err
	}
	return procSample{threads: n, threadsMeasured: true}, nil
}
