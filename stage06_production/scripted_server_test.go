//go:build linux || darwin || freebsd

// This file is a tiny hand-driven TCP server for tests: it accepts one
// connection, reads the request head, and then writes exactly the bytes the
// test hands it, when the test hands them. That lets a test split an answer
// across many reads, or break it off, at will.

package main

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scriptedServer answers one connection with pieces the test sends.
type scriptedServer struct {
	ln       net.Listener
	requests chan string // the request head the client sent
	pieces   chan string // each piece is written as one write
	finish   sync.Once
	reset    atomic.Bool   // close with a reset (RST) instead of a FIN
	done     chan struct{} // closed when the serving goroutine has ended
}

// startScriptedServer listens on a free loopback port. The server goes away
// when the test ends.
func startScriptedServer(t *testing.T) *scriptedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &scriptedServer{
		ln:       ln,
		requests: make(chan string, 1),
		pieces:   make(chan string),
		done:     make(chan struct{}),
	}
	go s.serve()
	t.Cleanup(func() {
		s.Close()
		_ = ln.Close()
		<-s.done
	})
	return s
}

// Addr is where the server listens.
func (s *scriptedServer) Addr() string { return s.ln.Addr().String() }

// Send makes the server write piece, and returns once it has been handed over.
func (s *scriptedServer) Send(t *testing.T, piece string) {
	t.Helper()
	select {
	case s.pieces <- piece:
	case <-s.done:
		t.Fatalf("scripted server has gone (did the client connect and send a request?)")
	case <-time.After(5 * time.Second):
		t.Fatalf("scripted server did not take the next piece within 5s")
	}
}

// Close makes the server close the connection: the client sees EOF.
func (s *scriptedServer) Close() {
	s.finish.Do(func() { close(s.pieces) })
}

// Reset makes the server reset the connection instead of closing it: with
// SO_LINGER set to 0, close sends a TCP RST, and the client's next read
// fails with ECONNRESET, as when a server crashes or a middlebox gives up.
func (s *scriptedServer) Reset() {
	s.reset.Store(true)
	s.Close()
}

// Request waits for the request head the client sent.
func (s *scriptedServer) Request(t *testing.T) string {
	t.Helper()
	select {
	case r := <-s.requests:
		return r
	case <-time.After(5 * time.Second):
		t.Fatalf("no request reached the scripted server within 5s")
		return ""
	}
}

func (s *scriptedServer) serve() {
	defer close(s.done)
	conn, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	// A client that never sends its request must not hang the test run.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	head, err := readHead(bufio.NewReader(conn))
	if err != nil {
		return
	}
	s.requests <- head
	for piece := range s.pieces {
		if _, err := conn.Write([]byte(piece)); err != nil {
			return
		}
	}
	if s.reset.Load() {
		_ = conn.(*net.TCPConn).SetLinger(0)
	}
}

// readHead reads a request up to and including the blank line that ends
// its headers.
func readHead(r *bufio.Reader) (string, error) {
	var head strings.Builder
	for {
		line, err := r.ReadString('\n')
		head.WriteString(line)
		if err != nil {
			return head.String(), err
		}
		if line == "\r\n" {
			return head.String(), nil
		}
	}
}
