// This file is the reactor: an epoll instance with an OS thread of its own
// that waits for socket events and deadlines, and wakes the tasks they
// concern. Futures register their sockets with it and leave a Waker, or ask
// for a timer (AddTimer; the heap is in timers.go); Close stops the thread
// and releases the fds. In stage 05 one reactor serves every executor: its
// wakers reach the executors' threads, whichever they belong to.

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

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

// wakeID is the registration id of the reactor's own eventfd, the one fd
// whose event wakes the event loop itself rather than a task. NextID starts
// at 1, so no socket ever gets it.
//
// Since stage 05 the loop is woken for two reasons: Close wants it to stop,
// and AddTimer has a deadline earlier than the one the loop is waiting for.
// The eventfd cannot say which (it only counts), so Close sets the closing
// flag before it writes, and the loop reads the flag when the eventfd fires.
const wakeID = 0

// ErrReactorClosed is what a closed reactor answers to Register and
// SetWaker, so that a future fails instead of waiting for a wake-up that
// cannot come.
var ErrReactorClosed = errors.New("the reactor is closed")

// Reactor watches sockets for the futures and wakes their tasks.
//
// Each registration has an id, taken from NextID, and the reactor keeps the
// latest Waker for each id. Its event loop runs on its own OS thread, blocked
// in epoll_wait; for every event it looks up the id's waker and calls Wake.
// Everything else (Register, SetWaker, Deregister) is called by futures on
// their executors' threads, so the map of wakers is shared and guarded by a
// mutex.
//
// That mutex is the one lock every executor and the reactor share. It is
// held only for a map operation (never across a system call or a Wake), and
// the futures skip SetWaker when the waker has not changed, which in this
// program is every poll but the first; see HTTPGetFuture.pending. A sharded
// map or a slab indexed by id would cut the contention further, at the cost
// of the simple picture "one map from id to waker"; that is left for the
// performance notes.
type Reactor struct {
	epfd   int
	wakeFD int // an eventfd: writing to it ends epoll_wait (see wakeLoop)
	lastID atomic.Int64

	// events is epoll_wait's buffer. Only the event loop uses it.
	events []unix.EpollEvent

	// timers are the deadlines the event loop watches (timers.go). They
	// have a lock of their own.
	timers timerQueue

	// closing is set by Close before it wakes the event loop, and tells the
	// loop that this wake-up means "stop", not "look at the timers again".
	closing atomic.Bool

	mu      sync.Mutex
	wakers  map[int]Waker
	stopped error // why the event loop ended; nil while it runs

	// stopping is set, without the lock, as the event loop stops, so a
	// future can ask "still running?" without queueing for the mutex.
	stopping atomic.Bool

	// fdLife guards the lifetime of epfd. Register and Deregister hold it
	// for reading while they use the fd number, Close for writing while it
	// closes it: once closed, the number may belong to another file at any
	// moment, and an epoll_ctl on it would change somebody else's fd.
	fdLife sync.RWMutex
	closed bool

	loopDone  chan struct{} // closed when the event loop has returned
	closeOnce sync.Once
	closeErr  error
}

// NewReactor creates the epoll instance and the eventfd that can interrupt
// it, and starts the event loop on its own OS thread.
//
// EPOLL_CLOEXEC and EFD_CLOEXEC keep the fds from leaking into child
// processes; EFD_NONBLOCK keeps a write to a full eventfd from blocking.
func NewReactor() (*Reactor, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: create: %w", err)
	}
	wakeFD, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("eventfd: create: %w", err)
	}
	// Level-triggered on purpose: once written, the eventfd stays readable
	// until the loop reads it. A wake-up for a new timer is read away
	// (drainWakeups); a wake-up to stop never is, so however the loop gets
	// there, every later epoll_wait reports it again.
	event := unix.EpollEvent{Events: unix.EPOLLIN}
	setEventID(&event, wakeID)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakeFD, &event); err != nil {
		unix.Close(wakeFD)
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll: register the eventfd: %w", err)
	}
	r := &Reactor{
		epfd:     epfd,
		wakeFD:   wakeFD,
		events:   make([]unix.EpollEvent, maxEvents),
		wakers:   map[int]Waker{},
		loopDone: make(chan struct{}),
	}
	go func() {
		defer close(r.loopDone)
		// The event loop spends its life blocked in epoll_wait, a system
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
	return nil
}

