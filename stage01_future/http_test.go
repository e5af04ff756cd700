//go:build linux || darwin || freebsd

// Tests for the HTTP GET future: against the real delay server for the
// ordinary cases, and against a scripted server for answers that arrive in
// pieces, are chunked, or are cut short.

package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// getFrom makes a future for path on the server at addr, printing to out.
func getFrom(t *testing.T, addr, path string, out io.Writer) *HTTPGetFuture {
	t.Helper()
	client := &HTTPClient{Target: stagetest.Target(t, addr), Out: out}
	return client.Get(path)
}

// pollToEnd polls f until it finishes, the way PollLoop would but without
// printing, and fails the test if that takes more than 5 seconds.
func pollToEnd(t *testing.T, f *HTTPGetFuture) Poll[string] {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if p := f.Poll(); p.Ready {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("future still pending after 5s, in state %s", f.state)
		}
		time.Sleep(time.Millisecond)
	}
}

// pollUntilReceived polls f until it has read n bytes of the answer, and
// checks that it stays pending meanwhile: the answer is not complete yet.
func pollUntilReceived(t *testing.T, f *HTTPGetFuture, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(f.received) < n {
		p := f.Poll()
		require.False(t, p.Ready, "future finished after %d bytes (err: %v); it must stay pending until the server closes the connection", len(f.received), p.Err)
		if time.Now().After(deadline) {
			t.Fatalf("future read %d of %d bytes within 5s, in state %s", len(f.received), n, f.state)
		}
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, n, len(f.received), "future read more than the server has sent")
}

// serveInPieces answers f's request with pieces, one at a time, each only
// after f has read the previous one, and then closes the connection.
func serveInPieces(t *testing.T, srv *stagetest.ScriptedServer, f *HTTPGetFuture, pieces ...string) {
	t.Helper()
	srv.Request(t)
	total := 0
	for _, piece := range pieces {
		srv.Send(t, piece)
		total += len(piece)
		pollUntilReceived(t, f, total)
	}
	srv.Close()
}

func TestHTTPGetReturnsBodyFromDelayServer(t *testing.T) {
	leakcheck.CheckFDs(t)
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/10/HelloAsyncAwait", nil)

	p := pollToEnd(t, f)

	require.NoError(t, p.Err)
	assert.Equal(t, "HelloAsyncAwait", p.Value, "the future's value must be the response body")
}

func TestHTTPGetDoesNothingBeforeFirstPoll(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)

	f := getFrom(t, srv.Addr(), "/0/x", nil)

	assert.Equal(t, before, stagetest.OpenFDs(t), "Get must not open a socket: a future does no work until it is polled")
	assert.Equal(t, httpStart, f.state)
}

func TestHTTPGetPrintsFirstPollLineOnce(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	var out bytes.Buffer
	f := getFrom(t, srv.Addr(), "/50/x", &out)

	require.False(t, f.Poll().Ready, "the server waits 50ms, so the first poll must be pending")
	assert.Equal(t, "FIRST POLL - START OPERATION\n", out.String(), "the first poll must announce that it starts the operation")
	pollToEnd(t, f)

	assert.Equal(t, "FIRST POLL - START OPERATION\n", out.String(), "only the first poll may print the line")
}

func TestHTTPGetIsPendingWhileServerDelays(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/300/x", nil)

	p := f.Poll()

	assert.False(t, p.Ready, "the server answers after 300ms, so the first poll must return Pending instead of waiting")
	assert.Contains(t, []httpState{httpConnecting, httpReading}, f.state, "after the first poll the future must be connecting or waiting for the answer")
	pollToEnd(t, f)
}

func TestHTTPGetSendsRequestWithHostAndConnectionClose(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/hi", nil)
	t.Cleanup(f.closeSocket) // the test stops before the answer: release the socket
	require.False(t, f.Poll().Ready)

	head := srv.Request(t)

	want := "GET /0/hi HTTP/1.1\r\nHost: " + srv.Addr() + "\r\nConnection: close\r\n\r\n"
	assert.Equal(t, want, head, "the request must be exactly the request line, Host, Connection: close and a blank line")
}

