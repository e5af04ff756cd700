//go:build linux

package stagetest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SleepsInEpollWait reports whether some thread of the process is asleep in
// the kernel in epoll_wait (or epoll_pwait) on epfd with no timeout (-1),
// read from /proc/self/task/*/syscall: the number of the system call a
// thread is blocked in, then its arguments in hex. The first argument is the
// epoll fd and the fourth the timeout. A loop that polls with a timeout of 0
// is never seen there with -1, however busy or quiet the machine is.
func SleepsInEpollWait(t *testing.T, epfd int) bool {
	t.Helper()
	files, err := filepath.Glob("/proc/self/task/*/syscall")
	if err != nil {
		t.Fatalf("list the process's threads: %v", err)
	}
	fd := "0x" + strconv.FormatInt(int64(epfd), 16)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the thread has just ended
		}
		f := strings.Fields(string(data))
		if len(f) < 5 || f[1] != fd {
			continue
		}
		if f[4] == "0xffffffffffffffff" || f[4] == "0xffffffff" {
			return true
		}
	}
	return false
}

// AsleepShare samples SleepsInEpollWait every millisecond for window and
// returns the share of samples in which the loop was asleep.
func AsleepShare(t *testing.T, epfd int, window time.Duration) float64 {
	t.Helper()
	samples, asleep := 0, 0
	for deadline := time.Now().Add(window); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		samples++
		if SleepsInEpollWait(t, epfd) {
			asleep++
		}
	}
	return float64(asleep) / float64(max(samples, 1))
}