// Deregister stops watching fd and forgets the waker of registration id.
// Call it before closing fd (see the comment on Register about reused fd
// numbers). After Close there is no epoll instance left to remove fd from,
// so only the waker is forgotten.
func (r *Reactor) Deregister(fd, id int) error {
	r.mu.Lock()
	delete(r.wakers, id)
	r.mu.Unlock()
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return nil
	}
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll: deregister fd %d: %w", fd, err)
	}
	return nil
}

// Close stops the event loop, waits for its thread to end, and closes the
// epoll instance and the eventfd. Tasks still waiting on the reactor, for a
// socket or a timer, are woken; their futures then fail with
// ErrReactorClosed. Calling Close again returns the first call's result.
//
// The event loop sleeps in epoll_wait and only an event (or the timeout of
// a timer) ends that, so Close makes one: it sets closing, then writes to
// the eventfd, which epoll watches under wakeID. The order matters: the
// loop reads closing after it sees the eventfd, and must find it set.
// (Closing the epoll fd would not do: a thread already inside epoll_wait
// keeps waiting on the instance, closed or not.)
//
//workbook:exercise s04-reactor-close
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
		r.closeErr = errors.Join(closeFD("epoll", r.epfd), closeFD("eventfd", r.wakeFD))
	})
	return r.closeErr
}

// closeFD closes fd and names it in the error.
func closeFD(what string, fd int) error {
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("reactor: close %s: %w", what, err)
	}
	return nil
}

// wakeLoop ends the event loop's current wait (or the next one, if it is
// not waiting yet) by making the eventfd readable: it adds 1 to the
// eventfd's counter. EAGAIN means the counter is full: it is readable
// already, and the loop will see it just the same.
//
// fdLife is held for reading, as in Register: once Close has closed the
// eventfd, its number may belong to another file, and a timer added at that
// moment must not write into it.
//
//workbook:exercise s04-reactor-close
func (r *Reactor) wakeLoop() error {
	r.fdLife.RLock()
	defer r.fdLife.RUnlock()
	if r.closed {
		return ErrReactorClosed
	}
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	if _, err := unix.Write(r.wakeFD, one[:]); err != nil && !errors.Is(err, unix.EAGAIN) {
		return fmt.Errorf("eventfd: write: %w", err)
	}
	return nil
}

// drainWakeups reads the eventfd's counter back to zero, so that the eventfd
// stops being readable. It is level-triggered: left unread after a wake-up
// for a timer, it would end every later epoll_wait at once, and the loop
// would spin on a CPU instead of sleeping. One read takes the whole count,
// however many timers asked for a wake-up.
func (r *Reactor) drainWakeups() error {
	var count [8]byte
	_, err := unix.Read(r.wakeFD, count[:])
	if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
		return fmt.Errorf("eventfd: read: %w", err)
	}
	return nil
}

// eventLoop is the reactor's thread: fire the timers that have expired,
// wait for events no longer than until the nearest deadline left, wake the
// events' tasks, repeat, until the eventfd says stop.
//
// The wait's timeout comes from the nearest deadline because that is the
// one moment, other than an event, when the loop has work to do: waiting
// less would wake it for nothing, waiting longer would fire the timer late.
// With no timer left it waits without a timeout. A timer added later with
// an earlier deadline wakes the loop through the eventfd (AddTimer), and
// the loop then computes the timeout afresh.
//
// Timers fire here, on the reactor's thread, as socket events do: this
// thread is the one that knows the time has come, and a Wake is cheap (it
// queues the task and unparks its executor), so the task runs on its own
// executor, as after a socket event. Wakers are called after the timers'
// lock is released, for the reason wake gives.
//
// Any error from the wait means the epoll instance is unusable; the loop
// stops, as after Close, so that every waiting task fails instead of
// sleeping for ever.
//
//workbook:exercise s04-reactor-close
func (r *Reactor) eventLoop() {
	var ready []int
	var fired []Waker
	for {
		var timeout time.Duration
		fired, timeout = r.timers.next(time.Now(), fired[:0])
		for _, w := range fired {
			w.Wake()
		}
		var err error
		ready, err = r.wait(ready[:0], timeout)
		if err != nil {
			r.stop(fmt.Errorf("%w: %w", ErrReactorClosed, err))
			return
		}
		for _, id := range ready {
			if id != wakeID {
				r.wake(id)
				continue
			}
			if r.closing.Load() {
				r.stop(ErrReactorClosed)
				return
			}
			if err := r.drainWakeups(); err != nil {
				r.stop(fmt.Errorf("%w: %w", ErrReactorClosed, err))
				return
			}
		}
	}
}

