//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sleepsInEpollWait reports whether some thread of the process is asleep in
// the kernel in epoll_wait (or epoll_pwait) on epfd with no timeout (-1),
// read from /proc/self/task/*/syscall: the number of the system call a
// thread is blocked in, then its arguments in hex. The first argument is the
// epoll fd and the fourth the timeout. A loop that polls with a timeout of 0
// is never seen there with -1, however busy or quiet the machine is.
func sleepsInEpollWait(t *testing.T, epfd int) bool {
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

// asleepShare samples sleepsInEpollWait every millisecond for window and
// returns the share of samples in which the loop was asleep.
func asleepShare(t *testing.T, epfd int, window time.Duration) float64 {
	t.Helper()
	samples, asleep := 0, 0
	for deadline := time.Now().Add(window); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		samples++
		if sleepsInEpollWait(t, epfd) {
			asleep++
		}
	}
	return float64(asleep) / float64(max(samples, 1))
}

func TestEventLoopSleepsInTheKernelWhileNothingHappens(t *testing.T) {
	r := newIdleLoopReactor(t)
	epfd := r.poller.epfd

	deadline := time.Now().Add(5 * time.Second)
	for !sleepsInEpollWait(t, epfd) {
		if time.Now().After(deadline) {
			t.Fatalf("in 5s the reactor's thread was never seen asleep in epoll_wait on its epoll fd with no timeout: the event loop must wait for ever (-1) when nothing happens, not poll with a timeout of 0, which spins at 100%% CPU")
		}
		time.Sleep(time.Millisecond)
	}
	if share := asleepShare(t, epfd, 300*time.Millisecond); share < 0.8 {
		t.Errorf("while nothing happened, the reactor's thread was asleep in epoll_wait in only %.0f%% of the samples taken over 300ms: the event loop must wait for ever (-1), not spin", 100*share)
	}
}
