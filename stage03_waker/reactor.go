// This file is the reactor: an epoll instance with an OS thread of its own
// that waits for socket events and wakes the tasks they concern. Futures
// register their sockets with it and leave a Waker; the executor never
// waits on epoll itself any more.

package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// socketInterest is what the reactor asks epoll to report for a socket.
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

// maxEvents is how many events one epoll_wait can return. More ready sockets
// are not lost: the next epoll_wait reports them.
const maxEvents = 128

// Reactor watches sockets for the futures and wakes their tasks.
//
// Each registration has an id, taken from NextID, and the reactor keeps the
// latest Waker for each id. Its event loop runs on its own OS thread, blocked
// in epoll_wait; for every event it looks up the id's waker and calls Wake.
// Everything else (Register, SetWaker, Deregister) is called by futures on
// their executors' threads, so the map of wakers is shared and guarded by a
// mutex.
//
// This reactor never stops: its thread lives until the program exits, as in
// the book. Stage 04 adds Close.
type Reactor struct {
	epfd   int
	lastID atomic.Int64

	mu      sync.Mutex
	wakers  map[int]Waker
	stopped error // why the event loop ended; nil while it runs
}

// errEventLoopStopped is the root of every error a reactor gives once its
// event loop has ended: nothing would wake a task any more.
var errEventLoopStopped = errors.New("the reactor's event loop has stopped")

// NewReactor creates the epoll instance and starts the event loop on its own
// OS thread.
//
// EPOLL_CLOEXEC keeps the epoll fd from leaking into child processes.
func NewReactor() (*Reactor, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: create: %w", err)
	}
	r := &Reactor{epfd: epfd, wakers: map[int]Waker{}}
	go func() {
		// The event loop spends its life blocked in epoll_wait, a system
		// call that holds its OS thread anyway. Locking makes that thread
		// the reactor's for good, as in the book's design: one thread that
		// does nothing but wait for the kernel and pass on what it hears.
		runtime.LockOSThread()
		// A panic on this goroutine would end the whole program with a
		// stack dump. Stop the reactor with the reason instead: every
		// waiting task is woken and its future fails with it.
		defer func() {
			if p := recover(); p != nil {
				r.stop(fmt.Errorf("%w: the event loop panicked: %v", errEventLoopStopped, p))
			}
		}()
		r.eventLoop()
	}()
	return r, nil
}

// NextID returns a registration id never handed out before by this reactor.
// Ids start at 1. Any goroutine may call it.
func (r *Reactor) NextID() int {
	return int(r.lastID.Add(1))
}

// Register asks epoll to watch fd for socketInterest, under registration id.
//
// The id, not the fd, goes into the event's data. Fd numbers are reused: the
// moment a socket is closed, the next socket opened may get its number. An
// event that was already on its way for the old socket would then wake the
// new socket's task. Ids are never reused, so such a stale event finds no
// waker and is ignored.
//
// Set the waker (SetWaker) before registering: epoll may report the fd at
// once, on the reactor's thread, and an event for an id without a waker is
// dropped; with edge-triggering it would not come again.
//
//workbook:exercise s03-register
func (r *Reactor) Register(fd, id int) error {
	if err := r.err(); err != nil {
		return err
	}
	event := unix.EpollEvent{Events: socketInterest}
	setEventID(&event, id)
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, fd, &event); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	return nil
}

// SetWaker makes w the waker for registration id, replacing any earlier one:
// a later poll's waker is the one that reaches the task now.
//
// It fails once the event loop has stopped, so that a future finds out at
// its next poll rather than waiting for a wake-up that cannot come.
//
//workbook:exercise s03-register
func (r *Reactor) SetWaker(id int, w Waker) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped != nil {
		return r.stopped
	}
	r.wakers[id] = w
	return nil
}

// Deregister stops watching fd and forgets the waker of registration id.
// Call it before closing fd (see the comment on Register about reused fd
// numbers).
func (r *Reactor) Deregister(fd, id int) error {
	r.mu.Lock()
	delete(r.wakers, id)
	r.mu.Unlock()
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll: deregister fd %d: %w", fd, err)
	}
	return nil
}

// eventLoop is the reactor's thread: wait for events, wake their tasks,
// repeat.
//
// epoll_wait is never restarted after a signal, and the Go runtime itself
// signals its threads, so EINTR only means "woken for nothing": wait again.
// Any other error means the epoll instance is unusable; the loop records
// that and wakes every task, so that each one polls, finds out from
// SetWaker, and fails, instead of sleeping for ever.
//
//workbook:exercise s03-event-loop
func (r *Reactor) eventLoop() {
	events := make([]unix.EpollEvent, maxEvents)
	for {
		n, err := unix.EpollWait(r.epfd, events, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			r.stop(fmt.Errorf("%w: epoll: wait: %w", errEventLoopStopped, err))
			return
		}
		for _, event := range events[:n] {
			r.wake(eventID(event))
		}
	}
}

// wake calls the waker of registration id, if it has one. An event for an id
// without a waker belongs to a socket deregistered since; it is dropped.
//
// The waker is called after the mutex is released: Wake takes the executor's
// own lock, and holding two locks at once is how deadlocks start.
//
//workbook:exercise s03-event-loop
func (r *Reactor) wake(id int) {
	r.mu.Lock()
	w, ok := r.wakers[id]
	r.mu.Unlock()
	if ok {
		w.Wake()
	}
}

// stop records why the event loop ended and wakes every task that waits on
// the reactor.
func (r *Reactor) stop(why error) {
	r.mu.Lock()
	r.stopped = why
	waiting := r.wakers
	r.wakers = map[int]Waker{}
	r.mu.Unlock()
	for _, w := range waiting {
		w.Wake()
	}
}

// err is the reason the event loop stopped, or nil while it runs.
func (r *Reactor) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
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
