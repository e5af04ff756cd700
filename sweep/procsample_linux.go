//go:build linux

// procsample_linux.go reads what the sweep samples of a running child on
// Linux, from /proc/PID/status: "Threads:", the kernel's count of its
// threads, and "VmHWM:", the high-water mark of its resident memory.
//
// The peak memory comes from VmHWM and not from the rusage that wait4 hands
// over: Linux counts in that rusage's ru_maxrss the memory the process had
// before it called exec, and Go starts a child with vfork, sharing the
// sweep's own memory until the exec. So ru_maxrss is at least the sweep's
// size; a child that never used 2 MiB reads as 200 MiB under a parent of
// 200 MiB. VmHWM belongs to the memory of the program after exec alone.

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// sampleNote says how the child's threads and memory are measured, for the
// output.
const sampleNote = "peak OS threads and peak RSS (VmHWM) sampled from /proc/PID/status"

// sampleProcess reads process pid's threads and peak RSS so far.
func sampleProcess(pid int) (procSample, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, err
	}
	return parseStatus(data)
}

// parseStatus reads the "Threads:" and "VmHWM:" lines of a /proc/PID/status
// file. A process that has exited and not been reaped yet has no memory and
// no VmHWM line; that is an error too, as nothing is left to sample.
func parseStatus(status []byte) (procSample, error) {
	var s procSample
	var haveThreads, haveHWM bool
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil || n < 1 {
				return procSample{}, fmt.Errorf("bad Threads line %q in /proc status", strings.TrimSpace(line))
			}
			s.threads, haveThreads = n, true
		}
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil || kb < 0 {
				return procSample{}, fmt.Errorf("bad VmHWM line %q in /proc status", strings.TrimSpace(line))
			}
			s.peakRSSKB, haveHWM = kb, true
		}
	}
	if !haveThreads || !haveHWM {
		return procSample{}, fmt.Errorf("no Threads or VmHWM line in /proc status (has the process exited?)")
	}
	s.threadsMeasured, s.rssMeasured = true, true
	return s, nil
}
