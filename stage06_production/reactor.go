//go:build linux || darwin || freebsd

// This file is the reactor: the OS's readiness queue (a poller: epoll on
// Linux, kqueue on macOS and FreeBSD) that waits for socket events and
// deadlines, and wakes the tasks they concern. Futures register their
// sockets with it and leave a Waker, or ask for a timer (AddTimer; the heap
// is in timers.go); Close stops it and releases the fds.
//
// Its event loop is one function, Turn, run in one of two ways: over and
// over on an OS thread of the reactor's own (NewReactor; -reactor shared,
// the book's design, one reactor whose wakers reach every executor's
// thread), or by the executor that owns it, whenever that executor has
// nothing else to do (NewDrivenReactor; the default, a reactor per
// executor).

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

// wakeID is the registration id the poller reports after interrupt (the
// eventfd on Linux, the user event on kqueue): the one event that wakes the
// event loop itself rather than a task. NextID starts at 1, so no socket
// ever gets it.
//
// The loop is woken for two reasons: Close wants it to stop,
// and AddTimer has a deadline earlier than the one the loop is waiting for.
// The interrupt cannot say which (an eventfd only counts, a user event only
// fires), so Close sets the closing flag before it interrupts, and the loop
// reads the flag when wakeID comes.
const wakeID = 0

// ErrReactorClosed is what a closed reactor answers to Register and
// SetWaker, so that a future fails instead of waiting for a wake-up that
// cannot come.
var ErrReactorClosed = errors.New("the reactor is closed")

// Reactor watches sockets for the futures and wakes their tasks.
//
// Each registration has an id, taken from NextID, and the reactor keeps the
// latest Waker for each id, in a slab (slab.go). Its event loop runs on its
// own OS thread, blocked in the poller's wait (epoll_wait or kevent); for
// every event it looks up the id's waker and calls Wake.
// Everything else (Register, SetWaker, Deregister) is called by futures on
// their executors' threads, so the slab of wakers is shared and guarded by a
// mutex.
//
// The mutex is held only for a slab operation (never across a system call
// or a Wake), and the futures skip SetWaker when the waker has not changed
// (HTTPGetFuture.pending). With a reactor per executor (the default) only
// one executor uses it.
type Reactor struct {
	poller *poller // the OS's readiness queue; see poller_epoll.go, poller_kqueue.go

	// timers are the deadlines the event loop watches (timers.go). They
	// have a lock of their own.
	timers timerQueue

	// closing is set by Close before it wakes the event loop, and tells the
	// loop that this wake-up means "stop", not "look at the timers again".
	closing atomic.Bool

	mu      sync.Mutex
	wakers  Slab[Waker] // by registration id; a slot is empty (the zero Waker) from NextID until SetWaker
	stopped error       // why the event loop ended; nil while it runs

	// stopping is set, without the lock, as the event loop stops, so a
	// future can ask "still running?" without queueing for the mutex.
	stopping atomic.Bool

	// fdLife guards the lifetime of the poller's fds. Register, Deregister
	// and wakeLoop hold it for reading while they use them, Close for
	// writing while it closes them: once closed, the number may belong to
	// another file at any moment, and an epoll_ctl, kevent or write on it
	// would change somebody else's fd.
	fdLife sync.RWMutex
	closed bool

	loopDone  chan struct{} // closed when the event loop has returned
	closeOnce sync.Once
	closeErr  error

	// driven says no thread of the reactor's own runs the event loop: the
	// executor that owns it runs it, one Turn at a time, whenever it has
	// nothing else to do (NewDrivenReactor).
	driven bool
	// waiting is true while a Turn is inside the poller's wait, so that a
	// wake-up from another thread knows it must interrupt it (WakeDriver).
	waiting atomic.Bool
	// turnReady and turnFired are Turn's buffers, kept to reuse their memory.
	turnReady []int
	turnFired []Waker

	// trace is the lane of the thread that runs the event loop, for
	// -trace: the reactor's own, or its driving executor's; nil when off.
	trace *trace.Lane
}