// wait blocks until a watched fd has an event or timeout has passed (a
// negative timeout: until an event), and appends the registration ids of
// the fds with events to ready.
//
// This and epollTimeout are the only parts of the event loop that know
// about epoll. A kqueue version would fill ready from kevent(2) and pass the
// timeout as a timespec; the loop around it, and the timers, stay as they
// are.
//
// epoll_wait is never restarted after a signal, and the Go runtime itself
// signals its threads, so EINTR only means "woken for nothing": return no
// ids, and the loop looks at its timers and waits again.
func (r *Reactor) wait(ready []int, timeout time.Duration) ([]int, error) {
	n, err := unix.EpollWait(r.epfd, r.events, epollTimeout(timeout))
	if errors.Is(err, unix.EINTR) {
		return ready, nil
	}
	if err != nil {
		return ready, fmt.Errorf("epoll: wait: %w", err)
	}
	for _, event := range r.events[:n] {
		ready = append(ready, eventID(event))
	}
	return ready, nil
}

// epollTimeout turns a wait's timeout into epoll_wait's milliseconds: -1
// (no timeout) for a negative one, and otherwise rounded up. Rounded down,
// a deadline 0.4 ms away would become 0, a wait that returns at once, and
// the loop would spin until the deadline; rounded up, a timer fires at most
// a millisecond late.
func epollTimeout(timeout time.Duration) int {
	if timeout < 0 {
		return -1
	}
	ms := (timeout + time.Millisecond - 1) / time.Millisecond
	return int(min(ms, math.MaxInt32))
}

// AddTimer asks the reactor to call w once deadline has passed, and returns
// the timer, which CancelTimer takes back. Any goroutine may call it. A
// deadline already past fires at the event loop's next turn.
//
// If the new deadline is earlier than the one the event loop is waiting
// for, the loop is woken through the eventfd, so that it waits again with
// the shorter timeout; otherwise the loop is left alone (see timerQueue.add).
//
// It fails with ErrReactorClosed once the event loop has stopped.
func (r *Reactor) AddTimer(deadline time.Time, w Waker) (*Timer, error) {
	t, wakeLoop, err := r.timers.add(deadline, w)
	if err != nil {
		return nil, err
	}
	if wakeLoop {
		if err := r.wakeLoop(); err != nil {
			r.timers.cancel(t)
			return nil, fmt.Errorf("reactor: wake the event loop for a new timer: %w", err)
		}
	}
	return t, nil
}

// CancelTimer takes t back before it fires, and reports whether it did
// (false: it has fired already, or was cancelled before). A future that
// finishes before its timer cancels it, so that finished requests leave no
// timers behind in the heap.
func (r *Reactor) CancelTimer(t *Timer) bool {
	return r.timers.cancel(t)
}

// PendingTimers is how many timers are waiting to fire.
func (r *Reactor) PendingTimers() int {
	return r.timers.len()
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
// the reactor, for a socket or a timer: each is polled once more, and its
// future, refused by SetWaker or seeing Stopped, fails.
func (r *Reactor) stop(why error) {
	r.mu.Lock()
	r.stopped = why
	r.stopping.Store(true)
	waiting := r.wakers
	r.wakers = map[int]Waker{}
	r.mu.Unlock()
	for _, w := range r.timers.stop() {
		w.Wake()
	}
	for _, w := range waiting {
		w.Wake()
	}
}

// Stopped reports whether the event loop has stopped (after Close, or a
// failed epoll_wait). It takes no lock: it is asked on every poll.
func (r *Reactor) Stopped() bool {
	return r.stopping.Load()
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
