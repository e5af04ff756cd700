package stagetest

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// StartResettingServer accepts one connection, reads the request head and
// then aborts the connection, as a crashing or overloaded server does: with
// SO_LINGER set to 0, closing a TCP socket sends a reset (RST) instead of
// the orderly end (FIN), so the client's next read fails with ECONNRESET.
// It returns the address it listens on; the server is gone when the test
// ends.
func StartResettingServer(t testing.TB) string {
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
		_ = conn.SetDeadline(time.Now().Add(connLimit))
		if _, err := ReadHead(bufio.NewReader(conn)); err == nil {
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
