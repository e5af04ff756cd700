//go:build linux || darwin || freebsd

// This file holds what every test in the package shares: the leak check
// that runs after all tests, and small test doubles and helpers.

package main

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// TestMain fails the run if any test leaves a goroutine behind (a delay
// server not closed, a scripted server still waiting) or a file descriptor
// open (a socket not closed).
func TestMain(m *testing.M) { leakcheck.Main(m) }

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

// openFDs counts the file descriptors this process has open, so a test can
// check that a future closed its socket.
func openFDs(t *testing.T) int {
	t.Helper()
	n, err := leakcheck.OpenFDs()
	require.NoError(t, err)
	return n
}

// targetFor builds a Target for a loopback address a test listens on.
func targetFor(t *testing.T, addr string) *target.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	require.NoError(t, err)
	return &target.Target{AddrPort: ap, Host: addr}
}

// closedPort returns a loopback address nothing listens on: it listens on a
// free port, notes it and closes the listener again.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}
