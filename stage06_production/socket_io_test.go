//go:build linux || darwin || freebsd

// Tests for the two socket loops of the HTTP future, writeRequest and
// readResponse, on their own. Stage 06's loops are stage 01's with the
// system calls made through rawWrite and rawRead, so these are stage 01's
// tests: each hands the future one end of a connected pair of non-blocking
// sockets and plays the server at the other end, so it decides exactly what
// is there to read, how much room there is to write, and when the
// connection ends. No TCP, no state machine.

package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// ioPair is two connected non-blocking stream sockets: local is the
// future's socket, peer the test's stand-in for the server.
type ioPair struct {
	local, peer int
}

// newIOPair makes a socket pair whose ends are closed when the test ends
// (unless the test has closed them already).
func newIOPair(t *testing.T) *ioPair {
	t.Helper()
	// Socketpair, then the flag: macOS has no SOCK_NONBLOCK.
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	require.NoError(t, err, "creating a socket pair")
	for _, fd := range fds {
		require.NoError(t, unix.SetNonblock(fd, true))
	}
	p := &ioPair{local: fds[0], peer: fds[1]}
	t.Cleanup(func() {
		if p.local >= 0 {
			_ = unix.Close(p.local)
		}
		p.closePeer(t)
	})
	return p
}

// closePeer closes the test's end: the future's next read sees EOF (or a
// reset, if the peer left bytes unread), its next write fails.
func (p *ioPair) closePeer(t *testing.T) {
	t.Helper()
	if p.peer < 0 {
		return
	}
	require.NoError(t, unix.Close(p.peer))
	p.peer = -1
}

// futureOn is an HTTP future that already owns the local socket and is
// about to send request: the state writeRequest and readResponse work in.
func futureOn(p *ioPair, request string) *HTTPGetFuture {
	return &HTTPGetFuture{fd: p.local, buf: []byte(request)}
}

// drainPeer reads everything that has arrived at the peer end so far.
func drainPeer(t *testing.T, p *ioPair) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(p.peer, buf)
		if errors.Is(err, unix.EAGAIN) {
			return got
		}
		require.NoError(t, err, "reading at the peer end")
		if n == 0 {
			return got
		}
		got = append(got, buf[:n]...)
	}
}

// writeAtPeer sends data from the peer end, as the server's answer.
func writeAtPeer(t *testing.T, p *ioPair, data []byte) {
	t.Helper()
	n, err := unix.Write(p.peer, data)
	require.NoError(t, err, "writing at the peer end")
	require.Equal(t, len(data), n, "the test wrote less than it meant to; keep test answers small")
}

// within5s runs call (writeRequest or readResponse) on its own goroutine
// and fails the test if it has not returned within 5 seconds: a loop that
// never ends, say one that goes round again after a read of 0 bytes, then
// fails with a message instead of hanging the whole test run.
func within5s(t *testing.T, name string, call func() (bool, error)) (bool, error) {
	t.Helper()
	type result struct {
		done     bool
		err      error
		panicked any
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{panicked: r}
			}
		}()
		done, err := call()
		ch <- result{done: done, err: err}
	}()
	select {
	case r := <-ch:
		if r.panicked != nil {
			t.Fatalf("%s panicked: %v", name, r.panicked)
		}
		return r.done, r.err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not return within 5s: it must never wait; does its loop end on EAGAIN, and on a read of 0 bytes?", name)
		return false, nil
	}
}

// callWriteRequest calls f.writeRequest, failing the test if it never returns.
func callWriteRequest(t *testing.T, f *HTTPGetFuture) (sent bool, err error) {
	t.Helper()
	return within5s(t, "writeRequest", f.writeRequest)
}

// callReadResponse calls f.readResponse, failing the test if it never returns.
func callReadResponse(t *testing.T, f *HTTPGetFuture) (eof bool, err error) {
	t.Helper()
	return within5s(t, "readResponse", f.readResponse)
}

func TestWriteRequestSendsWholeRequestWhenThereIsRoom(t *testing.T) {
	p := newIOPair(t)
	request := "GET /0/x HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
	f := futureOn(p, request)

	sent, err := callWriteRequest(t, f)

	require.NoError(t, err)
	assert.True(t, sent, "the socket had room for the whole request, so writeRequest must report it as sent")
	assert.Empty(t, f.buf, "once everything is sent, nothing may be left in f.buf")
	assert.Equal(t, request, string(drainPeer(t, p)), "the peer must receive exactly the request bytes")
}

func TestWriteRequestKeepsUnsentRestWhenSocketIsFull(t *testing.T) {
	p := newIOPair(t)
	// Small buffers make the kernel take only part of a large request: a
	// partial write, then EAGAIN, exactly as a slow server would cause.
	require.NoError(t, unix.SetsockoptInt(p.local, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096))
	require.NoError(t, unix.SetsockoptInt(p.peer, unix.SOL_SOCKET, unix.SO_RCVBUF, 4096))
	request := stagetest.Pattern(256 << 10)
	f := futureOn(p, string(request))

	sent, err := callWriteRequest(t, f)

	require.NoError(t, err, "a full send buffer (EAGAIN) is not an error: it means 'try again on a later poll'")
	require.False(t, sent, "the socket cannot hold 256 KiB, so the request cannot all be sent yet")
	assert.NotEmpty(t, f.buf, "the bytes the kernel did not take must stay in f.buf for the next poll")
	assert.Less(t, len(f.buf), len(request),
		"the bytes the kernel did take must be cut off the front of f.buf (write returns how many it took)")
}

