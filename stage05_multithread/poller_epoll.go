//go:build linux

// This file is the reactor's window on the Linux kernel: an epoll instance
// behind the handful of functions the Reactor uses (newPoller, add, remove,
// wait, interrupt, close). poller_kqueue.go has the same functions for
// macOS and FreeBSD, so reactor.go never names an OS call.

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// socketInterest is what the poller asks epoll to report for a socket.
//
//   - EPOLLOUT: the socket became writable. For a socket that is connecting,
//     this is how the kernel says the handshake has finished (or failed).
//   - EPOLLIN: bytes arrived, or the peer closed (a read would return 0).
//   - EPOLLRDHUP: the peer shut down its side; with "Connection: close" that
//     is the end of the answer.
//   - EPOLLET (edge-triggered): report a change once, when it happens, not
//     on every wait for as long as it lasts.
//
// Edge-triggered, because a connected socket is writable almost all the
// time: level-triggered, EPOLLOUT would wake the task on every epoll_wait.
// The rule that comes with it: after a wake-up, a future reads or writes
// until EAGAIN, since epoll reports no new edge for bytes already there.
const socketInterest = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET

// poller is an epoll instance, plus the eventfd that interrupt writes to.
type poller struct {
	epfd   int
	wakeFD int               // an eventfd, watched under closeID
	events []unix.EpollEvent // wait's buffer; only the event loop uses it
}

// newPoller creates the epoll instance and the eventfd that can interrupt a
// wait on it.
//
// EPOLL_CLOEXEC and EFD_CLOEXEC keep the fds from leaking into child
// processes; EFD_NONBLOCK keeps a write to a full eventfd from blocking.
func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: create: %w", err)
	}
	wakeFD, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("eventfd: create: %w", err)
	}
	// Level-triggered on purpose: nobody reads the eventfd, so once written
	// it stays readable, and every later epoll_wait reports it again.
	event := unix.EpollEvent{Events: unix.EPOLLIN}
	setEventID(&event, closeID)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakeFD, &event); err != nil {
		unix.Close(wakeFD)
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll: register the eventfd: %w", err)
	}
	return &poller{epfd: epfd, wakeFD: wakeFD, events: make([]unix.EpollEvent, maxEvents)}, nil
}

// add asks epoll to watch fd for socketInterest, with registration id as
// the event's data: every event for fd then carries id, not fd (see
// Reactor.Register for why).
//
// Adding a socket that is already ready is safe: epoll checks readiness at
// the moment of adding and queues an event straight away.
//
//workbook:exercise s04-reactor-close
func (p *poller) add(fd, id int) error {
	event := unix.EpollEvent{Events: socketInterest}
	setEventID(&event, id)
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &event); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	return nil
}

// remove stops watching fd.
func (p *poller) remove(fd int) error {
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll: deregister fd %d: %w", fd, err)
	}
	return nil
}

// wait blocks until at least one watched fd has an event, or timeout has
// passed (negative: no timeout), and puts the registration ids of the events
// in ready[:n].
//
// epoll_wait is never restarted after a signal, and the Go runtime itself
// signals its threads, so EINTR only means "woken for nothing": wait says
// so with n == 0 and no error, and the caller waits again.
//
//workbook:exercise s04-reactor-close
func (p *poller) wait(ready []int, timeout time.Duration) (int, error) {
	msec := -1
	if timeout >= 0 {
		// Round up: a timeout of 0.5 ms must wait, not merely look.
		msec = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	events := p.events[:min(len(ready), len(p.events))]
	n, err := unix.EpollWait(p.epfd, events, msec)
	if errors.Is(err, unix.EINTR) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("epoll: wait: %w", err)
	}
	for i, event := range events[:n] {
		ready[i] = eventID(event)
	}
	return n, nil
}

// interrupt makes a wait that is blocked, or the next one, return closeID:
// it adds 1 to the eventfd's counter, which makes the eventfd readable.
//
//workbook:exercise s04-reactor-close
func (p *poller) interrupt() error {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	// EAGAIN means the counter is full: the eventfd is readable already,
	// and wait will see it just the same.
	if _, err := unix.Write(p.wakeFD, one[:]); err != nil && !errors.Is(err, unix.EAGAIN) {
		return fmt.Errorf("eventfd: write: %w", err)
	}
	return nil
}

// close releases the epoll instance and the eventfd. Nobody may wait on the
// poller any more: a thread inside epoll_wait keeps waiting on an instance
// even after its fd is closed, which is why Close interrupts first.
func (p *poller) close() error {
	return errors.Join(closeFD("epoll", p.epfd), closeFD("eventfd", p.wakeFD))
}

// setEventID stores a registration id in an epoll event. The kernel's event
// data is 8 bytes that it hands back untouched; x/sys/unix shows them as two
// 32-bit fields, Fd and Pad, so the id is split across both. (The name Fd is
// only a suggestion: the data is ours to use.)
func setEventID(event *unix.EpollEvent, id int) {
	event.Fd = int32(uint32(id))
	event.Pad = int32(uint32(uint64(id) >> 32))
}

// eventID reads back the registration id setEventID stored.
func eventID(event unix.EpollEvent) int {
	return int(uint64(uint32(event.Fd)) | uint64(uint32(event.Pad))<<32)
}
