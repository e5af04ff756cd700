//go:build darwin || freebsd

// This file is the reactor's window on the macOS and FreeBSD kernels: a
// kqueue behind the same functions as poller_epoll.go (newPoller, add,
// remove, wait, interrupt, close), so reactor.go never names an OS call.
//
// Where kqueue differs from epoll:
//   - Readable and writable are two filters (EVFILT_READ, EVFILT_WRITE), so
//     a socket registered for both is two registrations ("knotes"), added
//     in one kevent call; an Interest picks which of them are added.
//   - EV_CLEAR is kqueue's edge-triggering: the event is reported once and
//     then reset until the state changes again, like EPOLLET.
//   - The peer closing shows as EV_EOF on the read filter; a connect that
//     failed shows as EV_EOF on the write filter. Either way the task is
//     woken, and the future finds out which from the socket itself.
//   - Closing an fd removes its knotes, as closing the last copy of an fd
//     removes it from epoll.
//   - The interrupt needs no fd: EVFILT_USER is an event that the program
//     itself triggers (NOTE_TRIGGER), where Linux uses an eventfd.
//   - The wait's timeout is a timespec, in nanoseconds: nothing to round.

package main

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// interruptIdent names the EVFILT_USER event that interrupt triggers. User
// events have their own namespace of identifiers, so 0 collides with no fd.
const interruptIdent = 0

// registration is what the poller remembers of a watched fd: whose events
// they are, and which filters add gave it, so that remove deletes exactly
// those (deleting a filter that was never added is an error, ENOENT).
type registration struct {
	id       int
	interest Interest
}

// poller is a kqueue, plus the table that turns an event's fd back into
// its registration id.
//
// Why a table, when epoll carries the id in the event: kqueue has a field
// for the caller's data too (Udata), but x/sys/unix types it as a pointer,
// and an integer dressed up as a pointer confuses the garbage collector and
// go vet. So the kernel reports the fd (the event's Ident), and the poller
// looks up which registration it belongs to.
//
// The price is the fd-reuse problem ids were meant to solve: an event read
// just before its socket is removed and closed, looked up just after a new
// socket got the same fd number and was added, wakes the new socket's task.
// That wake-up is spurious but harmless: the task polls, its reads and
// writes answer EAGAIN, and it waits again. No event is ever lost, and no
// waker of a finished registration is called, because remove forgets the
// fd before the socket is closed.
type poller struct {
	kq     int
	events []unix.Kevent_t // wait's buffer; only the event loop uses it

	mu  sync.Mutex
	fds map[int]registration // the sockets being watched, by fd
}

// newPoller creates the kqueue and the user event that interrupts it.
//
// kqueue() has no close-on-exec flag, so it is set right after. Unlike a
// socket, a kqueue is never inherited by a forked child, so there is no
// window in which another thread's fork+exec could leak it.
func newPoller() (*poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, fmt.Errorf("kqueue: create: %w", err)
	}
	unix.CloseOnExec(kq)
	// EV_CLEAR, unlike stage 04. There the interrupt only ever meant
	// "stop", and a user event that stayed triggered did no harm: the loop
	// stopped at the first report. Here it also means "a timer
	// earlier than your wait was added: look at the timers again", and a
	// user event that stayed triggered after that would end every later
	// kevent at once, so the reactor's thread would spin on a CPU. With
	// EV_CLEAR the kernel resets the event in the same kevent call that
	// reports it, the counterpart of wait reading the eventfd back to zero
	// on Linux; triggers that come before the report make one event, and a
	// trigger after it makes the event pending again. (Resetting it by hand,
	// deleting and adding it again, would cost a system call per wake-up,
	// and a trigger between the two would fail with ENOENT.)
	//
	// "Stop" does not need the event to stay triggered either: Close sets
	// Reactor.closing before it triggers, and the loop reads the flag after
	// every report, so the report that follows Close's trigger finds it set.
	var ev unix.Kevent_t
	ev.Ident = interruptIdent
	ev.Filter = unix.EVFILT_USER
	ev.Flags = unix.EV_ADD | unix.EV_CLEAR
	if _, err := unix.Kevent(kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		unix.Close(kq)
		return nil, fmt.Errorf("kqueue: add the interrupt event: %w", err)
	}
	return &poller{kq: kq, events: make([]unix.Kevent_t, maxEvents), fds: map[int]registration{}}, nil
}

