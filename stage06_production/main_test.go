//go:build linux || darwin || freebsd

// main_test.go holds what every test file of this package shares: TestMain
// (which checks that the tests leave no goroutine and no file descriptor
// behind) and test helpers.

package main

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// startServer starts a delay server on an ephemeral loopback port for one
// test and returns it as a target.
func startServer(t *testing.T) (*target.Target, *delayserver.Server) {
	t.Helper()
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	require.NoError(t, err, "start an in-process delay server")
	t.Cleanup(func() { srv.Close() })
	ap, err := netip.ParseAddrPort(srv.Addr())
	require.NoError(t, err)
	return &target.Target{AddrPort: ap, Host: srv.Addr()}, srv
}

// closedPortTarget is a loopback address where nothing listens: a port that
// was just free, so connecting to it is refused.
func closedPortTarget(t *testing.T) *target.Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return &target.Target{AddrPort: netip.MustParseAddrPort(addr), Host: addr}
}

// openFDs counts the file descriptors this process has open, for a test
// that must compare counts in the middle (leakcheck.CheckFDs compares the
// start of a test with its end).
func openFDs(t *testing.T) int {
	t.Helper()
	n, err := leakcheck.OpenFDs()
	require.NoError(t, err)
	return n
}
