//go:build darwin || freebsd

// Test helpers that look at the kqueue with raw system calls, so that a
// test of Register does not depend on the poller's wait (another exercise).

package main

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// pollerFDs is how many fds a reactor's poller owns on kqueue systems: the
// kqueue alone, since its interrupt (EVFILT_USER) needs no fd.
const pollerFDs = 1

// rawWait calls kevent on the poller once, without going through wait, and
// returns the registration ids of the events, each once (timeout 0: just
// look). A socket's read and write filters are two events, one id.
func rawWait(t *testing.T, p *poller, timeout time.Duration) []int {
	t.Helper()
	events := make([]unix.Kevent_t, 16)
	limit := unix.NsecToTimespec(int64(timeout))
	for {
		n, err := unix.Kevent(p.kq, nil, events, &limit)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		require.NoError(t, err, "kevent in the test")
		p.mu.Lock()
		defer p.mu.Unlock()
		var ids []int
		seen := map[int]bool{}
		for _, ev := range events[:n] {
			reg, ok := p.fds[int(ev.Ident)]
			if ok && !seen[reg.id] {
				seen[reg.id] = true
				ids = append(ids, reg.id)
			}
		}
		return ids
	}
}

// interruptPending reports whether the poller's interrupt is waiting to be
// seen, without taking it: a kqueue is itself readable, for poll(2), while
// it holds an event nobody has collected. The tests that ask register no
// socket, so the user event is the only event it can hold.
func interruptPending(t *testing.T, p *poller) bool {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(p.kq), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	require.NoError(t, err)
	return n > 0
}

// osThreads would count the process's OS threads; without /proc there is no
// cheap portable way, so the test that needs it is skipped.
func osThreads(t *testing.T) int {
	t.Helper()
	t.Skip("counting OS threads needs /proc/self/status (Linux)")
	return 0
}
