//go:build linux || darwin || freebsd

// This file is the reactor: the OS's readiness queue (a poller: epoll on
// Linux, kqueue on macOS and FreeBSD) with an OS thread of its own that
// waits for socket events and wakes the tasks they concern. Futures register
// their sockets with it and leave a Waker; the executor never waits on the
// poller itself: it parks until a waker calls it.

package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// maxEvents is how many events one wait can return. More ready sockets are
// not lost: the next wait reports them.
const maxEvents = 128

// forever is the timeout of a wait that only an event ends.
const forever time.Duration = -1

// Reactor watches sockets for the futures and wakes their tasks.
//
// Each registration has an id, taken from NextID, and the reactor keeps the
// latest Waker for each id. Its event loop runs on its own OS thread, blocked
// in the poller's wait (epoll_wait or kevent); for every event it looks up
// the id's waker and calls Wake. Everything else (Register, SetWaker,
// Deregister) is called by futures on their executors' threads, so the map
// of wakers is shared and guarded by a mutex.
//
// This reactor never stops: its thread lives until the program exits, as in
// the book. Stage 04 adds Close.
type Reactor struct {
	poller *poller // the OS's readiness queue; see poller_epoll.go, poller_kqueue.go
	lastID atomic.Int64

	mu      sync.Mutex
	wakers  map[int]Waker
	stopped error // why the event loop ended; nil while it runs

	trace *trace.Lane // what the reactor does, for -trace; nil when off
}

// errEventLoopStopped is the root of every error a reactor gives once its
// event loop has ended: nothing would wake a task any more.
var errEventLoopStopped = errors.New("the reactor's event loop has stopped")

// NewReactor creates the poller and starts the event loop on its own OS
// thread.
func NewReactor() (*Reactor, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	r := &Reactor{poller: p, wakers: map[int]Waker{}, trace: trace.NewLane("reactor", "")}
	go func() {
		// The event loop spends its life blocked in the poller's wait, a system
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

// Register asks the poller to watch fd, edge-triggered, for reading, writing
// and the peer closing, under registration id.
//
// Events come back with the id, not the fd. Fd numbers are reused: the
// moment a socket is closed, the next socket opened may get its number. An
// event that was already on its way for the old socket would then wake the
// new socket's task. Ids are never reused, so such a stale event finds no
// waker and is ignored.
//
// Set the waker (SetWaker) before registering: the poller may report the fd
// at once, on the reactor's thread, and an event for an id without a waker is
// dropped; with edge-triggering it would not come again.
//
//workbook:exercise s03-register
func (r *Reactor) Register(fd, id int) error {
	if err := r.err(); err != nil {
		return err
	}
	r.trace.Registers(fd, id, "readable|writable")
	return r.poller.add(fd, id)
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
	r.trace.KeepsWaker(id, w.traceTask())
	return nil
}

// Deregister stops watching fd and forgets the waker of registration id.
// Call it before closing fd (see the comment on Register about reused fd
// numbers).
func (r *Reactor) Deregister(fd, id int) error {
	r.mu.Lock()
	delete(r.wakers, id)
	r.mu.Unlock()
	r.trace.Deregisters(fd, id)
	return r.poller.remove(fd)
}

// eventLoop is the reactor's thread: wait for events, wake their tasks,
// repeat.
//
// A wait with no ids (n == 0) was interrupted by a signal, which the Go
// runtime sends its own threads: wait again. An error means the poller is
// unusable; the loop records that and wakes every task, so that each one
// polls, finds out from SetWaker, and fails, instead of sleeping for ever.
//
//workbook:exercise s03-event-loop
func (r *Reactor) eventLoop() {
	ready := make([]int, maxEvents)
	for {
		r.trace.WaitBegins()
		n, err := r.poller.wait(ready, forever)
		r.trace.WaitEnds(n, err)
		if err != nil {
			r.stop(fmt.Errorf("%w: %w", errEventLoopStopped, err))
			return
		}
		for _, id := range ready[:n] {
			r.wake(id)
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
		r.trace.Wakes(w.traceTask())
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
		r.trace.Wakes(w.traceTask())
		w.Wake()
	}
}

// err is the reason the event loop stopped, or nil while it runs.
func (r *Reactor) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}
