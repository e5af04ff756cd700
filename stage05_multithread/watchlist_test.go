//go:build linux || darwin || freebsd

// Test helpers that check a registration by asking the kernel what it has
// been told to watch, without collecting any event: a test of Register must
// neither depend on the poller's wait (another exercise) nor repeat the
// answer of wait or add itself. kernelWatch, in poller_epoll_test.go and
// poller_kqueue_test.go, reads the kernel's side.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// watchedFD is what the poller has asked the kernel to report for one fd.
type watchedFD struct {
	id      int  // the registration id its events carry
	reads   bool // bytes to read (EPOLLIN, EVFILT_READ)
	writes  bool // room to write (EPOLLOUT, EVFILT_WRITE)
	hangUps bool // the peer shutting down its side (EPOLLRDHUP; on kqueue EV_EOF comes with EVFILT_READ)
	edge    bool // each change reported once (EPOLLET; see kernelShowsEdge)
}

// requireWatched returns what the kernel watches for fd, and fails the
// test if it watches nothing.
func requireWatched(t *testing.T, p *poller, fd int) watchedFD {
	t.Helper()
	w, ok := kernelWatch(t, p, fd)
	require.True(t, ok, "after Register the fd %d must be on the poller's watch list (epoll_ctl with EPOLL_CTL_ADD, kevent with EV_ADD)", fd)
	return w
}

// assertSocketInterest checks that fd is watched as a socket must be, for
// every change the runtime cares about, under registration id.
func assertSocketInterest(t *testing.T, p *poller, fd, id int) {
	t.Helper()
	w := requireWatched(t, p, fd)
	assert.Equal(t, id, w.id, "the events of fd %d must carry its registration id", fd)
	assert.True(t, w.reads, "fd %d must be watched for bytes to read (EPOLLIN, EVFILT_READ)", fd)
	assert.True(t, w.writes, "fd %d must be watched for room to write (EPOLLOUT, EVFILT_WRITE): a connecting socket says it is connected that way", fd)
	assert.True(t, w.hangUps, "fd %d must be watched for the peer hanging up (EPOLLRDHUP, EV_EOF): with Connection: close that ends the answer", fd)
	if kernelShowsEdge {
		assert.True(t, w.edge, "fd %d must be edge-triggered (EPOLLET, EV_CLEAR): a change reported once, not again on every wait while it lasts", fd)
	}
}

// assertNotWatched checks that the kernel watches nothing for fd.
func assertNotWatched(t *testing.T, p *poller, fd int, why string) {
	t.Helper()
	w, ok := kernelWatch(t, p, fd)
	assert.False(t, ok, "%s; the poller still watches fd %d: %+v", why, fd, w)
}
