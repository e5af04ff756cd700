//go:build linux || darwin || freebsd

// This file is the HTTP GET future: one request over a raw non-blocking TCP
// socket, pushed forward a little further on every poll and never waiting.
// Since stage 03 the future registers its socket with the reactor under an
// id, and leaves the waker of each poll with it, so that the reactor wakes
// exactly this future's task when the socket has news.

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// maxResponseBytes bounds how much the future keeps of an answer, so that a
// broken server that never stops sending cannot make the buffer grow forever.
const maxResponseBytes = 1 << 20

// errPolledAfterDone is the answer to a poll that comes after the future has
// already handed out its result, or after it was closed. Polling a finished
// future is a bug in the caller; reporting it as an error keeps the program
// alive to say so.
var errPolledAfterDone = errors.New("future polled again after it finished or was closed")

// Registrar is what the HTTP future needs from the reactor: an id for its
// registration, a way to have its socket watched, to leave the waker to
// call when the socket has an event, and to stop all that again. *Reactor
// is the real one; tests pass a fake that records the calls and wakes on
// command.
type Registrar interface {
	NextID() int
	Register(fd, id int) error
	SetWaker(id int, w Waker) error
	Deregister(fd, id int) error
}

// HTTPClient makes HTTP GET futures that talk to one target. It carries the
// dependencies every request needs, so that nothing is hidden in a global.
type HTTPClient struct {
	// Target is the server to talk to (address, Host header, socket domain).
	Target *target.Target
	// Reactor watches the futures' sockets and wakes their tasks.
	Reactor Registrar
	// Out receives the "FIRST POLL - START OPERATION" line; nil discards it.
	Out io.Writer
}

// Get returns a future for "GET path" on the client's target. Nothing
// happens yet: like every future, it does no work until it is polled.
func (c *HTTPClient) Get(path string) *HTTPGetFuture {
	out := c.Out
	if out == nil {
		out = io.Discard
	}
	request := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, c.Target.Host)
	return &HTTPGetFuture{
		target:  c.Target,
		reactor: c.Reactor,
		path:    path,
		out:     out,
		fd:      -1,
		unsent:  []byte(request),
	}
}

// httpState says which step of the request the future is in. Each poll
// continues from the step where the previous poll had to stop.
type httpState int

const (
	httpStart      httpState = iota // not polled yet: no socket exists
	httpConnecting                  // connect started; the handshake is under way
	httpWriting                     // connected; sending the request bytes
	httpReading                     // request sent; collecting the answer until EOF
	httpDone                        // result handed out; the socket is closed
)

// String names the state, so test failures can say where a future stopped.
func (s httpState) String() string {
	switch s {
	case httpStart:
		return "start"
	case httpConnecting:
		return "connecting"
	case httpWriting:
		return "writing"
	case httpReading:
		return "reading"
	case httpDone:
		return "done"
	}
	return fmt.Sprintf("httpState(%d)", int(s))
}

// HTTPGetFuture is one HTTP GET request as a state machine. Its value is the
// response body. It owns a socket from its first poll until it finishes,
// and it deregisters and closes that socket whether it succeeds or fails,
// or is abandoned with Close.
type HTTPGetFuture struct {
	target  *target.Target
	reactor Registrar
	path    string
	out     io.Writer

	state      httpState
	fd         int    // the socket; -1 when there is none
	id         int    // the reactor registration id of fd
	registered bool   // whether fd is on the reactor's watch list
	unsent     []byte // the part of the request not yet written
	received   []byte // every byte of the answer read so far
}

