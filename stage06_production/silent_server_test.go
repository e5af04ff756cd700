//go:build linux || darwin || freebsd

// This file is a server that accepts connections and never answers: the
// hostile case the per-request timeout exists for. It also watches each
// connection until the client closes it, so a test can check that a
// request that timed out or was interrupted did close its socket.

package main

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// silentServer accepts every connection, reads whatever comes, and never
// writes a byte.
type silentServer struct {
	ln       net.Listener
	accepted atomic.Int32 // connections accepted so far
	closed   atomic.Int32 // connections the client has closed (EOF or reset)

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

// startSilentServer listens on a free loopback port; the server and every
// connection it holds are closed when the test ends.
func startSilentServer(t *testing.T) *silentServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &silentServer{ln: ln}
	s.wg.Add(1)
	go s.acceptLoop()
	t.Cleanup(s.close)
	return s
}

// Addr is where the server listens.
func (s *silentServer) Addr() string { return s.ln.Addr().String() }

func (s *silentServer) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, conn)
		s.mu.Unlock()
		s.accepted.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			// Reading ends only when the client closes (EOF, or an error
			// for a reset) or close below closes the connection.
			_, _ = io.Copy(io.Discard, conn)
			s.closed.Add(1)
			_ = conn.Close()
		}()
	}
}

// close stops the server and closes what it still holds.
func (s *silentServer) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for _, conn := range s.conns {
		_ = conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
