//go:build linux || darwin || freebsd

// Tests for the HTTP GET future: against the real delay server for the
// ordinary cases, and against a scripted server for answers that arrive in
// pieces, are chunked, or are cut short. Most tests give the future a fake
// reactor and poll it on a short timer, so they do not depend on the real
// reactor or executor; the tests at the end check its use of the reactor
// and its wakers, and one runs it under the real reactor and executor.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// getFrom makes a future for path on the server at addr, printing to out,
// with a fake registry.
func getFrom(t *testing.T, addr, path string, out io.Writer) *HTTPGetFuture {
	t.Helper()
	client := &HTTPClient{Target: stagetest.Target(t, addr), Reactor: &fakeReactor{}, Out: out}
	f := client.Get(path)
	// A test that stops polling before the end must not leave the socket
	// open; closing a finished future is harmless.
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// pollToEnd polls f until it finishes, the way PollLoop would but without
// printing, and fails the test if that takes more than 5 seconds.
func pollToEnd(t *testing.T, f *HTTPGetFuture) Poll[string] {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if p := f.Poll(testWaker(1)); p.Ready {
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
	for len(f.buf) < n {
		p := f.Poll(testWaker(1))
		require.False(t, p.Ready, "future finished after %d bytes (err: %v); it must stay pending until the server closes the connection", len(f.buf), p.Err)
		if time.Now().After(deadline) {
			t.Fatalf("future read %d of %d bytes within 5s, in state %s", len(f.buf), n, f.state)
		}
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, n, len(f.buf), "future read more than the server has sent")
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

	require.False(t, f.Poll(testWaker(1)).Ready, "the server waits 50ms, so the first poll must be pending")
	assert.Equal(t, "FIRST POLL - START OPERATION\n", out.String(), "the first poll must announce that it starts the operation")
	pollToEnd(t, f)

	assert.Equal(t, "FIRST POLL - START OPERATION\n", out.String(), "only the first poll may print the line")
}

func TestHTTPGetIsPendingWhileServerDelays(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/300/x", nil)

	p := f.Poll(testWaker(1))

	assert.False(t, p.Ready, "the server answers after 300ms, so the first poll must return Pending instead of waiting")
	assert.Contains(t, []httpState{httpWriting, httpReading}, f.state, "after the first poll the future must be waiting for the handshake or for the answer")
	pollToEnd(t, f)
}

func TestHTTPGetSendsRequestWithHostAndConnectionClose(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/hi", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)

	head := srv.Request(t)

	want := "GET /0/hi HTTP/1.1\r\nHost: " + srv.Addr() + "\r\nConnection: close\r\n\r\n"
	assert.Equal(t, want, head, "the request must be exactly the request line, Host, Connection: close and a blank line")
}

func TestHTTPGetAssemblesAnswerSplitAcrossReads(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Le", "ngth: 11\r\n\r\nHello", " World")
	p := pollToEnd(t, f)

	require.NoError(t, p.Err)
	assert.Equal(t, "Hello World", p.Value, "bytes from several reads must be joined before parsing")
}

func TestHTTPGetDecodesChunkedBody(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)

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
	require.False(t, f.Poll(testWaker(1)).Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nonly 9 by")
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a body shorter than its Content-Length must be an error, not a short value")
	assert.ErrorIs(t, p.Err, io.ErrUnexpectedEOF)
	assert.Contains(t, p.Err.Error(), "cut short")
}

func TestHTTPGetFailsOnTruncatedHeaders(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)

	serveInPieces(t, srv, f, "HTTP/1.1 200 OK\r\nContent-Len")
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "an answer that ends inside its headers must be an error")
	assert.Contains(t, p.Err.Error(), "malformed response")
}

func TestHTTPGetFailsWhenServerClosesWithoutAnswer(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)

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
	addr := stagetest.ClosedPort(t)
	f := getFrom(t, addr, "/0/x", nil)

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "connecting to a closed port must fail")
	assert.ErrorIs(t, p.Err, unix.ECONNREFUSED, "the error must wrap ECONNREFUSED (from connect or from SO_ERROR)")
	assert.Contains(t, p.Err.Error(), addr, "the error must name the address")
}