// kqueueChanges fills buf with the changes that apply flags (EV_ADD or
// EV_DELETE, with their options) to each filter interest stands for:
// EVFILT_READ for Readable, EVFILT_WRITE for Writable. The array is the
// caller's, so a registration allocates nothing.
func kqueueChanges(buf *[2]unix.Kevent_t, fd int, interest Interest, flags int) []unix.Kevent_t {
	changes := buf[:0]
	for _, f := range [...]struct {
		kind   Interest
		filter int
	}{{Readable, unix.EVFILT_READ}, {Writable, unix.EVFILT_WRITE}} {
		if interest&f.kind != 0 {
			changes = changes[:len(changes)+1]
			unix.SetKevent(&changes[len(changes)-1], fd, f.filter, flags)
		}
	}
	return changes
}

// add watches fd, edge-triggered (EV_CLEAR), with one filter per kind of
// readiness in interest, and remembers that its events belong to
// registration id.
//
// kqueue would quietly accept an fd added twice; epoll refuses it with
// EEXIST. The table gives the same answer here, since a second add is a bug
// in the caller on either system.
//
//workbook:exercise s06-turn
func (p *poller) add(fd, id int, interest Interest) error {
	if !interest.valid() {
		return fmt.Errorf("kqueue: register fd %d: interest %#x is neither Readable nor Writable", fd, uint8(interest))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.fds[fd]; ok {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, unix.EEXIST)
	}
	var buf [2]unix.Kevent_t
	changes := kqueueChanges(&buf, fd, interest, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, changes, nil, nil); err != nil {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, err)
	}
	p.fds[fd] = registration{id: id, interest: interest}
	return nil
}

// remove stops watching fd: it deletes the filters add gave it and forgets
// the fd. It mirrors add so closely that it is part of the same exercise.
//
//workbook:exercise s06-turn
func (p *poller) remove(fd int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	reg, ok := p.fds[fd]
	if !ok {
		return fmt.Errorf("kqueue: deregister fd %d: %w", fd, unix.ENOENT)
	}
	delete(p.fds, fd)
	var buf [2]unix.Kevent_t
	changes := kqueueChanges(&buf, fd, reg.interest, unix.EV_DELETE)
	if _, err := unix.Kevent(p.kq, changes, nil, nil); err != nil {
		return fmt.Errorf("kqueue: deregister fd %d: %w", fd, err)
	}
	return nil
}

// forget drops fd from the table without telling the kernel, for a socket
// about to be closed: closing removes its filters, and the events queued for
// them, by itself. Without this the table would still hold fd when the next
// socket gets the same number, and add would refuse it.
func (p *poller) forget(fd int) {
	p.mu.Lock()
	delete(p.fds, fd)
	p.mu.Unlock()
}

// wait blocks until at least one watched fd has an event, or timeout has
// passed (negative: no timeout), and puts the registration ids of the events
// in ready[:n]; the user event comes back as wakeID. A socket that became
// readable and writable at once gives two events, so its id may appear
// twice; waking a task twice is harmless.
//
// kevent takes its timeout as a timespec, in nanoseconds, so a deadline
// 0.4 ms away is a wait of 0.4 ms: nothing needs rounding as for
// epoll_wait's milliseconds. Like epoll_wait, kevent is not restarted after
// a signal: EINTR gives n == 0 and no error, and the caller looks at its
// timers and waits again.
//
//workbook:exercise s06-turn
func (p *poller) wait(ready []int, timeout time.Duration) (int, error) {
	var limit *unix.Timespec
	if timeout >= 0 {
		ts := unix.NsecToTimespec(int64(timeout))
		limit = &ts
	}
	events := p.events[:min(len(ready), len(p.events))]
	n, err := unix.Kevent(p.kq, nil, events, limit)
	if errors.Is(err, unix.EINTR) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("kqueue: wait: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	found := 0
	for _, ev := range events[:n] {
		if ev.Filter == unix.EVFILT_USER {
			ready[found] = wakeID
			found++
			continue
		}
		// An fd missing from the table was removed after the kernel queued
		// its event: nobody waits for it any more.
		if reg, ok := p.fds[int(ev.Ident)]; ok {
			ready[found] = reg.id
			found++
		}
	}
	return found, nil
}

// interrupt makes a wait that is blocked, or the next one, return wakeID,
// by triggering the user event. The Reactor uses it for two things, and
// tells them apart itself (see Reactor.closing): to stop the loop, and to
// have it look at its timers again.
//
//workbook:exercise s04-reactor-close
func (p *poller) interrupt() error {
	var ev unix.Kevent_t
	ev.Ident = interruptIdent
	ev.Filter = unix.EVFILT_USER
	ev.Fflags = unix.NOTE_TRIGGER
	if _, err := unix.Kevent(p.kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		return fmt.Errorf("kqueue: trigger the interrupt event: %w", err)
	}
	return nil
}

// close releases the kqueue, and with it every registration. Nobody may wait
// on the poller any more, which is why Close interrupts first.
func (p *poller) close() error {
	return closeFD("kqueue", p.kq)
}
