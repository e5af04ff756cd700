//go:build linux

// This file is the reactor's window on the Linux kernel: an epoll instance
// behind the handful of functions the Reactor uses (newPoller, add, remove,
// wait, interrupt, close). poller_kqueue.go has the same functions for
// macOS and FreeBSD, so reactor.go never names an OS call.
//
// Beyond stage 05's poller: add takes an Interest (readable, writable or
// both), and the eventfd that interrupts a wait means "look again" (a new
// timer, a wake for a driving executor) as often as "stop" (see interrupt),
// so wait reads it back to zero each time it reports it.

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"golang.org/x/sys/unix"
)

// epollEvents turns an Interest into the events epoll is asked to report.
//
//   - Readable: EPOLLIN (bytes arrived, or the peer closed: a read would
//     return 0) and EPOLLRDHUP (the peer shut down its side; with
//     "Connection: close" that is the end of the answer).
//   - Writable: EPOLLOUT (the socket became writable; for a socket that is
//     connecting, this is how the kernel says the handshake has finished or
//     failed).
//   - Always EPOLLET (edge-triggered): report a change once, when it
//     happens, not on every wait for as long as it lasts.
//
// Edge-triggered, because a connected socket is writable almost all the
// time: level-triggered, EPOLLOUT would wake the task on every epoll_wait.
// The rule that comes with it: after a wake-up, a future reads or writes
// until EAGAIN, since epoll reports no new edge for bytes already there.
// (Errors and hang-ups, EPOLLERR and EPOLLHUP, are reported whatever the
// interest: epoll adds them by itself.)
func epollEvents(interest Interest) uint32 {
	events := uint32(unix.EPOLLET)
	if interest&Readable != 0 {
		events |= unix.EPOLLIN | unix.EPOLLRDHUP
	}
	if interest&Writable != 0 {
		events |= unix.EPOLLOUT
	}
	return events
}

// poller is an epoll instance, plus the eventfd that interrupt writes to.
type poller struct {
	epfd   int
	wakeFD int               // an eventfd, watched under wakeID
	events []unix.EpollEvent // wait's buffer; only the event loop uses it
}

// newPoller creates the epoll instance and the eventfd that can interrupt a
// wait on it.
//
// EPOLL_CLOEXEC and EFD_CLOEXEC keep the fds from leaking into child
// processes; EFD_NONBLOCK keeps a write to a full eventfd from blocking,
// and a read of an empty one too.
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
	// Level-triggered: the eventfd is readable while its counter is not
	// zero, and epoll reports it on every wait until wait reads it back to
	// zero. An interrupt is therefore never missed, whenever it comes.
	event := unix.EpollEvent{Events: unix.EPOLLIN}
	setEventID(&event, wakeID)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakeFD, &event); err != nil {
		unix.Close(wakeFD)
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll: register the eventfd: %w", err)
	}
	return &poller{epfd: epfd, wakeFD: wakeFD, events: make([]unix.EpollEvent, maxEvents)}, nil
}

// add asks epoll to watch fd for interest (see epollEvents), with
// registration id as the event's data: every event for fd then carries id,
// not fd (see Reactor.Register for why).
//
// Adding a socket that is already ready is safe: epoll checks readiness at
// the moment of adding and queues an event straight away.
//
//workbook:exercise s06-turn
func (p *poller) add(fd, id int, interest Interest) error {
	if !interest.valid() {
		return fmt.Errorf("epoll: register fd %d: interest %#x is neither Readable nor Writable", fd, uint8(interest))
	}
	event := unix.EpollEvent{Events: epollEvents(interest)}
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

// forget is remove for a socket about to be closed, and on Linux it has
// nothing to do: closing the socket takes it off epoll's list (see
// Reactor.Forget). It exists so that the reactor reads the same on kqueue,
// whose poller keeps a table of its own.
func (p *poller) forget(int) {}

// wait blocks until at least one watched fd has an event, or timeout has
// passed (negative: no timeout), and puts the registration ids of the events
// in ready[:n]. The eventfd's event comes back as wakeID.
//
// When the eventfd is among the events, wait reads its counter back to
// zero before it returns: the eventfd is level-triggered, and left readable
// it would end every later epoll_wait at once, so the reactor's thread
// would spin on a CPU instead of sleeping. One read takes the whole count,
// however many interrupts came since the last. Reading it here, before the
// loop looks at why it was woken, is what makes the order in Close safe: an
// interrupt that comes after this read leaves the eventfd readable for the
// next wait.
//
// epoll_wait is never restarted after a signal, and the Go runtime itself
// signals its threads, so EINTR only means "woken for nothing": wait says
// so with n == 0 and no error, and the caller looks at its timers and waits
// again.
//
//workbook:exercise s06-turn
func (p *poller) wait(ready []int, timeout time.Duration) (int, error) {
	events := p.events[:min(len(ready), len(p.events))]
	n, err := unix.EpollWait(p.epfd, events, epollTimeout(timeout))
	if errors.Is(err, unix.EINTR) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("epoll: wait: %w", err)
	}
	for i, event := range events[:n] {
		ready[i] = eventID(event)
		if ready[i] == wakeID {
			if err := p.drainInterrupts(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// drainInterrupts reads the eventfd's counter back to zero, so that it
// stops being readable. EAGAIN means it was zero already.
func (p *poller) drainInterrupts() error {
	var count [8]byte
	_, err := unix.Read(p.wakeFD, count[:])
	if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
		return fmt.Errorf("eventfd: read: %w", err)
	}
	return nil
}

// epollTimeout turns a wait's timeout into epoll_wait's milliseconds: -1
// (no timeout) for a negative one, and otherwise rounded up. Rounded down,
// a deadline 0.4 ms away would become 0, a wait that returns at once, and
// the loop would spin until the deadline; rounded up, a timer fires at most
// a millisecond late. (kevent takes nanoseconds, so poller_kqueue.go needs
// nothing like it.)
func epollTimeout(timeout time.Duration) int {
	if timeout < 0 {
		return -1
	}
	ms := (timeout + time.Millisecond - 1) / time.Millisecond
	return int(min(ms, math.MaxInt32))
}

// interrupt makes a wait that is blocked, or the next one, return wakeID:
// it adds 1 to the eventfd's counter, which makes the eventfd readable.
// The Reactor uses it for two things, and tells them apart itself (see
// Reactor.closing): to stop the loop, and to have it look at its timers
// again.
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