// Poll drives the request as far as it can go without waiting.
//
// The switch is the state machine: each case does one step and either moves
// to the next state (and loops round to try that step too) or returns
// Pending because the socket is not ready for the step yet. A step that
// fails closes the socket and finishes the future with the error.
//
// Every Pending goes through pending, which hands w to the reactor: the
// reactor then wakes the task of this poll when the socket has an event.
//
//workbook:exercise s03-http-poll
func (f *HTTPGetFuture) Poll(w Waker) Poll[string] {
	for {
		switch f.state {
		case httpStart:
			fmt.Fprintln(f.out, "FIRST POLL - START OPERATION")
			connected, err := f.startConnect(w)
			if err != nil {
				return f.fail(err)
			}
			f.state = httpConnecting
			if connected {
				f.state = httpWriting
			}
		case httpConnecting:
			connected, err := f.checkConnected()
			if err != nil {
				return f.fail(err)
			}
			if !connected {
				return f.pending(w)
			}
			f.state = httpWriting
		case httpWriting:
			sent, err := f.writeRequest()
			if err != nil {
				return f.fail(err)
			}
			if !sent {
				return f.pending(w)
			}
			f.state = httpReading
		case httpReading:
			eof, err := f.readResponse()
			if err != nil {
				return f.fail(err)
			}
			if !eof {
				return f.pending(w)
			}
			f.closeSocket()
			f.state = httpDone
			body, err := parseResponse(f.received)
			if err != nil {
				return Failed[string](f.describe(err))
			}
			return Ready(body)
		default: // httpDone
			return Failed[string](errPolledAfterDone)
		}
	}
}

// pending is the answer "not yet", after making sure the reactor holds w,
// the waker of this poll, for the socket. A later poll may come with a
// different waker (the task may have moved); only the latest reaches it.
//
// Should the reactor refuse (its event loop has stopped), nothing would
// ever wake the task, so the request fails now instead of waiting for ever.
func (f *HTTPGetFuture) pending(w Waker) Poll[string] {
	if err := f.reactor.SetWaker(f.id, w); err != nil {
		return f.fail(err)
	}
	return Pending[string]()
}

// startConnect creates a non-blocking socket, starts connecting it, and
// registers it with the reactor, leaving w as the waker to call.
//
// A blocking connect would sit in the kernel for a whole round trip. A
// non-blocking one returns at once: usually with EINPROGRESS, which is not a
// failure but "the handshake has started, ask me later". On loopback the
// kernel may also finish (or refuse) the connection before connect returns,
// so connected can be true straight away.
//
// The socket is registered after connect, not before: a fresh socket that
// has not started connecting counts as hung up, and epoll (Linux) would report that
// at once as an event that means nothing. The waker is set before the
// socket is registered: the reactor's thread may see an event the moment
// the socket is on the poller's list, and needs a waker to call by then.
func (f *HTTPGetFuture) startConnect(w Waker) (connected bool, err error) {
	// A raw socket, not a net.Conn: newSocket (socket_linux.go,
	// socket_bsd.go) is socket(2) with the non-blocking and close-on-exec
	// flags, and every later step is a plain system call on fd.
	fd, err := newSocket(f.target.Domain())
	if err != nil {
		return false, fmt.Errorf("create socket: %w", err)
	}
	f.fd = fd
	err = unix.Connect(fd, f.target.Sockaddr())
	switch {
	case err == nil:
		connected = true
	case errors.Is(err, unix.EINPROGRESS), errors.Is(err, unix.EINTR):
		// EINTR here means a signal arrived, but the handshake carries on
		// in the background exactly as with EINPROGRESS.
		connected = false
	default:
		return false, fmt.Errorf("connect: %w", err)
	}
	f.id = f.reactor.NextID()
	if err := f.reactor.SetWaker(f.id, w); err != nil {
		return false, err
	}
	// From here on closeSocket deregisters, which also forgets the waker,
	// even if Register itself fails.
	f.registered = true
	if err := f.reactor.Register(fd, f.id); err != nil {
		return false, err
	}
	return connected, nil
}