// NewReactor creates the poller, with the interrupt that can end its wait,
// and starts the event loop on its own OS thread.
func NewReactor() (*Reactor, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	r := newReactorOn(p)
	r.traceOn(trace.NewLane("reactor", ""))
	go func() {
		defer close(r.loopDone)
		// The event loop spends its life blocked in the poller's wait, a
		// system call that holds its OS thread anyway. Locking makes that thread
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

// NewDrivenReactor creates a reactor with no thread of its own. Its owner
// runs the event loop on its own thread, one Turn at a time: an executor
// that drives its reactor (NewDrivingExecutor) waits in the poller instead
// of on its Parker, so waiting for events and waiting for work are one
// wait, and a socket's event reaches its task without any thread handing
// it to another (runtime_per_executor.go says why that matters).
//
// Only one goroutine may drive it; any may Register, SetWaker, add timers
// or Close, as with NewReactor.
func NewDrivenReactor() (*Reactor, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	r := newReactorOn(p)
	r.driven = true
	close(r.loopDone) // there is no loop thread to wait for
	return r, nil
}

// newReactorOn is the reactor's state around poller p, before anything runs.
func newReactorOn(p *poller) *Reactor {
	return &Reactor{
		poller:    p,
		loopDone:  make(chan struct{}),
		turnReady: make([]int, maxEvents),
	}
}

// traceOn records the event loop's work on lane: the reactor's own
// thread's, or its driving executor's. nil turns it off.
func (r *Reactor) traceOn(lane *trace.Lane) {
	r.trace = lane
	r.timers.trace = lane
}

// NextID reserves a registration: a slot in the reactor's slab of wakers,
// empty until SetWaker fills it, and free again after Forget or Deregister.
// Its id is the slot's (so ids are reused), with the slot's generation in
// it (so an id is never the same as one handed out before: slab.go). Ids
// start at 1. Any goroutine may call it.
func (r *Reactor) NextID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wakers.Insert(Waker{})
}

// Register asks the poller to watch fd, edge-triggered, for interest
// (Readable, Writable or both), under registration id.
//
// Events come back with the id, not the fd. Fd numbers are reused: the
// moment a socket is closed, the next socket opened may get its number. An
// event that was already on its way for the old socket would then wake the
// new socket's task. The id's slot in the slab of wakers may be reused as
// well, but the id carries the slot's generation: an id from before the slot
// was freed finds no waker, so such a stale event is ignored.
//
// Set the waker (SetWaker) before registering: the poller may report the fd
// at once, on the reactor's thread, and an event for an id without a waker
// is dropped; with edge-triggering it would not come again.
//
//workbook:exercise s06-turn
func (r *Reactor) Register(fd, id int, interest Interest) error {
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return ErrReactorClosed
	}
	if err := r.err(); err != nil {
		return err
	}
	r.trace.Registers(fd, id, interest.String())
	return r.poller.add(fd, id, interest)
}

// SetWaker makes w the waker for registration id, replacing any earlier one:
// a later poll's waker is the one that reaches the task now.
//
// It fails once the event loop has stopped (after Close), so that a future
// finds out at its next poll rather than waiting for a wake-up that cannot
// come.
//
//workbook:exercise s06-waker-slab
func (r *Reactor) SetWaker(id int, w Waker) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped != nil {
		return r.stopped
	}
	if !r.wakers.Set(id, w) {
		return fmt.Errorf("reactor: registration %d is not open: take an id from NextID, and do not use it after Forget or Deregister", id)
	}
	r.trace.KeepsWaker(id, w.traceTask())
	return nil
}

// Deregister stops watching fd and forgets the waker of registration id,
// for a socket that stays open. (A socket about to be closed needs only
// Forget.) After Close there is no poller left to remove fd from, so only
// the waker is forgotten.
func (r *Reactor) Deregister(fd, id int) error {
	r.mu.Lock()
	r.wakers.Remove(id)
	r.mu.Unlock()
	r.trace.Deregisters(fd, id)
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return nil
	}
	return r.poller.remove(fd)
}

// Forget drops registration id, whose socket fd the caller is about to
// close: its waker is forgotten, and the poller lets go of fd without a
// system call (Linux: nothing to do; kqueue: a line of its fd table).
//
// It is Deregister minus the system call. Closing a socket takes it off the
// poller's list by itself, so telling the kernel first costs a system call
// per request for nothing. That the kernel might still report it later (on
// Linux, a socket leaves epoll's list only once no descriptor refers to it
// any more, and a forked child holds copies until it execs) is harmless:
// events carry the id, the id has no waker any more, and the event is
// dropped. An id is never the same as one handed out before (it carries its
// slot's generation), and that is what makes this safe.
func (r *Reactor) Forget(fd, id int) {
	r.mu.Lock()
	r.wakers.Remove(id)
	r.mu.Unlock()
	r.trace.Deregisters(fd, id)
	r.poller.forget(fd)
}