func TestWriteRequestFinishesPartialRequestOnLaterCalls(t *testing.T) {
	p := newIOPair(t)
	require.NoError(t, unix.SetsockoptInt(p.local, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096))
	require.NoError(t, unix.SetsockoptInt(p.peer, unix.SOL_SOCKET, unix.SO_RCVBUF, 4096))
	request := stagetest.Pattern(256 << 10)
	f := futureOn(p, string(request))

	// Play the part of the poll loop: call writeRequest, let the peer read
	// what arrived, and call again until the request is out.
	var received []byte
	deadline := time.Now().Add(5 * time.Second)
	for {
		sent, err := callWriteRequest(t, f)
		require.NoError(t, err)
		received = append(received, drainPeer(t, p)...)
		if sent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("request not sent after 5s of calls: %d of %d bytes arrived, %d still unsent", len(received), len(request), len(f.buf))
		}
	}

	assert.Empty(t, f.buf, "writeRequest reported the request as sent, so nothing may be left in f.buf")
	assert.True(t, bytes.Equal(request, received),
		"the peer must receive every byte of the request exactly once and in order: got %d bytes for %d sent", len(received), len(request))
}

func TestWriteRequestReportsBrokenConnection(t *testing.T) {
	p := newIOPair(t)
	p.closePeer(t)
	f := futureOn(p, "GET /0/x HTTP/1.1\r\n\r\n")

	sent, err := callWriteRequest(t, f)

	assert.False(t, sent)
	assert.ErrorIs(t, err, unix.EPIPE,
		"writing to a connection the peer has closed must fail with the kernel's error (EPIPE), wrapped with %w so callers can recognise it")
}

func TestReadResponseIsNotDoneWhenNothingHasArrived(t *testing.T) {
	p := newIOPair(t)
	f := futureOn(p, "")

	eof, err := callReadResponse(t, f)

	require.NoError(t, err, "EAGAIN means 'nothing yet', not an error")
	assert.False(t, eof, "the peer is still connected, so the answer has not ended")
	assert.Empty(t, f.buf)
}

func TestReadResponseCollectsEverythingThatHasArrived(t *testing.T) {
	p := newIOPair(t)
	answer := stagetest.Pattern(3*4096 + 100)
	writeAtPeer(t, p, answer)
	f := futureOn(p, "")

	eof, err := callReadResponse(t, f)

	require.NoError(t, err)
	assert.False(t, eof, "the peer is still connected, so the answer has not ended")
	assert.True(t, bytes.Equal(answer, f.buf),
		"one call must read until EAGAIN, not just once: got %d of the %d bytes waiting (edge-triggered epoll will not report bytes that were already there)", len(f.buf), len(answer))
}

func TestReadResponseAddsToWhatEarlierCallsRead(t *testing.T) {
	p := newIOPair(t)
	f := futureOn(p, "")

	writeAtPeer(t, p, []byte("HTTP/1.1 200 OK\r\n"))
	_, err := callReadResponse(t, f)
	require.NoError(t, err)
	writeAtPeer(t, p, []byte("Content-Length: 0\r\n\r\n"))
	_, err = callReadResponse(t, f)
	require.NoError(t, err)

	assert.Equal(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", string(f.buf),
		"bytes from every call must be appended to f.buf: the answer arrives over several polls")
}

func TestReadResponseReportsEOFWhenPeerCloses(t *testing.T) {
	p := newIOPair(t)
	writeAtPeer(t, p, []byte("bye"))
	p.closePeer(t)
	f := futureOn(p, "")

	eof, err := callReadResponse(t, f)

	require.NoError(t, err, "EOF is how the answer ends (Connection: close), not an error")
	assert.True(t, eof, "a read of 0 bytes means the peer has closed: readResponse must report EOF")
	assert.Equal(t, "bye", string(f.buf), "the bytes before EOF must be kept")
}

func TestReadResponseReportsConnectionReset(t *testing.T) {
	p := newIOPair(t)
	// Closing a socket that still has unread bytes resets the connection:
	// the other end's next read fails with ECONNRESET.
	_, err := unix.Write(p.local, []byte("request nobody reads"))
	require.NoError(t, err)
	p.closePeer(t)
	f := futureOn(p, "")

	eof, err := callReadResponse(t, f)

	assert.False(t, eof)
	assert.ErrorIs(t, err, unix.ECONNRESET,
		"a read error other than EAGAIN or EINTR must be returned, wrapped with %w")
}

func TestReadResponseRefusesAnswerOverLimit(t *testing.T) {
	p := newIOPair(t)
	f := futureOn(p, "")
	f.buf = make([]byte, maxResponseBytes-2)
	writeAtPeer(t, p, []byte("xyz"))

	_, err := callReadResponse(t, f)

	require.Error(t, err, "an answer of more than maxResponseBytes must be refused with an error")
	assert.LessOrEqual(t, len(f.buf), maxResponseBytes,
		"f.buf must never grow past maxResponseBytes, or a server that never stops sending fills the memory")
}

func TestReadResponseAcceptsAnAnswerOfExactlyTheLimit(t *testing.T) {
	p := newIOPair(t)
	f := futureOn(p, "")
	f.buf = make([]byte, maxResponseBytes-2)
	writeAtPeer(t, p, []byte("yz"))
	p.closePeer(t)

	eof, err := callReadResponse(t, f)

	require.NoError(t, err, "an answer of exactly maxResponseBytes is within the limit: only a byte more is refused (compare with >, not >=)")
	assert.True(t, eof)
	assert.Len(t, f.buf, maxResponseBytes)
}