// checkConnected asks, without waiting, whether the handshake has finished.
//
// Once the socket is connected it has a peer, so Getpeername succeeds. While
// it fails, the socket's pending error (SO_ERROR) tells apart "still
// connecting" (0) from "the connection failed" (for example ECONNREFUSED).
func (f *HTTPGetFuture) checkConnected() (connected bool, err error) {
	if _, err := unix.Getpeername(f.fd); err == nil {
		return true, nil
	}
	soErr, err := unix.GetsockoptInt(f.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return false, fmt.Errorf("check connection: %w", err)
	}
	if soErr != 0 {
		return false, fmt.Errorf("connect: %w", unix.Errno(soErr))
	}
	return false, nil
}

// writeRequest sends what is left of the request and reports whether all of
// it has gone.
//
// A write may take only part of the bytes (a partial write) or none at all
// (EAGAIN: the socket's send buffer is full). Either way the rest stays in
// f.unsent for the next poll. EINTR means a signal interrupted the call
// before anything was written, so the write is simply tried again.
//
//workbook:exercise s01-socket-io
func (f *HTTPGetFuture) writeRequest() (sent bool, err error) {
	for len(f.unsent) > 0 {
		n, err := unix.Write(f.fd, f.unsent)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("write request: %w", err)
		}
		f.unsent = f.unsent[n:]
	}
	return true, nil
}

// readResponse reads everything the socket holds right now and reports
// whether the server has closed the connection (EOF), which with
// "Connection: close" marks the end of the answer.
//
// It keeps reading until the kernel says EAGAIN ("nothing more for now"),
// so one poll collects all the bytes that have arrived. A read of 0 bytes is
// EOF.
//
//workbook:exercise s01-socket-io
func (f *HTTPGetFuture) readResponse() (eof bool, err error) {
	var chunk [4096]byte
	for {
		n, err := unix.Read(f.fd, chunk[:])
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read response: %w", err)
		case n == 0:
			return true, nil
		}
		if len(f.received)+n > maxResponseBytes {
			return false, fmt.Errorf("read response: the answer is larger than %d bytes", maxResponseBytes)
		}
		f.received = append(f.received, chunk[:n]...)
	}
}

// parseResponse turns the raw bytes of a complete answer into its body.
//
// The bytes were collected by hand, but parsing HTTP is not the lesson, so
// net/http does it: status line, headers, Content-Length or chunked bodies.
// A body shorter than the headers promise is an error, as is any status
// outside 2xx.
func parseResponse(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", errors.New("the server closed the connection without answering")
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), &http.Request{Method: http.MethodGet})
	if err != nil {
		return "", fmt.Errorf("malformed response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("response body cut short: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("server answered %s: %s", resp.Status, firstLine(body))
	}
	return string(body), nil
}

// firstLine keeps an error body readable on one line of a terminal.
func firstLine(body []byte) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if len(line) > 200 {
		line = line[:200] + "..."
	}
	return line
}

// fail ends the request with err: it closes the socket so nothing leaks,
// and marks the future done so a further poll cannot touch the closed fd.
func (f *HTTPGetFuture) fail(err error) Poll[string] {
	f.closeSocket()
	f.state = httpDone
	return Failed[string](f.describe(err))
}

// describe says which request failed, so an error is understandable without
// knowing which of several futures produced it.
func (f *HTTPGetFuture) describe(err error) error {
	return fmt.Errorf("GET %s from %s: %w", f.path, f.target.Host, err)
}

// Close abandons the request: it releases the socket, if the future still
// has one, and finishes the future. Go has no destructors, so whoever gives
// up on a future before it is done (the executor, when another task has
// failed) calls Close; in Rust, dropping the future does this.
func (f *HTTPGetFuture) Close() error {
	f.closeSocket()
	f.state = httpDone
	return nil
}

// closeSocket takes the socket off the reactor's watch list (which also
// drops the waker) and closes it, if the future has one. The request is
// over either way, so errors here would have nobody to act on them.
func (f *HTTPGetFuture) closeSocket() {
	if f.fd < 0 {
		return
	}
	if f.registered {
		_ = f.reactor.Deregister(f.fd, f.id)
		f.registered = false
	}
	_ = unix.Close(f.fd)
	f.fd = -1
}
