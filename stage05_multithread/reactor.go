// This file is the reactor: an epoll instance with an OS thread of its own
// that waits for socket events and wakes the tasks they concern. Futures
// register their sockets with it and leave a Waker; Close stops the thread
// and releases the fds. In stage 05 one reactor serves every executor: its
// wakers reach the executors' threads, whichever they belong to.

package main

import (
	"encoding/binary"
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

// closeID is the registration id of the reactor's own eventfd, the one fd
// whose event means "stop" rather than "wake a task". NextID starts at 1, so
// no socket ever gets it.
const closeID = 0

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
	wakeFD int // an eventfd: writing to it ends epoll_wait (see Close)
	lastID atomic.Int64

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
	// Level-triggered on purpose: nobody reads the eventfd, so once written
	// it stays readable, and every later epoll_wait reports it again.
	event := unix.EpollEvent{Events: unix.EPOLLIN}
	setEventID(&event, closeID)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakeFD, &event); err != nil {
		unix.Close(wakeFD)
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll: register the eventfd: %w", err)
	}
	r := &Reactor{epfd: epfd, wakeFD: wakeFD, wakers: map[int]Waker{}, loopDone: make(chan struct{})}
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
// epoll instance and the eventfd. Tasks still waiting on the reactor are
// woken; their futures then fail with ErrReactorClosed. Calling Close again
// returns the first call's result.
//
// The event loop sleeps in epoll_wait and only an event ends that, so Close
// makes one: it writes to the eventfd, which epoll watches under closeID.
// (Closing the epoll fd would not do: a thread already inside epoll_wait
// keeps waiting on the instance, closed or not.)
//
//workbook:exercise s04-reactor-close
func (r *Reactor) Close() error {
	r.closeOnce.Do(func() {
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 1)
		// EAGAIN means the eventfd's counter is full: it is readable
		// already, and the loop will see it just the same.
		if _, err := unix.Write(r.wakeFD, one[:]); err != nil && !errors.Is(err, unix.EAGAIN) {
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

// eventLoop is the reactor's thread: wait for events, wake their tasks,
// repeat, until the eventfd says stop.
//
// epoll_wait is never restarted after a signal, and the Go runtime itself
// signals its threads, so EINTR only means "woken for nothing": wait again.
// Any other error means the epoll instance is unusable; the loop stops, as
// after Close, so that every waiting task fails instead of sleeping for ever.
//
//workbook:exercise s04-reactor-close
func (r *Reactor) eventLoop() {
	events := make([]unix.EpollEvent, maxEvents)
	for {
		n, err := unix.EpollWait(r.epfd, events, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			r.stop(fmt.Errorf("%w: epoll: wait: %w", ErrReactorClosed, err))
			return
		}
		for _, event := range events[:n] {
			if id := eventID(event); id != closeID {
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
		w.Wake()
	}
}

// stop records why the event loop ended and wakes every task that waits on
// the reactor: each is polled once more, and its future, refused by
// SetWaker, fails.
func (r *Reactor) stop(why error) {
	r.mu.Lock()
	r.stopped = why
	r.stopping.Store(true)
	waiting := r.wakers
	r.wakers = map[int]Waker{}
	r.mu.Unlock()
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
