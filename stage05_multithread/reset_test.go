//go:build linux || darwin || freebsd

// Tests for the HTTP future against a server that resets the connection
// instead of answering, as a crashing or overloaded server does: the
// request must fail with an error that names the reset, and close its
// socket.

package main

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// startResettingServer accepts one connection, reads the request head and
// aborts the connection: with SO_LINGER set to 0, closing a TCP socket sends
// a reset (RST) instead of the orderly end (FIN). It returns the address it
// listens on; it is gone when the test ends.
func startResettingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		// A client that never sends its request must not hang the run.
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := readHead(bufio.NewReader(conn)); err == nil {
			_ = conn.(*net.TCPConn).SetLinger(0)
		}
		_ = conn.Close()
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	return ln.Addr().String()
}

func TestHTTPGetFailsNamingTheResetWhenServerResets(t *testing.T) {
	leakcheck.CheckFDs(t)
	addr := startResettingServer(t)
	f := getFrom(t, addr, "/0/x", nil)

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a connection reset before the answer must fail the request")
	assert.ErrorIs(t, p.Err, unix.ECONNRESET, "the error must wrap ECONNRESET from the read, so a caller can tell a reset from other failures")
	assert.Contains(t, p.Err.Error(), "reset", "the message must name the reset")
	assert.Contains(t, p.Err.Error(), addr, "the message must name the server")
	assert.Equal(t, -1, f.fd, "a failed future must close its socket (look at fail and closeSocket)")
}
