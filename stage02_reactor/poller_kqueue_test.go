//go:build darwin || freebsd

// Test helpers that look at the kqueue with raw system calls, so that a
// test of one of the poller's functions does not depend on another (a test
// of add must not need wait to work).

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// watchRaw adds fd to the poller for edge-triggered reads, with fd as its
// id, without going through add.
func watchRaw(t *testing.T, p *poller, fd int) {
	t.Helper()
	var change unix.Kevent_t
	unix.SetKevent(&change, fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	_, err := unix.Kevent(p.kq, []unix.Kevent_t{change}, nil, nil)
	require.NoError(t, err)
	p.mu.Lock()
	p.ids[fd] = fd
	p.mu.Unlock()
}

// rawWait calls kevent on the poller once, without going through wait, and
// returns the ids of the events (timeout 0: just look), each once.
func rawWait(t *testing.T, p *poller, timeout time.Duration) []int {
	t.Helper()
	events := make([]unix.Kevent_t, 16)
	limit := unix.NsecToTimespec(int64(timeout))
	for {
		n, err := unix.Kevent(p.kq, nil, events, &limit)
		if err == unix.EINTR {
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
