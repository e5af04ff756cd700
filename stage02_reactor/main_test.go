//go:build linux || darwin || freebsd

// This file holds what every test in the package shares: the leak check
// that runs after all tests, and small test doubles and helpers.

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// TestMain fails the run if any test leaves a goroutine behind (a delay
// server not closed, a scripted server still waiting) or a file descriptor
// open (a socket or a poller not closed).
func TestMain(m *testing.M) {
	stagetest.ReportStuckBeforeTheDeadline()
	leakcheck.Main(m)
}

// fakeFuture is a test double for any future: it answers Pending for the
// first pendingPolls polls and then result, and counts how often it was
// polled. Tests of code that drives futures use it instead of real sockets.
type fakeFuture[T any] struct {
	pendingPolls int
	result       Poll[T]
	polls        int
}

// Poll implements Future.
func (f *fakeFuture[T]) Poll() Poll[T] {
	f.polls++
	if f.polls <= f.pendingPolls {
		return Pending[T]()
	}
	return f.result
}

// closableFuture is a fake future that, like the HTTP future, holds
// something that must be released: it counts calls to Close.
type closableFuture struct {
	fakeFuture[string]
	closed int
}

// Close implements io.Closer.
func (c *closableFuture) Close() error {
	c.closed++
	return nil
}

// fakeRegistry is a test double for the runtime's Registry: it records which
// fds are watched and every call made, and can be told to refuse Register.
type fakeRegistry struct {
	registerErr error
	watched     map[int]bool
	calls       []string
}

// Register implements Registrar.
func (r *fakeRegistry) Register(fd int) error {
	r.calls = append(r.calls, fmt.Sprintf("register %d", fd))
	if r.registerErr != nil {
		return r.registerErr
	}
	if r.watched == nil {
		r.watched = map[int]bool{}
	}
	r.watched[fd] = true
	return nil
}

// Deregister implements Registrar.
func (r *fakeRegistry) Deregister(fd int) error {
	call := fmt.Sprintf("deregister %d", fd)
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		call += " after it was closed" // too late: the number may be reused
	}
	r.calls = append(r.calls, call)
	if !r.watched[fd] {
		return fmt.Errorf("fd %d is not registered", fd)
	}
	delete(r.watched, fd)
	return nil
}

// newTestRuntime returns a runtime that prints to out and is closed when the
// test ends.
func newTestRuntime(t *testing.T, out *strings.Builder) *Runtime {
	t.Helper()
	rt, err := NewRuntime(out)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}