func TestHTTPGetAssemblesAnswerSplitAcrossReads(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Le", "ngth: 11\r\n\r\nHello", " World")
	p := pollToEnd(t, f)

	require.NoError(t, p.Err)
	assert.Equal(t, "Hello World", p.Value, "bytes from several reads must be joined before parsing")
}

func TestHTTPGetDecodesChunkedBody(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		"5\r\nHello\r\n",
		"6\r\n World\r\n",
		"0\r\n\r\n")
	p := pollToEnd(t, f)

	require.NoError(t, p.Err)
	assert.Equal(t, "Hello World", p.Value, "a chunked body must be decoded (net/http.ReadResponse does it)")
}

func TestHTTPGetFailsOnTruncatedBody(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nonly 9 by")
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a body shorter than its Content-Length must be an error, not a short value")
	assert.ErrorIs(t, p.Err, io.ErrUnexpectedEOF)
	assert.Contains(t, p.Err.Error(), "cut short")
}

func TestHTTPGetFailsOnTruncatedHeaders(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Len")
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "an answer that ends inside its headers must be an error")
	assert.Contains(t, p.Err.Error(), "malformed response")
}

func TestHTTPGetFailsWhenServerClosesWithoutAnswer(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f)
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "EOF before any byte must be an error, not an empty body")
	assert.Contains(t, p.Err.Error(), "without answering")
}

func TestHTTPGetFailsOnNon2xxStatusNamingIt(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/soon/x", nil) // not a number: the delay server answers 400

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a 400 answer must be an error")
	assert.Contains(t, p.Err.Error(), "400 Bad Request", "the error must name the status the server sent")
	assert.Empty(t, p.Value)
}

func TestHTTPGetFailsWhenConnectionRefused(t *testing.T) {
	leakcheck.CheckFDs(t)
	addr := stagetest.ClosedPort(t)
	f := getFrom(t, addr, "/0/x", nil)

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "connecting to a closed port must fail")
	assert.ErrorIs(t, p.Err, unix.ECONNREFUSED, "the error must wrap ECONNREFUSED (from connect or from SO_ERROR)")
	assert.Contains(t, p.Err.Error(), addr, "the error must name the address")
}

func TestHTTPGetClosesSocketAfterSuccess(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)

	require.NoError(t, pollToEnd(t, f).Err)

	assert.Equal(t, -1, f.fd, "a finished future must forget its socket")
	// The server closes its end of the connection a moment later, on its own
	// goroutine, so wait for the count to settle rather than reading it once.
	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"open file descriptors must return to %d once the request is done; is the socket closed on EOF?", before)
}

func TestHTTPGetClosesSocketAfterRefusedConnection(t *testing.T) {
	addr := stagetest.ClosedPort(t)
	before := stagetest.OpenFDs(t)
	f := getFrom(t, addr, "/0/x", nil)

	require.Error(t, pollToEnd(t, f).Err)

	assert.Equal(t, before, stagetest.OpenFDs(t), "a failed future must close its socket (look at fail and closeSocket)")
}

func TestHTTPGetClosesSocketAfterBadAnswer(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	before := stagetest.OpenFDs(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)

	serveInPieces(t, srv, f, "garbage\r\n\r\n")
	require.Error(t, pollToEnd(t, f).Err)

	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"open file descriptors must return to %d after an unparsable answer", before)
}

func TestHTTPGetReportsErrorWhenPolledAfterDone(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.NoError(t, pollToEnd(t, f).Err)

	p := f.Poll()

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, errPolledAfterDone, "a finished future must answer a further poll with an error, not touch its closed socket")
	assert.Equal(t, uint64(1), srv.Requests(), "polling a finished future must not send the request again")
}

func TestHTTPGetRejectsOversizedAnswer(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll().Ready)
	srv.Request(t)

	head := "HTTP/1.1 200 OK\r\n\r\n"
	srv.Send(t, head+strings.Repeat("x", maxResponseBytes))
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "an answer over maxResponseBytes must be refused, not buffered without end")
	assert.Contains(t, p.Err.Error(), "larger than")
}
