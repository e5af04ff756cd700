//go:build linux || darwin || freebsd

// mode_threads.go is the blocking version the book suggests trying: one OS
// thread per request, each blocked in read(2) on a blocking socket while its
// response is delayed. It shows what the runtime of this workbook saves: here
// every waiting request costs a whole thread (a kernel task, a stack, a place
// in the scheduler); in the runtime mode a waiting request is a few bytes in a
// map and the executors' threads stay free.
//
// This file is what runs in the child process; threads_child.go starts that
// process and reports on it, because the OS refusing a thread kills a Go
// program outright.

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runThreads makes every request of the plan at once, each on its own OS
// thread, and returns when all have answered or failed. Request failures are
// reported to r, not returned.
func runThreads(t *target.Target, p Plan, r *Results) error {
	var wg sync.WaitGroup
	for executor := range p.Executors {
		for i := range p.Requests {
			wg.Go(func() {
				// Locking without ever unlocking gives this goroutine a thread
				// of its own for its whole life, and when the goroutine ends
				// the runtime ends the thread instead of reusing it: the
				// program behaves like the thread-per-request servers of old.
				// The blocking system calls below then hold that thread; the
				// Go scheduler hands its P to another thread (creating one if
				// needed), so every waiting request really costs a thread.
				runtime.LockOSThread()
				body, err := blockingGet(t, p.Path(i), p.RequestTimeout())
				if err != nil {
					r.Fail(executor, i, err)
					return
				}
				r.Done(executor, i, body)
			})
		}
	}
	wg.Wait()
	return nil
}

// blockingGet does one GET on a blocking socket: connect, write and read each
// put the calling thread to sleep in the kernel until they are done.
func blockingGet(t *target.Target, path string, timeout time.Duration) (string, error) {
	// A blocking socket, unlike the runtime's non-blocking ones: this is the
	// whole difference between the modes.
	fd, err := blockingSocket(t.Domain())
	if err != nil {
		return "", fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)

	// A blocking socket would wait forever for a server that never answers;
	// kernel timeouts turn that into EAGAIN. They also make the kernel return
	// EINTR instead of restarting a call that a signal interrupts, which the
	// loops below handle. (Linux applies the send timeout to connect too;
	// macOS and FreeBSD do not, and a connect that gets no answer there waits
	// for TCP's own connect timeout, about 75 s.)
	tv := unix.NsecToTimeval(timeout.Nanoseconds())
	for _, opt := range []int{unix.SO_RCVTIMEO, unix.SO_SNDTIMEO} {
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, opt, &tv); err != nil {
			return "", fmt.Errorf("set socket timeout: %w", err)
		}
	}

	addr := t.AddrPort.String()
	if err := connectBlocking(fd, t.Sockaddr(), timeout); err != nil {
		return "", fmt.Errorf("connect %s: %w", addr, err)
	}
	if err := writeAll(fd, []byte(requestText(t.Host, path))); err != nil {
		return "", fmt.Errorf("send GET %s: %w", path, err)
	}
	raw, err := readToEOF(fd)
	if err != nil {
		return "", fmt.Errorf("read response to GET %s: %w", path, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return "", fmt.Errorf("parse response to GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read body of GET %s: %w", path, err)
	}
	return checkStatus(path, resp, body)
}

// errTimedOut is what a blocking call reports when the socket timeout fires.
var errTimedOut = errors.New("timed out (socket timeout)")

// connectBlocking connects a blocking socket. A signal can interrupt connect
// with EINTR; unlike read and write, connect cannot simply be called again,
// because the handshake carries on in the kernel (a second connect would say
// EALREADY). So after EINTR we wait for the socket to become writable, which
// is when the handshake is over, and ask the socket how it ended.
func connectBlocking(fd int, sa unix.Sockaddr, timeout time.Duration) error {
	err := unix.Connect(fd, sa)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINPROGRESS):
		return errTimedOut
	case !errors.Is(err, unix.EINTR):
		return err
	}
	deadline := time.Now().Add(timeout)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return errTimedOut
		}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
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
	soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if soErr != 0 {
		return unix.Errno(soErr)
	}
	return nil
}

// writeAll writes the whole buffer. write(2) may write less than asked, and a
// signal may interrupt it before it writes anything (EINTR): both just mean
// "write the rest".
func writeAll(fd int, buf []byte) error {
	for len(buf) > 0 {
		n, err := unix.Write(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return errTimedOut
		}
		if err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// readToEOF reads until the server closes the connection. The thread sleeps
// in read(2) for the whole delay: that sleeping thread is what this mode
// costs per request.
func readToEOF(fd int) ([]byte, error) {
	var raw []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return nil, errTimedOut
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return raw, nil
		}
		raw = append(raw, buf[:n]...)
	}
}
