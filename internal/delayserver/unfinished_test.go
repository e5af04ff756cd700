// Tests for requests the server does not finish: stopped by Close or by a
// Shutdown whose grace period ran out, or left by a client that closed its
// side. None of them may read as a success.

package delayserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outcome is what one client read from the server: an answer, or the error
// that ended the connection first.
type outcome struct {
	status int
	close  bool // the answer said "Connection: close"
	body   string
	err    error
}

// sendRaw writes one GET for path on a connection of its own and returns
// the connection, so the test decides when to read the answer.
func sendRaw(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second)))
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
	require.NoError(t, err)
	return conn
}

// readOutcome reads one answer from conn.
func readOutcome(conn net.Conn) outcome {
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return outcome{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return outcome{status: resp.StatusCode, close: resp.Close, body: string(body), err: err}
}

// requireNoInventedAnswer fails the test for an answer that looks like a
// success although the server never finished the request: each client
// must read a 503 that says why, or see its connection end without one.
func requireNoInventedAnswer(t *testing.T, i int, o outcome) {
	t.Helper()
	if o.err != nil && o.status == 0 {
		return // the connection ended without a status line: an honest failure
	}
	require.NotEqual(t, 2, o.status/100, "client %d got %d with body %q for a request the server never finished", i, o.status, o.body)
	assert.Equal(t, http.StatusServiceUnavailable, o.status, "client %d: an unfinished request is answered 503 or not at all", i)
	assert.Contains(t, o.body, "stopping", "client %d: the 503 says why", i)
	assert.True(t, o.close, "client %d: the 503 says Connection: close", i)
}

func TestStoppedServerNeverAnswersAnUnfinishedRequestAsASuccess(t *testing.T) {
	const clients = 50
	for _, stop := range []struct {
		name string
		stop func(*Server) error
	}{
		{"Close", func(s *Server) error { return s.Close() }},
		{"Shutdown past its grace period", func(s *Server) error {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			return s.Shutdown(ctx)
		}},
	} {
		t.Run(stop.name, func(t *testing.T) {
			srv := startServer(t, Config{})
			conns := make([]net.Conn, clients)
			for i := range conns {
				conns[i] = sendRaw(t, srv.Addr(), fmt.Sprintf("/60000/never%d", i))
			}
			require.Eventually(t, func() bool { return srv.Requests() == clients }, 5*time.Second, 5*time.Millisecond,
				"every request should reach the handler and wait out its delay")

			outcomes := make(chan outcome, clients)
			for _, c := range conns {
				go func() { outcomes <- readOutcome(c) }()
			}
			start := time.Now()
			_ = stop.stop(srv) // Shutdown reports its grace period running out; the clients are what is checked
			for i := range clients {
				requireNoInventedAnswer(t, i, <-outcomes)
			}
			assert.Less(t, time.Since(start), 10*time.Second, "stopping must not wait out the 60 s delays")
		})
	}
}

func TestClientThatHalfClosesGetsNoInventedAnswer(t *testing.T) {
	// A client may send its request and then close its sending side (shutdown
	// SHUT_WR) while it still reads. net/http takes that as the client going
	// away and cancels the request's context; the server must then write
	// nothing that could be read as an answer.
	srv := startServer(t, Config{})
	conn := sendRaw(t, srv.Addr(), "/60000/never")
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	requireNoInventedAnswer(t, 0, readOutcome(conn))
}
