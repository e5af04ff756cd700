//go:build darwin || freebsd

// Test helpers that ask the kernel what the kqueue watches, one filter at a
// time with a change that alters nothing, so that a test of Register
// depends neither on the poller's wait (another exercise) nor on a
// registration of its own.

package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// pollerFDs is how many fds a reactor's poller owns on kqueue systems: the
// kqueue alone, since its interrupt (EVFILT_USER) needs no fd.
const pollerFDs = 1

// kernelShowsEdge says whether kernelWatch can tell an edge-triggered
// registration: kqueue keeps a filter's flags (EV_CLEAR) to itself, so on
// macOS and FreeBSD the tests that see events are the ones that notice a
// missing EV_CLEAR.
const kernelShowsEdge = false

// kernelWatch reports what the kqueue watches for fd: its filters, from the
// kernel, and its registration id, from the poller's table (kqueue events
// carry the fd, and the table turns it into the id). ok is false if
// neither the kernel nor the table knows fd.
func kernelWatch(t *testing.T, p *poller, fd int) (w watchedFD, ok bool) {
	t.Helper()
	reads := kqueueHasFilter(t, p.kq, fd, unix.EVFILT_READ)
	writes := kqueueHasFilter(t, p.kq, fd, unix.EVFILT_WRITE)
	p.mu.Lock()
	id, known := p.ids[fd]
	p.mu.Unlock()
	if !reads && !writes && !known {
		return watchedFD{}, false
	}
	return watchedFD{id: id, reads: reads, writes: writes, hangUps: reads}, true
}

// kqueueHasFilter asks the kqueue whether it holds filter for fd. EV_ENABLE
// on a filter that is there (and enabled, as add leaves it) changes nothing
// and succeeds; on one that is not there it fails with ENOENT. EV_RECEIPT
// makes kevent answer the change in the one-slot event list rather than
// return any pending event, so nothing is collected.
func kqueueHasFilter(t *testing.T, kq, fd, filter int) bool {
	t.Helper()
	var probe unix.Kevent_t
	unix.SetKevent(&probe, fd, filter, unix.EV_ENABLE|unix.EV_RECEIPT)
	answer := make([]unix.Kevent_t, 1)
	var noWait unix.Timespec
	n, err := unix.Kevent(kq, []unix.Kevent_t{probe}, answer, &noWait)
	require.NoError(t, err, "asking the kqueue about filter %d of fd %d", filter, fd)
	require.Equal(t, 1, n, "kevent must answer the EV_RECEIPT change")
	switch errno := unix.Errno(answer[0].Data); errno {
	case 0:
		return true
	case unix.ENOENT:
		return false
	default:
		require.NoError(t, errno, "asking the kqueue about filter %d of fd %d", filter, fd)
		return false
	}
}

// osThreads would count the process's OS threads; without /proc there is no
// cheap portable way, so the test that needs it is skipped.
func osThreads(t *testing.T) int {
	t.Helper()
	t.Skip("counting OS threads needs /proc/self/status (Linux)")
	return 0
}
