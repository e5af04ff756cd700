//go:build linux || darwin || freebsd

// Tests for the Registry. They ask the kernel what the poller watches
// (watchlist_test.go), so they do not depend on Runtime.Wait.

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestRegisterAddsFDWithSocketInterest(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)

	require.NoError(t, rt.Registry().Register(r))
	require.NoError(t, rt.Registry().Register(w))

	// In stage 02 a registration's id is its fd.
	assertSocketInterest(t, rt.poller, r, r)
	assertSocketInterest(t, rt.poller, w, w)
}

func TestRegisteredFDProducesEventCarryingIt(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)

	require.NoError(t, rt.Registry().Register(r))

	assert.Equal(t, r, requireWatched(t, rt.poller, r).id,
		"the poller's events for the pipe must carry its fd: in stage 02 Register gives the fd itself as the registration id")
}

func TestDeregisterRemovesFD(t *testing.T) {
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))

	require.NoError(t, rt.Registry().Deregister(r))

	assertNotWatched(t, rt.poller, r, "a deregistered fd must produce no events")
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
