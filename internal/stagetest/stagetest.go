// Package stagetest holds the test plumbing that the stages share: servers
// that misbehave on cue, a port nothing listens on, a target for a loopback
// address. Each stage's tests import it instead of carrying their own copy,
// so a fix to a helper reaches every stage at once.
//
// Everything here is generic network plumbing for tests. Nothing in it does
// what an exercise asks for (it never parses an HTTP answer or polls a
// future), so the student edition can keep it whole.
package stagetest

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// ClosedPort returns a loopback address nothing listens on: it listens on a
// free port, notes it and closes the listener again. A connection to it is
// refused at once, which is how a test makes a request fail to connect.
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// Target builds a target.Target for a loopback address ("127.0.0.1:port")
// that a test listens on, without the flag parsing and loopback checks of
// target.Resolve: the test made the address itself.
func Target(t testing.TB, addr string) *target.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	require.NoError(t, err, "a test target must be an IP:port, got %q", addr)
	return &target.Target{AddrPort: ap, Host: addr}
}

// StartDelayServer starts the delay server in this process on a free
// loopback port. It is closed when the test ends.
func StartDelayServer(t testing.TB) *delayserver.Server {
	t.Helper()
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	require.NoError(t, err, "starting the in-process delay server")
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// OpenFDs is how many file descriptors this process has open now, for
// tests that check a step closed what it opened.
func OpenFDs(t testing.TB) int {
	t.Helper()
	n, err := leakcheck.OpenFDs()
	require.NoError(t, err)
	return n
}

// Pattern is n bytes that are not all alike, so that a lost, repeated or
// reordered piece shows up when a test compares what arrived with what was
// sent.
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23)
	}
	return b
}
