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
			id, ok := p.ids[int(ev.Ident)]
			if ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return ids
	}
}

// osThreads would count the process's OS threads; without /proc there is no
// cheap portable way, so the test that needs it is skipped.
func osThreads(t *testing.T) int {
	t.Helper()
	t.Skip("counting OS threads needs /proc/self/status (Linux)")
	return 0
}
