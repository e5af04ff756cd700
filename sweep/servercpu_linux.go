//go:build linux

// servercpu_linux.go reads how much CPU time a running process has used,
// from the kernel's /proc/PID/stat, so the sweep can charge the delay
// server's CPU to the run during which it was spent.

package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat. The kernel
// reports them in USER_HZ, which Linux fixes at 100 per second on every
// architecture Go runs on, so one tick is 10 ms: a run's server CPU time is
// exact to about 10 ms, plenty against runs that cost hundreds.
const clockTick = 10 * time.Millisecond

// processCPU is the user plus system CPU time of process pid so far, all
// its threads together.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of process %d: %w", pid, err)
	}
	return parseStatCPU(data)
}

// parseStatCPU reads utime and stime, fields 14 and 15 of a /proc/PID/stat
// line. Field 2 is the command name in parentheses and may itself contain
// spaces and parentheses, so the counting starts after the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("bad /proc stat line %q: no command name", truncate(string(stat), 80))
	}
	// After ") " come field 3 (state), 4, ...: utime is the 12th of them.
	fields := bytes.Fields(stat[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("bad /proc stat line %q: too few fields", truncate(string(stat), 80))
	}
	var ticks int64
	for _, f := range [][]byte{fields[utime], fields[stime]} {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad /proc stat line: CPU time %q is not a count of ticks", f)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}
