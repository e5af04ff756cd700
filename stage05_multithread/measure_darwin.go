//go:build darwin

// measure_darwin.go is how measure.go counts threads on macOS, where there is
// no /proc and the kernel's thread count of a process (proc_pidinfo, or the
// Mach task_threads call) is reachable only through cgo.
//
// What it counts instead is the Go runtime's own list of OS threads (its
// "M"s), through runtime.ThreadCreateProfile. Despite the profile's name it
// is not a count of threads ever created: the runtime takes a thread off the
// list when the thread exits (a goroutine that ends while locked to its
// thread takes the thread with it), so the length of the list is the number
// of threads the runtime runs right now. For this program, which starts no
// threads outside the Go runtime, that is its OS thread count; a build with
// cgo may show one more, a spare the runtime keeps for calls from C. It can
// only be had from inside the process, so the parent of the threads mode
// cannot watch its child: the child reports its own peak.

package main

import (
	"errors"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// maxRSSUnit is the unit of getrusage's ru_maxrss on macOS: bytes.
const maxRSSUnit = 1

// goThreadCounter counts the OS threads the Go runtime of this process runs.
type goThreadCounter struct{}

func (goThreadCounter) count() (int, error) {
	n, _ := runtime.ThreadCreateProfile(nil)
	return n, nil
}

func (goThreadCounter) close() {}

// errThreadCountUnknown is the count of another process on macOS.
var errThreadCountUnknown = errors.New("macOS tells the thread count of another process only through cgo")

// unknownThreadCounter stands for a count macOS does not give: every count
// fails, so a sampler using it reports 0 (nothing seen), never a guess.
type unknownThreadCounter struct{}

func (unknownThreadCounter) count() (int, error) { return 0, errThreadCountUnknown }

func (unknownThreadCounter) close() {}

// newThreadCounter counts this process's threads; those of any other process
// are unknown.
func newThreadCounter(pid int) threadCounter {
	if pid == os.Getpid() {
		return goThreadCounter{}
	}
	return unknownThreadCounter{}
}

// threadCPUTime is the user plus system CPU time of the calling OS thread.
// macOS has no RUSAGE_THREAD; its per-thread CPU clock gives the same.
func threadCPUTime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