func TestHTTPGetFailsWhenServerResetsTheConnection(t *testing.T) {
	leakcheck.CheckFDs(t)
	addr := stagetest.StartResettingServer(t)
	f := getFrom(t, addr, "/0/x", nil)

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a reset connection must fail the request")
	assert.ErrorIs(t, p.Err, unix.ECONNRESET, "the error must wrap ECONNRESET, from the read")
	assert.Contains(t, p.Err.Error(), "reset", "the error must say the connection was reset")
	assert.Contains(t, p.Err.Error(), addr, "the error must name the server")
	assert.Equal(t, -1, f.fd, "a failed future must close its socket (look at fail and closeSocket)")
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
	require.False(t, f.Poll(testWaker(1)).Ready)

	serveInPieces(t, srv, f, "garbage\r\n\r\n")
	require.Error(t, pollToEnd(t, f).Err)

	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"open file descriptors must return to %d after an unparsable answer", before)
}

func TestHTTPGetReportsErrorWhenPolledAfterDone(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.NoError(t, pollToEnd(t, f).Err)

	p := f.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, errPolledAfterDone, "a finished future must answer a further poll with an error, not touch its closed socket")
	assert.Equal(t, uint64(1), srv.Requests(), "polling a finished future must not send the request again")
}

func TestHTTPGetRejectsOversizedAnswer(t *testing.T) {
	srv := stagetest.StartScriptedServer(t)
	f := getFrom(t, srv.Addr(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)
	srv.Request(t)

	head := "HTTP/1.1 200 OK\r\n\r\n"
	srv.Send(t, head+strings.Repeat("x", maxResponseBytes))
	p := pollToEnd(t, f)

	require.Error(t, p.Err, "an answer over maxResponseBytes must be refused, not buffered without end")
	assert.Contains(t, p.Err.Error(), "larger than")
}

func TestHTTPGetSetsWakerBeforeRegisteringSocket(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/200/x")

	require.False(t, f.Poll(testWaker(1)).Ready, "the server waits 200ms, so the first poll must be pending")

	require.GreaterOrEqual(t, len(reactor.calls), 2)
	assert.Equal(t, []string{"set waker 1", fmt.Sprintf("register fd %d as 1", f.fd)}, reactor.calls[:2],
		"the waker must be with the reactor before the socket is registered: an event can come the moment it is")
	assert.Equal(t, map[int]int{1: f.fd}, reactor.watched, "the socket must be registered under the id from NextID")
	pollToEnd(t, f)
}

func TestHTTPGetLeavesLatestWakerWithReactor(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/300/x")
	first, second := testWaker(1), testWaker(2)

	require.False(t, f.Poll(first).Ready)
	require.False(t, f.Poll(second).Ready, "the server waits 300ms")

	assert.Equal(t, second, reactor.wakers[f.id],
		"every pending poll must hand its waker to the reactor (SetWaker): the latest one is the one that reaches the task")
	require.NoError(t, pollToEnd(t, f).Err)
}

func TestHTTPGetForgetsRegistrationBeforeClosingSocket(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/50/x")
	require.False(t, f.Poll(testWaker(1)).Ready, "the server waits 50ms, so the first poll must be pending")
	fd := f.fd

	require.NoError(t, pollToEnd(t, f).Err)

	assert.Equal(t, fmt.Sprintf("forget fd %d as 1", fd), reactor.calls[len(reactor.calls)-1],
		"a finished future must have the reactor forget its registration before it closes the socket, or a new socket with the same number could be mistaken for it (look at closeSocket); calls were %v", reactor.calls)
	assert.Empty(t, reactor.watched)
	assert.Empty(t, reactor.wakers, "forgetting the registration must also drop the waker")
}

func TestHTTPGetLeavesNothingRegisteredWhenRefused(t *testing.T) {
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, stagetest.ClosedPort(t)), Reactor: reactor}
	f := client.Get("/0/x")

	require.Error(t, pollToEnd(t, f).Err)

	assert.Empty(t, reactor.watched, "a refused connection must not leave its socket registered; calls were %v", reactor.calls)
	assert.Empty(t, reactor.wakers, "nor its waker")
}

func TestHTTPGetFailsAndClosesSocketWhenRegisterFails(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)
	full := errors.New("epoll is full")
	reactor := &fakeReactor{registerErr: full}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/0/x")

	p := f.Poll(testWaker(1))

	require.True(t, p.Ready, "a future whose socket cannot be registered must fail at once: nothing would ever wake it")
	assert.ErrorIs(t, p.Err, full)
	assert.Empty(t, reactor.wakers, "the waker left before Register must be dropped again")
	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"the socket must be closed when registering it fails")
}

func TestHTTPGetFailsWhenReactorRefusesWaker(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)
	stopped := errors.New("event loop stopped")
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: &fakeReactor{setWakerErr: stopped}}
	f := client.Get("/100/x")

	p := f.Poll(testWaker(1))

	require.True(t, p.Ready, "when the reactor cannot take the waker nothing will wake the task: the future must fail, not wait for ever")
	assert.ErrorIs(t, p.Err, stopped)
	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"the socket must be closed")
}

