package stagetest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitLimit bounds every wait in this package: a client under test that
// never connects or never sends its request fails the test with a message
// instead of hanging the run.
const waitLimit = 5 * time.Second

// connLimit bounds how long a helper server keeps one connection open, so a
// client that connects and then stalls cannot keep the server goroutine
// (and the test's cleanup) waiting for ever.
const connLimit = 10 * time.Second

// ScriptedServer is a tiny hand-driven TCP server: it accepts one
// connection, reads the request head, and then writes exactly the bytes the
// test hands it, when the test hands them. That lets a test split an answer
// across many reads, stop in the middle of one, or break it off, at will.
type ScriptedServer struct {
	ln       net.Listener
	requests chan string   // the request head the client sent
	pieces   chan string   // each piece is written as one write
	finish   sync.Once     // closes pieces once
	done     chan struct{} // closed when the serving goroutine has ended
}

// StartScriptedServer listens on a free loopback port and serves one
// connection. The server goes away when the test ends.
func StartScriptedServer(t testing.TB) *ScriptedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &ScriptedServer{
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

// Addr is where the server listens, as "127.0.0.1:port".
func (s *ScriptedServer) Addr() string { return s.ln.Addr().String() }

// Send makes the server write piece as one write, and returns once the
// serving goroutine has taken it.
func (s *ScriptedServer) Send(t testing.TB, piece string) {
	t.Helper()
	select {
	case s.pieces <- piece:
	case <-s.done:
		t.Fatalf("scripted server has gone (did the client connect and send a request?)")
	case <-time.After(waitLimit):
		t.Fatalf("scripted server did not take the next piece within %s", waitLimit)
	}
}

// Close makes the server close the connection after the pieces already
// handed over: the client reads them and then sees the end of the stream.
// Calling it again does nothing.
func (s *ScriptedServer) Close() {
	s.finish.Do(func() { close(s.pieces) })
}

// Request waits for the request head the client sent, up to and including
// the blank line that ends it.
func (s *ScriptedServer) Request(t testing.TB) string {
	t.Helper()
	select {
	case r := <-s.requests:
		return r
	case <-time.After(waitLimit):
		t.Fatalf("no request reached the scripted server within %s", waitLimit)
		return ""
	}
}

func (s *ScriptedServer) serve() {
	defer close(s.done)
	conn, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(connLimit))
	head, err := ReadHead(bufio.NewReader(conn))
	if err != nil {
		return
	}
	s.requests <- head
	for piece := range s.pieces {
		if _, err := conn.Write([]byte(piece)); err != nil {
			return
		}
	}
}

// ReadHead reads a request up to and including the blank line ("\r\n")
// that ends its headers, and returns it as it arrived. On an error it
// returns what it had read so far with the error.
func ReadHead(r *bufio.Reader) (string, error) {
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
