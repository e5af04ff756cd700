//go:build linux || darwin || freebsd

// Tests for the Registry. They see what the poller reports through rawWait
// (raw epoll_wait or kevent, in poller_epoll_test.go and
// poller_kqueue_test.go), so they do not depend on Runtime.Wait.

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestRegisterAddsFDWithSocketInterest(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	_, w2 := stagetest.NewPipe(t)
	var closing [2]int
	require.NoError(t, unix.Pipe(closing[:]))
	t.Cleanup(func() { _ = unix.Close(closing[0]) })

	require.NoError(t, rt.Registry().Register(r))
	require.NoError(t, rt.Registry().Register(w2))
	require.NoError(t, rt.Registry().Register(closing[0]))

	assert.Equal(t, []int{w2}, rawWait(t, rt.poller, 0),
		"only the pipe's write end is ready at once: it is writable (EPOLLOUT, EVFILT_WRITE); the empty read ends are not")
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	require.NoError(t, unix.Close(closing[1]))
	assert.ElementsMatch(t, []int{r, closing[0]}, rawWait(t, rt.poller, 5*time.Second),
		"a byte to read (EPOLLIN, EVFILT_READ) and the writer hanging up (EPOLLRDHUP, EV_EOF) must both be reported")
	assert.Empty(t, rawWait(t, rt.poller, 0),
		"edge-triggered (EPOLLET, EV_CLEAR): a change is reported once, not again on every wait while the byte is still unread")
}

func TestRegisteredFDProducesEventCarryingIt(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	ready := rawWait(t, rt.poller, 5*time.Second)

	assert.Equal(t, []int{r}, ready, "writing to the pipe must make the poller report its registered read end, carrying the fd")
}

func TestDeregisterRemovesFD(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	require.NoError(t, rt.Registry().Deregister(r))

	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	assert.Empty(t, rawWait(t, rt.poller, 0), "a deregistered fd must produce no events")
	assert.NoError(t, rt.Registry().Register(r), "after Deregister the fd can be registered again")
}

func TestRegisterTwiceReportsError(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	err := rt.Registry().Register(r)

	assert.ErrorIs(t, err, unix.EEXIST, "registering an fd twice is a bug and must be reported, not ignored")
}

func TestDeregisterUnknownFDReportsError(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)

	err := rt.Registry().Deregister(r)

	assert.ErrorIs(t, err, unix.ENOENT, "deregistering an fd that was never registered must be reported")
}
