//go:build linux || darwin || freebsd

// This file is the HTTP GET future: one request over a raw non-blocking TCP
// socket, pushed forward a little further on every poll and never waiting.
// The future registers its socket with the reactor under an id, and leaves
// its waker with it, so that the reactor wakes exactly this future's task
// when the socket has news. Made for running thousands of them: no line per
// request unless asked for, SetWaker only when the waker changed, pooled
// parse buffers, four system calls fewer per request than stage 05's
// future (see start, sendRequest and closeSocket), and the socket calls
// made raw, out of sight of Go's scheduler (rawsyscall_linux.go says why
// that is safe).

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

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
// call when the socket has an event, and to forget all that again before
// the socket is closed. *Reactor is the real one; tests pass a fake that
// records the calls and wakes on command.
type Registrar interface {
	NextID() int
	Stopped() bool
	Register(fd, id int, interest Interest) error
	SetWaker(id int, w Waker) error
	Forget(fd, id int)
}

// HTTPClient makes HTTP GET futures that talk to one target. It carries the
// dependencies every request needs, so that nothing is hidden in a global.
type HTTPClient struct {
	// Target is the server to talk to (address, Host header, socket domain).
	Target *target.Target
	// Reactor watches the futures' sockets and wakes their tasks.
	Reactor Registrar
	// Out receives the "FIRST POLL - START OPERATION" line; nil prints
	// nothing (the program leaves it nil: with thousands of requests the
	// line is noise, and stdout becomes the bottleneck).
	Out io.Writer

	// shared is the copy of the three fields above that the client's
	// futures point to, made by the first Get.
	shared *clientShared
}

// clientShared is what every future of one client needs and none changes:
// kept once per client and reached through one pointer, it costs each
// waiting request 8 bytes instead of 40 (a pointer and two interfaces),
// which keeps the HTTP future in Go's 128-byte size class.
type clientShared struct {
	target  *target.Target
	reactor Registrar
	out     io.Writer
}

// Get returns a future for "GET path" on the client's target. Nothing
// happens yet: like every future, it does no work until it is polled.
//
// A client's fields must be set before its first Get and not changed
// after, and only one goroutine may call Get: in this program each
// executor has a client of its own.
func (c *HTTPClient) Get(path string) *HTTPGetFuture {
	if c.shared == nil {
		c.shared = &clientShared{target: c.Target, reactor: c.Reactor, out: c.Out}
	}
	return &HTTPGetFuture{
		clientShared: c.shared,
		path:         path,
		fd:           -1,
		buf:          []byte(requestText(c.Target.Host, path)),
	}
}

// requestText is the whole GET request for path. "Connection: close" asks the
// server to close the connection after the response, so that reading until
// end of file reads exactly one response.
func requestText(host, path string) string {
	return "GET " + path + " HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Connection: close\r\n" +
		"\r\n"
}

// httpState says which step of the request the future is in. Each poll
// continues from the step where the previous poll had to stop. A byte is
// room enough for four steps, and lets the state share a word of the
// future with its two flags (see HTTPGetFuture).
type httpState uint8

const (
	httpStart   httpState = iota // not polled yet: no socket exists
	httpWriting                  // connect started; the handshake, or room for the rest of the request, is still to come
	httpReading                  // request sent; collecting the answer until EOF
	httpDone                     // result handed out; the socket is closed
)

// There is no "connecting" state of its own: the write is the check
// (see sendRequest), so a socket still connecting is one whose request is
// not written yet.