// Close stops the event loop, waits for its thread to end, and closes the
// poller (the epoll instance and its eventfd, or the kqueue). Tasks still
// waiting on the reactor, for a socket or a timer, are woken; their futures
// then fail with ErrReactorClosed. Calling Close again returns the first
// call's result.
//
// The event loop sleeps in the poller's wait and only an event (or the
// timeout of a timer) ends that, so Close makes one: it sets closing, then
// interrupts the wait through wakeLoop, which the poller reports as wakeID
// (Linux: a write to an eventfd that epoll watches; kqueue: NOTE_TRIGGER on
// an EVFILT_USER event). The order matters: the loop reads closing after it
// sees wakeID, and must find it set. (Closing the epoll fd would not do: a
// thread already inside epoll_wait keeps waiting on the instance, closed or
// not.)
//
//workbook:exercise s06-turn
func (r *Reactor) Close() error {
	r.closeOnce.Do(func() {
		r.closing.Store(true)
		if err := r.wakeLoop(); err != nil {
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

// wakeLoop ends the event loop's current wait (or the next one, if it is
// not waiting yet) through the poller's interrupt, which the wait reports
// as wakeID. Interrupts that come before the loop looks count as one.
//
// fdLife is held for reading, as in Register: once Close has closed the
// poller, its fd numbers may belong to other files, and a timer added at
// that moment must not write into one of them.
//
//workbook:exercise s06-drive
func (r *Reactor) wakeLoop() error {
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return ErrReactorClosed
	}
	return r.poller.interrupt()
}

// eventLoop is the reactor's own thread (NewReactor, -reactor shared): one
// Turn after another, until the reactor stops.
//
//workbook:exercise s06-turn
func (r *Reactor) eventLoop() {
	for r.Turn(nil) {
	}
}

// Turn is one round of the event loop, on the calling thread: fire the
// timers that have expired, wait for events at most until the
// nearest deadline left, and wake the events' tasks. It reports whether the
// reactor still runs; after false, nothing will ever wake a task again.
//
// The nearest deadline is the one moment, other than an event, when there
// is work to do: a shorter wait wakes for nothing, a longer one fires the
// timer late; with no timer the wait has no timeout. Timers fire on this
// thread, as socket events do, and wake their tasks the same way. A wait
// that reports nothing timed out, or was interrupted by a signal Go's
// runtime sends its threads: go round. wakeID means "look again" (the
// poller has reset the interrupt) unless closing is set. A wait that fails
// stops the reactor, so that every waiting task fails instead of sleeping
// for ever.
//
// eventLoop calls it for ever on the reactor's own thread. An executor that
// drives its reactor calls it instead of parking, with hasWork, its "is my
// ready queue empty?": the wait must not start when a task is ready. The
// order closes a race with a wake-up from another thread: waiting is set
// first, then hasWork is asked; a Wake pushes its task first, then looks at
// waiting (WakeDriver). Whatever the interleaving, either hasWork sees the
// task, or the Wake sees waiting and interrupts the wait. New timers get the
// same treatment: waiting is set before the heap is read, and AddTimer
// interrupts only a reactor whose flag is up.
//
// When a timer fired, the wait only looks (timeout 0): its task is ready,
// and a driving executor must get back to it.
//
//workbook:exercise s06-turn
func (r *Reactor) Turn(hasWork func() bool) bool {
	if r.stopping.Load() {
		return false
	}
	// waiting goes up before the heap is read, for AddTimer: a timer added
	// from here on is either seen by next, or sees waiting and interrupts
	// the wait.
	r.waiting.Store(true)
	var timeout time.Duration
	r.turnFired, timeout = r.timers.next(time.Now(), r.turnFired[:0])
	if len(r.turnFired) > 0 {
		// This round's wait will only look (timeout 0), so there is
		// nothing to interrupt, and the wakes must not pay for it.
		r.waiting.Store(false)
		for _, w := range r.turnFired {
			r.trace.Wakes(w.traceTask())
			w.Wake()
		}
		timeout = 0
	}
	r.fdLife.RLock()
	if r.closed {
		r.waiting.Store(false)
		r.fdLife.RUnlock()
		r.stop(ErrReactorClosed)
		return false
	}
	if hasWork != nil && hasWork() {
		timeout = 0
	}
	r.trace.WaitBegins()
	n, err := r.poller.wait(r.turnReady, timeout)
	r.trace.WaitEnds(n, err)
	r.waiting.Store(false)
	r.fdLife.RUnlock()
	if err != nil {
		r.stop(fmt.Errorf("%w: %w", ErrReactorClosed, err))
		return false
	}
	for _, id := range r.turnReady[:n] {
		if id != wakeID {
			r.wake(id)
			continue
		}
		if r.closing.Load() {
			r.stop(ErrReactorClosed)
			return false
		}
	}
	return true
}

// WakeDriver interrupts the wait of the executor that drives this reactor,
// if it is inside one. A Waker calls it (through its Parker) after queueing
// its task: a driving executor sleeps in the poller, not on the Parker's
// token, so only this reaches it. A wake-up from the driving thread itself,
// the common case (the reactor waking the tasks of its events), finds
// waiting false and costs no system call.
func (r *Reactor) WakeDriver() {
	if r.waiting.Load() {
		_ = r.wakeLoop()
	}
}

// AddTimer asks the reactor to call w once deadline has passed: it fills t
// in and puts it in the heap, where it stays until it fires or CancelTimer
// takes it back. Any goroutine may call it. A deadline already past fires
// at the event loop's next turn.
//
// The caller owns t (a Sleep holds it as a field, so that adding a timer
// allocates nothing) and must neither copy nor move it while it is in the
// heap, nor add it while it is there already. A timer that has fired or
// been cancelled may be added again.
//
// If the new deadline is earlier than the one the event loop is waiting
// for, the loop is woken through the poller's interrupt, so that it waits
// again with the shorter timeout; otherwise the loop is left alone (see
// timerQueue.add). It is also left alone when it is not inside Turn's
// wait: the next Turn reads the heap after raising its waiting flag, so it
// sees the timer. That matters for a driving executor, which adds every
// request's timer on its own thread between two waits: each would
// otherwise interrupt a wait that has not begun, and the next Turn would
// return at once for nothing.
//
// It fails with ErrReactorClosed once the event loop has stopped.
func (r *Reactor) AddTimer(t *Timer, deadline time.Time, w Waker) error {
	wakeLoop, err := r.timers.add(t, deadline, w)
	if err != nil {
		return err
	}
	r.trace.SetsTimer(t, deadline, w.traceTask())
	if wakeLoop && r.waiting.Load() {
		if err := r.wakeLoop(); err != nil {
			r.timers.cancel(t)
			return fmt.Errorf("reactor: wake the event loop for a new timer: %w", err)
		}
	}
	return nil
}

// CancelTimer takes t back before it fires, and reports whether it did
// (false: it has fired already, was cancelled before, or was never added).
// A future that finishes before its timer cancels it, so that finished
// requests leave no timers behind in the heap. Once it returns, the reactor
// does not hold t, and t may be added again.
func (r *Reactor) CancelTimer(t *Timer) bool {
	if !r.timers.cancel(t) {
		return false
	}
	r.trace.CancelsTimer(t, t.waker.traceTask())
	return true
}

// PendingTimers is how many timers are waiting to fire.
func (r *Reactor) PendingTimers() int {
	return r.timers.len()
}

// wake calls the waker of registration id, if it has one. An event for an id
// the slab does not hold belongs to a socket given back since (Forget,
// Deregister), even if its slot has a new registration now; an id whose
// slot still holds the zero Waker has not had its SetWaker yet. Either way
// nobody waits for the event, and it is dropped.
//
// The waker is called after the mutex is released: Wake takes the executor's
// own lock, and holding two locks at once is how deadlocks start.
//
//workbook:exercise s06-waker-slab
func (r *Reactor) wake(id int) {
	r.mu.Lock()
	w, ok := r.wakers.Get(id)
	r.mu.Unlock()
	if ok && w != (Waker{}) {
		r.trace.Wakes(w.traceTask())
		w.Wake()
	}
}

// stop records why the event loop ended and wakes every task that waits on
// the reactor, for a socket or a timer: each is polled once more, and its
// future, refused by SetWaker or seeing Stopped, fails. This is what makes
// closing a reactor a cancellation (interrupt.go): nothing is torn down
// from outside; every task is woken and ends itself.
func (r *Reactor) stop(why error) {
	r.mu.Lock()
	r.stopped = why
	r.stopping.Store(true)
	// Each registration is taken out of the slab, not the slab dropped
	// whole: a new slab would hand out id 1 again, and a future that still
	// holds an old id 1 would then Forget another's registration.
	var waiting []Waker
	for id, w := range r.wakers.All() {
		r.wakers.Remove(id)
		if w != (Waker{}) {
			waiting = append(waiting, w)
		}
	}
	r.mu.Unlock()
	for _, w := range r.timers.stop() {
		r.trace.Wakes(w.traceTask())
		w.Wake()
	}
	for _, w := range waiting {
		r.trace.Wakes(w.traceTask())
		w.Wake()
	}
}

// Stopped reports whether the event loop has stopped (after Close, or a
// failed wait). It takes no lock: it is asked on every poll.
func (r *Reactor) Stopped() bool {
	return r.stopping.Load()
}

// err is the reason the event loop stopped, or nil while it runs.
func (r *Reactor) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}
