//go:build linux || darwin || freebsd

// This file is the reactor: the OS's readiness queue (a poller: epoll on
// Linux, kqueue on macOS and FreeBSD) with an OS thread of its own that
// waits for socket events and wakes the tasks they concern. Futures
// register their sockets with it and leave a Waker. New in stage 04: Close
// stops the thread and releases the fds, so a program (or a test) can
// create and drop reactors without leaving anything behind.

package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// maxEvents is how many events one wait can return. More ready sockets are
// not lost: the next wait reports them.
const maxEvents = 128

// forever is the timeout of a wait that only an event ends.
const forever time.Duration = -1

// closeID is the registration id the poller reports after interrupt (the
// eventfd on Linux, the user event on kqueue): the one event that means
// "stop" rather than "wake a task". NextID starts at 1, so no socket ever
// gets it.
const closeID = 0

// ErrReactorClosed is what a closed reactor answers to Register and
// SetWaker, so that a future fails instead of waiting for a wake-up that
// cannot come.
var ErrReactorClosed = errors.New("the reactor is closed")

// Reactor watches sockets for the futures and wakes their tasks.
//
// Each registration has an id, taken from NextID, and the reactor keeps the
// latest Waker for each id. Its event loop runs on its own OS thread, blocked
// in the poller's wait (epoll_wait or kevent); for every event it looks up
// the id's waker and calls Wake. Everything else (Register, SetWaker,
// Deregister) is called by futures on their executors' threads, so the map
// of wakers is shared and guarded by a mutex.
type Reactor struct {
	poller *poller // the OS's readiness queue; see poller_epoll.go, poller_kqueue.go
	lastID atomic.Int64

	mu      sync.Mutex
	wakers  map[int]Waker
	stopped error // why the event loop ended; nil while it runs

	// fdLife guards the lifetime of the poller's fds. Register and
	// Deregister hold it for reading while they use them, Close for writing
	// while it closes them: once closed, the number may belong to another
	// file at any moment, and an epoll_ctl or kevent on it would change
	// somebody else's fd.
	fdLife sync.RWMutex
	closed bool

	loopDone  chan struct{} // closed when the event loop has returned
	closeOnce sync.Once
	closeErr  error

	trace *trace.Lane // what the reactor does, for -trace; nil when off
}

// NewReactor creates the poller, with the interrupt that can end its wait,
// and starts the event loop on its own OS thread.
func NewReactor() (*Reactor, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	r := &Reactor{poller: p, wakers: map[int]Waker{}, loopDone: make(chan struct{}), trace: trace.NewLane("reactor", "")}
	go func() {
		defer close(r.loopDone)
		// The event loop spends its life blocked in the poller's wait, a system
		// call that holds its OS thread anyway. Locking makes that thread
		// the reactor's for good, and since the goroutine never unlocks,
		// Go ends the thread when the loop returns: Close leaves no thread.
		runtime.LockOSThread()
		// A panic on this goroutine would end the whole program with a
		// stack dump. Stop the reactor with the reason instead: every
		// waiting task is woken and its future fails with it.
		defer func() {
			if p := recover(); p != nil {
				r.stop(fmt.Errorf("%w: the event loop panicked: %v", ErrReactorClosed, p))
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
//workbook:exercise s04-reactor-close
func (r *Reactor) Register(fd, id int) error {
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return ErrReactorClosed
	}
	if err := r.err(); err != nil {
		return err
	}
	r.trace.Registers(fd, id, "readable|writable")
	return r.poller.add(fd, id)
}

// SetWaker makes w the waker for registration id, replacing any earlier one:
// a later poll's waker is the one that reaches the task now.
//
// It fails once the event loop has stopped (after Close), so that a future
// finds out at its next poll rather than waiting for a wake-up that cannot
// come.
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
// numbers). After Close there is no poller left to remove fd from, so only
// the waker is forgotten.
func (r *Reactor) Deregister(fd, id int) error {
	r.mu.Lock()
	delete(r.wakers, id)
	r.mu.Unlock()
	r.trace.Deregisters(fd, id)
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return nil
	}
	return r.poller.remove(fd)
}

// Close stops the event loop, waits for its thread to end, and closes the
// poller (the epoll instance and its eventfd, or the kqueue). Tasks still
// waiting on the reactor are woken; their futures then fail with
// ErrReactorClosed. Calling Close again returns the first call's result.
//
// The event loop sleeps in the poller's wait and only an event ends that, so
// Close makes one: the poller's interrupt, which wait reports as closeID
// (Linux: a write to an eventfd that epoll watches; kqueue: NOTE_TRIGGER on
// an EVFILT_USER event). Closing the epoll fd would not do: a thread already
// inside epoll_wait keeps waiting on the instance, closed or not.
//
//workbook:exercise s04-reactor-close
func (r *Reactor) Close() error {
	r.closeOnce.Do(func() {
		if err := r.poller.interrupt(); err != nil {
			r.closeErr = fmt.Errorf("reactor: wake the event loop to stop it: %w", err)
			return
		}
		<-r.loopDone
		r.fdLife.Lock()
		r.closed = true
		r.fdLife.Unlock()
		r.closeErr = r.poller.close()
	})
	return r.closeErr
}

// closeFD closes fd and names it in the error; the pollers use it.
func closeFD(what string, fd int) error {
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("reactor: close %s: %w", what, err)
	}
	return nil
}

// eventLoop is the reactor's thread: wait for events, wake their tasks,
// repeat, until the interrupt (closeID) says stop.
//
// A wait with no ids (n == 0) was interrupted by a signal, which the Go
// runtime sends its own threads: wait again. An error means the poller is
// unusable; the loop stops, as after Close, so that every waiting task fails
// instead of sleeping for ever.
//
//workbook:exercise s04-reactor-close
func (r *Reactor) eventLoop() {
	ready := make([]int, maxEvents)
	for {
		r.trace.WaitBegins()
		n, err := r.poller.wait(ready, forever)
		r.trace.WaitEnds(n, err)
		if err != nil {
			r.stop(fmt.Errorf("%w: %w", ErrReactorClosed, err))
			return
		}
		for _, id := range ready[:n] {
			if id != closeID {
				r.wake(id)
				continue
			}
			r.stop(ErrReactorClosed)
			return
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
// the reactor: each is polled once more, and its future, refused by
// SetWaker, fails.
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