// String names the state, so test failures can say where a future stopped.
func (s httpState) String() string {
	switch s {
	case httpStart:
		return "start"
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
	*clientShared // target, reactor and out, the same for every request of the client
	path          string

	// The state and the two flags take a byte each, so together they fill
	// one word; declared apart (an int between them), each would be padded
	// to a word of its own, and the future would take 104 bytes, which Go
	// rounds up to 112, instead of 88, which it rounds up to 96.
	state      httpState
	registered bool // whether the future holds a registration (id) with the reactor, to give back when the socket closes
	connected  bool // whether the kernel has taken a byte of the request (so the handshake is over)

	fd        int   // the socket; -1 when there is none
	id        int   // the reactor registration id of fd
	lastWaker Waker // the waker the reactor holds for id

	// buf holds the bytes of the step the future is in: while writing, the
	// part of the request not yet written; while reading, every byte of
	// the answer read so far. The two are never needed at once (the
	// request's bytes are let go the moment the last of them is written),
	// so one slice serves both, and the future fits Go's 96-byte size
	// class instead of 112. A Rust future gets this for free: its states
	// are the variants of an enum, which share their memory; a Go struct
	// holds every field of every state at once.
	buf []byte
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
// Stage 04's machine had four steps: connect, check the connection, write,
// read. Here start connects and writes in one go, and the first poll usually
// ends with the request sent and the socket registered for reading only.
// Then it returns without trying to read: start registered the socket after
// the write, and registering reports what is there already, so any answer,
// early or late, comes as a wake-up. (After a wake-up the read is tried at
// once: the wake-up was that answer's announcement, and no second one comes.)
//
//workbook:exercise s06-http-poll
func (f *HTTPGetFuture) Poll(w Waker) Poll[string] {
	for {
		switch f.state {
		case httpStart:
			if f.out != nil {
				fmt.Fprintln(f.out, "FIRST POLL - START OPERATION")
			}
			if err := f.start(w); err != nil {
				return f.fail(err)
			}
			return f.pending(w)
		case httpWriting:
			sent, err := f.sendRequest()
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
			body, err := parseResponse(f.buf)
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
//
// When w is the waker the reactor already holds, which in this program is
// every poll after the first (a task never moves between executors), there
// is nothing to replace, and the trip through the reactor's one shared lock
// is skipped (Rust's futures do the same with Waker::will_wake). Only an
// atomic flag is read instead, so that a reactor that has stopped is still
// noticed: it wakes every task as it stops, this poll is the result, and
// SetWaker then reports why.
func (f *HTTPGetFuture) pending(w Waker) Poll[string] {
	if w == f.lastWaker && !f.reactor.Stopped() {
		return Pending[string]()
	}
	if err := f.reactor.SetWaker(f.id, w); err != nil {
		return f.fail(err)
	}
	f.lastWaker = w
	return Pending[string]()
}

// start creates a non-blocking socket, starts connecting it, sends as much
// of the request as the socket takes, and registers it with the reactor for
// what is still to come, leaving w as the waker to call. It leaves the
// future in httpReading (the whole request went out) or httpWriting.
//
// A blocking connect would sit in the kernel for a whole round trip. A
// non-blocking one returns at once, usually with EINPROGRESS: "the handshake
// has started". Stage 04 then waited for the socket to become writable and
// asked whether the connect had worked. Here the request is written
// straight away instead: on loopback the handshake is nearly always over by
// then, the write succeeds, and the wait and the question are saved. When it
// is not over, the write says so, and the future waits after all (see
// sendRequest).
//
// Registering after the write, with the interest the future now has, is what
// saves a wake-up: a connected socket registered for Writable is reported
// writable the moment it is registered, which would wake the task once for
// nothing. Only a future that still has bytes to send asks for Writable.
// Nothing is lost by registering late: registering reports what is there
// already, data that arrived in the meantime included.
//
// The waker is set before the socket is registered: the reactor's thread may
// see an event the moment the socket is on the poller's list, and needs a
// waker to call by then.
func (f *HTTPGetFuture) start(w Waker) error {
	// A raw socket, not a net.Conn: newSocket (socket_linux.go,
	// socket_bsd.go) is socket(2) with the non-blocking and close-on-exec
	// flags, and every later step is a plain system call on fd. In this
	// stage the calls are raw ones (rawConnect, rawWrite, rawRead,
	// rawClose), which skip the bookkeeping Go does for calls that might
	// block; rawsyscall_linux.go explains.
	fd, err := newSocket(f.target.Domain())
	if err != nil {
		return fmt.Errorf("create socket: %w", err)
	}
	f.fd = fd
	err = rawConnect(fd, f.target.AddrPort)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) && !errors.Is(err, unix.EINTR) {
		// EINTR means a signal arrived, but the handshake carries on in the
		// background exactly as with EINPROGRESS.
		return fmt.Errorf("connect: %w", err)
	}
	sent, err := f.sendRequest()
	if err != nil {
		return err
	}
	interest := Readable
	f.state = httpReading
	if !sent {
		interest |= Writable
		f.state = httpWriting
	}
	// From NextID on the future holds a registration, a slot in the
	// reactor's slab of wakers, and closeSocket gives it back (Forget),
	// even if SetWaker or Register fails.
	f.id = f.reactor.NextID()
	f.registered = true
	if err := f.reactor.SetWaker(f.id, w); err != nil {
		return err
	}
	f.lastWaker = w
	return f.reactor.Register(fd, f.id, interest)
}

// sendRequest writes what is left of the request on a socket whose connect
// may not have finished, and so also answers stage 04's checkConnected
// question "is the handshake over, and did it work?":
//
//   - The kernel takes bytes: connected. From then on an error is the
//     write's own.
//   - Before the first byte, EAGAIN (Linux) or ENOTCONN (macOS, FreeBSD):
//     still connecting. writeRequest turns EAGAIN into "not sent yet";
//     ENOTCONN is turned into the same here.
//   - Before the first byte, any other error: the socket's pending error,
//     which is the connect's (ECONNREFUSED when nobody listens), so it is
//     reported as the connect's.
func (f *HTTPGetFuture) sendRequest() (sent bool, err error) {
	before := len(f.buf)
	sent, err = f.writeRequest()
	if len(f.buf) < before {
		f.connected = true
	}
	if sent {
		// The emptied slice still points into the request's bytes and would
		// keep them alive while the answer takes its time: some 70 bytes a
		// request, two thirds of a megabyte with 10,000 waiting.
		f.buf = nil
	}
	if err == nil || f.connected {
		return sent, err
	}
	if errors.Is(err, unix.ENOTCONN) {
		return false, nil
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return false, fmt.Errorf("connect: %w", errno)
	}
	return false, err
}

// writeRequest sends what is left of the request and reports whether all of
// it has gone.
//
// A write may take only part of the bytes (a partial write) or none at all
// (EAGAIN: the socket's send buffer is full). Either way the rest stays in
// f.buf for the next poll. EINTR means a signal interrupted the call
// before anything was written, so the write is simply tried again.
//
//workbook:exercise s06-raw-socket-io
func (f *HTTPGetFuture) writeRequest() (sent bool, err error) {
	for len(f.buf) > 0 {
		n, err := rawWrite(f.fd, f.buf)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("write request: %w", err)
		}
		f.buf = f.buf[n:]
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
//workbook:exercise s06-raw-socket-io
func (f *HTTPGetFuture) readResponse() (eof bool, err error) {
	var chunk [4096]byte
	for {
		n, err := rawRead(f.fd, chunk[:])
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
		if len(f.buf)+n > maxResponseBytes {
			return false, fmt.Errorf("read response: the answer is larger than %d bytes", maxResponseBytes)
		}
		f.buf = append(f.buf, chunk[:n]...)
	}
}

// parseResponse turns the raw bytes of a complete answer into its body.
//
// The bytes were collected by hand, but parsing HTTP is not the lesson, so
// net/http does it: status line, headers, Content-Length or chunked bodies.
// A body shorter than the headers promise is an error, as is any status
// outside 2xx.
//
// With 10,000 answers arriving within a few hundred milliseconds, what a
// parse leaves behind for the garbage collector adds up to the process's
// peak memory, so everything around the call is reused rather than made
// per answer (responseParser): the reader over raw, the buffered reader
// net/http reads from, the request it is told the answer belongs to, and
// the buffer the body is read into. What is left is net/http's own: the
// Response, its Header and their strings.
func parseResponse(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", errors.New("the server closed the connection without answering")
	}
	p := responseParsers.Get().(*responseParser)
	defer p.release()
	p.raw.Reset(raw)
	p.reader.Reset(&p.raw)
	resp, err := http.ReadResponse(p.reader, getRequest)
	if err != nil {
		return "", fmt.Errorf("malformed response: %w", err)
	}
	defer resp.Body.Close()
	if _, err := p.body.ReadFrom(resp.Body); err != nil {
		return "", fmt.Errorf("response body cut short: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("server answered %s: %s", resp.Status, errorBodyLine(p.body.Bytes()))
	}
	return p.body.String(), nil
}

// getRequest is the request every answer is parsed for: ReadResponse only
// reads its method (a GET's answer has a body, a HEAD's has none), so one
// serves every parse on every thread.
var getRequest = &http.Request{Method: http.MethodGet}

// responseParser is what parseResponse reuses from one answer to the next.
type responseParser struct {
	raw    bytes.Reader  // over the answer's bytes
	reader *bufio.Reader // what net/http reads from, over raw
	body   bytes.Buffer  // the body, until it is copied into the result's string
}

// responseParsers keeps a few responseParsers per thread: parses on one
// executor's thread take turns with the same one.
var responseParsers = sync.Pool{
	New: func() any { return &responseParser{reader: bufio.NewReader(nil)} },
}

// maxKeptBodyBuffer is the largest body buffer a parser keeps for the next
// answer: one huge answer must not pin its megabyte in the pool.
const maxKeptBodyBuffer = 64 << 10

// release lets go of the answer and returns p to the pool.
func (p *responseParser) release() {
	p.reader.Reset(nil)
	p.raw.Reset(nil)
	if p.body.Cap() > maxKeptBodyBuffer {
		p.body = bytes.Buffer{}
	}
	p.body.Reset()
	responseParsers.Put(p)
}

// errorBodyLine keeps an error body readable on one line of a terminal.
func errorBodyLine(body []byte) string {
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

// closeSocket has the reactor forget the registration (its waker) and closes
// the socket, if the future has one. The request is over either way, so
// errors here would have nobody to act on them.
//
// Stages 02 to 05 deregister first (epoll_ctl DEL), then close. Closing
// alone takes the socket off the poller's list, so this saves that system
// call; see Reactor.Forget for why that is safe here.
func (f *HTTPGetFuture) closeSocket() {
	if f.fd < 0 {
		return
	}
	if f.registered {
		f.reactor.Forget(f.fd, f.id)
		f.registered = false
	}
	_ = rawClose(f.fd)
	f.fd = -1
}
