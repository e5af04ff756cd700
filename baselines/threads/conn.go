//go:build linux || darwin || freebsd

// conn.go is a blocking TCP socket with a deadline: every system call on it
// puts the calling thread to sleep in the kernel until it is done, but never
// past the deadline of the whole request.
//
// A blocking socket has no deadline of its own. The kernel offers timeouts
// per call (SO_RCVTIMEO, SO_SNDTIMEO), which alone would let a server that
// sends one byte every 100 ms hold a request for ever: each read returns in
// time. So before each call the socket's timeout is set to the time left
// until the deadline, and a call that finds none left fails.

package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// errDeadline says the request's deadline passed.
var errDeadline = errors.New("deadline passed")

// blockingConn is a connected blocking socket and the request's deadline.
type blockingConn struct {
	fd       int
	deadline time.Time
}

// dial opens a blocking socket and connects it to t before deadline.
func dial(t *target.Target, deadline time.Time) (*blockingConn, error) {
	fd, err := blockingSocket(t.Domain())
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	c := &blockingConn{fd: fd, deadline: deadline}
	if err := c.connect(t.Sockaddr()); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", t.AddrPort, err)
	}
	return c, nil
}

// connect connects the socket before the deadline. A blocking connect(2)
// waits as long as TCP likes, over a minute when no answer comes, and only
// Linux lets SO_SNDTIMEO cut it short; so, as C programs have long done, the
// connect is started non-blocking and waited for with poll(2) for the time
// left. The thread sleeps in poll instead of connect; the socket is blocking
// again afterwards.
func (c *blockingConn) connect(sa unix.Sockaddr) error {
	if err := unix.SetNonblock(c.fd, true); err != nil {
		return fmt.Errorf("make the socket non-blocking: %w", err)
	}
	err := unix.Connect(c.fd, sa)
	if errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EINTR) {
		err = c.awaitConnect()
	}
	if err != nil {
		return err
	}
	if err := unix.SetNonblock(c.fd, false); err != nil {
		return fmt.Errorf("make the socket blocking: %w", err)
	}
	return nil
}

// awaitConnect waits until the handshake is over (the socket is writable)
// or the deadline passes, then asks the socket how the handshake ended.
func (c *blockingConn) awaitConnect() error {
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLOUT}}
	for {
		left := time.Until(c.deadline)
		if left <= 0 {
			return errDeadline
		}
		// poll counts whole milliseconds; round up so as not to spin.
		n, err := unix.Poll(fds, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		if n > 0 {
			break
		}
	}
	soErr, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if soErr != 0 {
		return unix.Errno(soErr)
	}
	return nil
}

// Read reads into p with read(2), the thread asleep until bytes arrive, the
// server closes, or the deadline passes. It makes blockingConn an
// io.Reader, so net/http can parse the answer straight from the socket.
func (c *blockingConn) Read(p []byte) (int, error) {
	for {
		if err := c.limitNextCall(unix.SO_RCVTIMEO); err != nil {
			return 0, err
		}
		n, err := unix.Read(c.fd, p)
		switch {
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			// A signal, or the timeout set above: try again with the time
			// left, which limitNextCall turns into errDeadline once gone.
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// writeAll writes all of buf with write(2), which may take several calls.
func (c *blockingConn) writeAll(buf []byte) error {
	for len(buf) > 0 {
		if err := c.limitNextCall(unix.SO_SNDTIMEO); err != nil {
			return err
		}
		n, err := unix.Write(c.fd, buf)
		switch {
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			continue
		case err != nil:
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// limitNextCall sets the socket's timeout opt (SO_RCVTIMEO or SO_SNDTIMEO)
// to the time left until the deadline, or returns errDeadline when none is
// left.
func (c *blockingConn) limitNextCall(opt int) error {
	left := time.Until(c.deadline)
	if left <= 0 {
		return errDeadline
	}
	tv := unix.NsecToTimeval(left.Nanoseconds())
	if tv.Sec == 0 && tv.Usec == 0 {
		tv.Usec = 1 // a zero timeout would mean none at all
	}
	if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, opt, &tv); err != nil {
		return fmt.Errorf("set the socket's timeout: %w", err)
	}
	return nil
}

// Close closes the socket.
func (c *blockingConn) Close() error { return unix.Close(c.fd) }
