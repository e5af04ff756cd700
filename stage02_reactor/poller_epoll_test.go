//go:build linux

// Test helpers that look at the epoll instance with raw system calls, so
// that a test of one of the poller's functions does not depend on another
// (a test of add must not need wait to work), and a Linux-only check of
// what the kernel itself says is watched.

package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// watchRaw adds fd to the poller for edge-triggered reads, with fd as its
// id, without going through add.
func watchRaw(t *testing.T, p *poller, fd int) {
	t.Helper()
	event := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET}
	setEventID(&event, fd)
	require.NoError(t, unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &event))
}

// rawWait calls epoll_wait on the poller once, without going through wait,
// and returns the ids of the events (timeout 0: just look).
func rawWait(t *testing.T, p *poller, timeout time.Duration) []int {
	t.Helper()
	events := make([]unix.EpollEvent, 16)
	for {
		n, err := unix.EpollWait(p.epfd, events, int(timeout/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		require.NoError(t, err, "epoll_wait in the test")
		ids := make([]int, n)
		for i, event := range events[:n] {
			ids[i] = eventID(event)
		}
		return ids
	}
}

// epollWatchList reads the kernel's own list of the fds an epoll instance
// watches, with their event masks, from /proc/self/fdinfo.
func epollWatchList(t *testing.T, epfd int) map[int]uint32 {
	t.Helper()
	file, err := os.Open(fmt.Sprintf("/proc/self/fdinfo/%d", epfd))
	require.NoError(t, err, "reading the epoll instance's fdinfo")
	defer file.Close()
	watched := map[int]uint32{}
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		// Lines look like "tfd:        7 events:   80002005 data: ...".
		fields := strings.Fields(scanner.Text())
		if len(fields) < 4 || fields[0] != "tfd:" || fields[2] != "events:" {
			continue
		}
		fd, err := strconv.Atoi(fields[1])
		require.NoError(t, err)
		mask, err := strconv.ParseUint(fields[3], 16, 32)
		require.NoError(t, err)
		watched[fd] = uint32(mask)
	}
	require.NoError(t, scanner.Err())
	return watched
}

func TestRegisterAsksEpollForSocketInterest(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)

	require.NoError(t, rt.Registry().Register(r))

	watched := epollWatchList(t, rt.poller.epfd)
	require.Contains(t, watched, r, "after Register the fd must be on the epoll instance's watch list (EPOLL_CTL_ADD)")
	want := uint32(socketInterest)
	assert.Equal(t, want, watched[r]&want,
		"the fd must be watched for EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET (see socketInterest); the kernel shows mask %#x", watched[r])
}

func TestEventIDRoundTrips(t *testing.T) {
	for _, id := range []int{0, 1, 1<<31 - 1, 1 << 31, 1<<32 + 7, 1<<62 + 3} {
		var ev unix.EpollEvent
		setEventID(&ev, id)
		assert.Equal(t, id, eventID(ev), "eventID must give back the id setEventID stored")
	}
}
