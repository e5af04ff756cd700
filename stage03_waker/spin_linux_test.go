//go:build linux

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// busyShare samples, every millisecond for window, the state of every
// thread of the process but the test's own (/proc/self/task/*/stat), and
// returns the largest share of samples in which one and the same thread was
// running or ready to run. A thread that waits in the kernel (epoll_wait
// with no timeout, a futex) is asleep; a loop that keeps asking the kernel
// is always running or queued to run, however busy the machine is, which a
// CPU-time measure cannot tell on a loaded machine. Go's own threads (the
// garbage collector, sysmon, the race detector's) run now and then, each a
// small share of the window, so the share is per thread, not summed.
func busyShare(t *testing.T, window time.Duration) float64 {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self := strconv.Itoa(unix.Gettid())
	samples := 0
	busy := map[string]int{} // thread id -> samples in which it ran
	for deadline := time.Now().Add(window); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		stats, err := filepath.Glob("/proc/self/task/*/stat")
		if err != nil {
			t.Fatalf("list the process's threads: %v", err)
		}
		for _, path := range stats {
			tid := filepath.Base(filepath.Dir(path))
			if tid == self {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				continue // the thread has just ended
			}
			// The state follows the command name, which is in parentheses.
			if i := bytes.LastIndexByte(data, ')'); i >= 0 && i+2 < len(data) && data[i+2] == 'R' {
				busy[tid]++
			}
		}
		samples++
	}
	most := 0
	for _, n := range busy {
		most = max(most, n)
	}
	return float64(most) / float64(max(samples, 1))
}

func TestEventLoopSleepsInTheKernelWhileNothingHappens(t *testing.T) {
	newIdleLoopReactor(t)

	share := busyShare(t, 300*time.Millisecond)

	if share > 0.5 {
		t.Errorf("while the reactor had nothing to do, one thread of the process was running in %.0f%% of the samples taken over 300ms: the event loop must wait with no timeout (forever), not poll with a timeout of 0, which spins at 100%% CPU", 100*share)
	}
}