func TestHTTPGetCloseReleasesSocketOfUnfinishedRequest(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/5000/x")
	require.False(t, f.Poll(testWaker(1)).Ready)

	require.NoError(t, f.Close())

	assert.Empty(t, reactor.watched, "Close must have the reactor forget the socket")
	assert.ErrorIs(t, f.Poll(testWaker(1)).Err, errPolledAfterDone, "a closed future is finished")
	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"Close must close the socket of a request still in flight")
}

func TestHTTPGetIsWokenByRealReactorUntilAnswerArrives(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := newTestReactor(t)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/100/HelloAsyncAwait")
	w := testWaker(1)

	wakeUps := 0
	p := f.Poll(w)
	for !p.Ready {
		waitWoken(t, w, "no wake-up within 5s for a pending request (state %s): are the waker and the socket with the reactor?", f.state)
		wakeUps++
		require.Less(t, wakeUps, 20, "the reactor keeps waking a task that is only waiting: is the registration edge-triggered?")
		p = f.Poll(w)
	}

	require.NoError(t, p.Err)
	assert.Equal(t, "HelloAsyncAwait", p.Value)
}

func TestRequestsRunToEndUnderRealExecutorAndReactor(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	out := &syncBuffer{}
	results := NewResults(out, false)
	reactor := newTestReactor(t)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	get := func(path string) *TimeoutFuture[string] { return WithTimeout(client.Get(path), time.Minute, reactor) }
	e := NewExecutor("main", out)
	request := func(i int) Task { return NewRequest(0, i, fmt.Sprintf("/%d/HelloWorld%d", i*100, i), get, results) }

	err := waitDone(t, blockOnWithDeadline(t, e, NewAsyncMain(2, e, request)), out)

	require.NoError(t, err)
	got := lines(out.String())
	require.Contains(t, got, "executor 0, request 0: HelloWorld0")
	require.Contains(t, got, "executor 0, request 1: HelloWorld1")
	assert.Less(t, slices.Index(got, "executor 0, request 0: HelloWorld0"), slices.Index(got, "executor 0, request 1: HelloWorld1"),
		"request 0 waits 0 ms, request 1 waits 100 ms\n%s", out)
	assert.Equal(t, finishedLine, got[len(got)-1])
	assert.Equal(t, 2, results.OK())
}

// lines splits output into lines, without the final empty one.
func lines(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func TestHTTPGetFailsWhenReactorClosesWhileItWaits(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	before := stagetest.OpenFDs(t)
	reactor, err := NewReactor()
	require.NoError(t, err)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/5000/x")
	w := testWaker(1)
	require.False(t, f.Poll(w).Ready, "the server waits 5s")

	require.NoError(t, reactor.Close())
	waitWoken(t, w, "closing the reactor must wake the task of a request still waiting")
	p := f.Poll(w)

	require.True(t, p.Ready, "a request whose reactor is gone must fail rather than wait for a wake-up that cannot come")
	assert.ErrorIs(t, p.Err, ErrReactorClosed)
	require.Eventually(t, func() bool { return stagetest.OpenFDs(t) == before }, 5*time.Second, 5*time.Millisecond,
		"the request's socket and the reactor's fds must all be closed")
}

func TestHTTPGetSkipsSetWakerWhenTheWakerIsUnchanged(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/300/x")
	w := testWaker(1)
	require.False(t, f.Poll(w).Ready)
	runs := reactor.setWakerRuns

	require.False(t, f.Poll(w).Ready, "the server waits 300ms")

	assert.Equal(t, runs, reactor.setWakerRuns, "the reactor already holds this very waker: SetWaker (and its lock) can be skipped")
	require.False(t, f.Poll(testWaker(2)).Ready)
	assert.Equal(t, runs+1, reactor.setWakerRuns, "a different waker must still replace the old one")
	require.NoError(t, pollToEnd(t, f).Err)
}

func TestHTTPGetWithUnchangedWakerStillNoticesAStoppedReactor(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/5000/x")
	w := testWaker(1)
	require.False(t, f.Poll(w).Ready)

	reactor.setWakerErr = ErrReactorClosed // the reactor stops
	p := f.Poll(w)

	require.True(t, p.Ready, "a future polled after its reactor stopped must fail, even with the same waker, or it waits for ever")
	assert.ErrorIs(t, p.Err, ErrReactorClosed)
}
