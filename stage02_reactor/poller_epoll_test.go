//go:build linux

// The epoll side of the test helpers: what the kernel itself says an epoll
// instance watches, read from /proc/self/fdinfo, so that a test of add
// needs neither wait nor an epoll_ctl of its own.

package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// kernelShowsEdge says whether kernelWatch can tell an edge-triggered
// registration: epoll shows EPOLLET in the mask of each watched fd.
const kernelShowsEdge = true

// kernelWatch reports what the epoll instance watches for fd, from the
// kernel's own list; ok is false if it does not watch fd.
func kernelWatch(t *testing.T, p *poller, fd int) (w watchedFD, ok bool) {
	t.Helper()
	e, ok := epollWatchList(t, p.epfd)[fd]
	if !ok {
		return watchedFD{}, false
	}
	return watchedFD{
		id:      int(e.data),
		reads:   e.mask&unix.EPOLLIN != 0,
		writes:  e.mask&unix.EPOLLOUT != 0,
		hangUps: e.mask&unix.EPOLLRDHUP != 0,
		edge:    e.mask&unix.EPOLLET != 0,
	}, true
}

// epollWatch is one line of an epoll instance's fdinfo: the events asked
// for, and the 8 bytes of data events carry.
type epollWatch struct {
	mask uint32
	data uint64
}

// epollWatchList reads the kernel's own list of the fds an epoll instance
// watches, by fd, from /proc/self/fdinfo.
func epollWatchList(t *testing.T, epfd int) map[int]epollWatch {
	t.Helper()
	file, err := os.Open(fmt.Sprintf("/proc/self/fdinfo/%d", epfd))
	require.NoError(t, err, "reading the epoll instance's fdinfo")
	defer file.Close()
	watched := map[int]epollWatch{}
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		// Lines look like "tfd:        7 events:   80002005 data:                5  pos:0 ino:...".
		fields := strings.Fields(scanner.Text())
		if len(fields) < 6 || fields[0] != "tfd:" || fields[2] != "events:" || fields[4] != "data:" {
			continue
		}
		fd, err := strconv.Atoi(fields[1])
		require.NoError(t, err)
		mask, err := strconv.ParseUint(fields[3], 16, 32)
		require.NoError(t, err)
		data, err := strconv.ParseUint(fields[5], 16, 64)
		require.NoError(t, err)
		watched[fd] = epollWatch{mask: uint32(mask), data: data}
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
	assert.Equal(t, want, watched[r].mask&want,
		"the fd must be watched for EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET (see socketInterest); the kernel shows mask %#x", watched[r].mask)
	assert.Equal(t, uint64(r), watched[r].data, "in stage 02 the event data is the fd itself: see setEventID")
}

func TestEventIDRoundTrips(t *testing.T) {
	for _, id := range []int{0, 1, 1<<31 - 1, 1 << 31, 1<<32 + 7, 1<<62 + 3} {
		var ev unix.EpollEvent
		setEventID(&ev, id)
		assert.Equal(t, id, eventID(ev), "eventID must give back the id setEventID stored")
	}
}
