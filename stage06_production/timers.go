//go:build linux || darwin || freebsd

// This file is the reactor's timers: a min-heap of deadlines, each with the
// waker to call when it passes. The event loop asks it two things before
// every wait: "which timers have expired?" (their tasks are woken) and "how
// long until the nearest one?" (that is how long the wait may last). Nothing
// here talks to the OS; the only OS-specific part of a timer is the timeout
// argument of the poller's wait (poller_epoll.go rounds it up to whole
// milliseconds; poller_kqueue.go passes it in nanoseconds).

package main

import (
	"container/heap"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// Timer is one deadline the reactor watches. When the deadline passes, the
// reactor's thread calls the timer's waker once, and the timer is done.
// AddTimer fills it in and puts it in the heap; CancelTimer takes it back
// before it fires.
//
// The caller owns the Timer, not the reactor: a Sleep holds its Timer as a
// field, so a waiting Sleep (and a request's timeout around it) is one
// allocation, not one for the future and another for its timer. Tokio's
// Sleep keeps its timer entry inside itself in the same way.
//
// The heap holds the Timer's address, so a Timer must not be copied while
// it is in the heap (from AddTimer until it fires or is cancelled); noCopy
// makes `go vet` report any copy of a Timer (or of a Sleep holding one).
// The Timer is its own handle: CancelTimer finds it through its index, so
// no map from an id to a timer is needed. A Timer that has fired or been
// cancelled (index -1) may be added again. Its zero value is ready to use.
//
// deadline and waker are written only by the owner (through AddTimer, or
// before the Timer is first added), and the reactor only reads them, under
// the queue's lock; index belongs to the queue, under its lock.
//
// Two timers with the same deadline fire in the same round, in no promised
// order. Go's runtime promises none either: it orders its own timers by
// deadline alone, and under testing/synctest's fake clock, where equal
// deadlines are common, it breaks ties at random on purpose, so that no
// test comes to rely on an order. Keeping the order they were added would
// take a sequence number in every Timer, and 8 bytes more would put every
// request's timeout in Go's next size class (see the README's "What a
// waiting request does not need").
type Timer struct {
	noCopy   noCopy
	deadline instant
	waker    Waker
	index    int // where the timer sits in the heap; -1 once it has fired or been cancelled
}

// Deadline is when the timer fires (once added).
func (t *Timer) Deadline() time.Time { return t.deadline.Time() }

// noCopy marks a struct that must not be copied once in use: `go vet`'s
// copylocks check reports a copy of any struct holding a value whose type
// has Lock and Unlock methods (sync.WaitGroup does the same). It takes no
// memory.
type noCopy struct{}

// Lock is never called; it is there for go vet.
func (*noCopy) Lock() {}

// Unlock is never called; it is there for go vet.
func (*noCopy) Unlock() {}

// timerHeap keeps the timers in the order container/heap wants: the timer
// with the nearest deadline at index 0.
//
// Why a heap: the event loop needs only the nearest deadline, and it needs it
// before every wait. A sorted list would cost O(n) per new timer (thousands
// of requests each add one); an unsorted one O(n) per wait. A binary heap
// gives the nearest in O(1) and adds or removes any timer in O(log n): with
// 10,000 requests in flight that is about 14 steps, whatever the order in
// which the timers come and go.
type timerHeap []*Timer

// Len implements heap.Interface.
func (h timerHeap) Len() int { return len(h) }

// Less puts the earlier deadline first.
//
//workbook:exercise s06-timers
func (h timerHeap) Less(i, j int) bool {
	return h[i].deadline < h[j].deadline
}

// Swap exchanges two timers and tells each where it now is: CancelTimer
// relies on every timer's index being right at all times.
//
//workbook:exercise s06-timers
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

// Push appends a timer (heap.Push then moves it up to its place).
//
//workbook:exercise s06-timers
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}

// Pop removes the last timer (heap.Pop and heap.Remove have moved the one
// leaving there) and marks it as out of the heap.
//
//workbook:exercise s06-timers
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil // the slice must not keep the timer (and the future holding it) alive
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// timerQueue is the heap and the lock that guards it. Executors add and
// cancel timers from their threads while the reactor's thread takes the
// expired ones, so every access is under mu. mu is its own lock, not the
// reactor's lock for wakers: a request adding its timer does not queue
// behind the sockets' SetWaker and Deregister. It is never held across a
// system call or a Wake.
type timerQueue struct {
	mu     sync.Mutex
	timers timerHeap
	// wakeBy is the latest moment at which the event loop will look at the
	// heap again: the deadline it is waiting for, or zero while it waits
	// without a timeout. A new timer earlier than that needs a wake-up, or
	// the loop would sleep through it.
	wakeBy time.Time
	// stopped is set when the event loop ends: no timer can fire after
	// that, so no new one is accepted.
	stopped bool
	// trace is the event loop's lane, for -trace; nil when off.
	trace *trace.Lane
}

// add fills t in (deadline and waker) and puts it in the heap. t must not
// be in the heap already. It reports whether the event loop must be woken
// to notice it: only when the new deadline comes before the one the loop
// is waiting for. A run of 10,000 requests, whose deadlines all lie after
// the first one's, wakes the loop once, not 10,000 times.
//
//workbook:exercise s06-timers
func (q *timerQueue) add(t *Timer, deadline time.Time, w Waker) (wakeLoop bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return false, ErrReactorClosed
	}
	t.deadline, t.waker = instantOf(deadline), w
	heap.Push(&q.timers, t)
	if q.wakeBy.IsZero() || deadline.Before(q.wakeBy) {
		// The loop is told once; until it has looked again, the new
		// deadline is the latest it will look by.
		q.wakeBy = deadline
		wakeLoop = true
	}
	return wakeLoop, nil
}

// cancel takes t out of the heap, if it is in it, and reports whether it
// was (false: it has fired already, was cancelled before, or was never
// added). Since the caller owns its Timers, one never added can reach
// here, and its index (0 in the zero value) would name another timer's
// slot: the slot must hold t itself.
//
// The event loop is not woken, even when t was the timer it waits for: it
// will wake at t's deadline, find nothing expired and wait again. One
// wasted wake-up later is cheaper than interrupting the wait now, on every
// request that finishes in time.
//
//workbook:exercise s06-timers
func (q *timerQueue) cancel(t *Timer) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.index < 0 || t.index >= len(q.timers) || q.timers[t.index] != t {
		return false
	}
	heap.Remove(&q.timers, t.index)
	return true
}

// next is what the event loop asks before every wait. It moves the wakers
// of every timer whose deadline is not after now into fired (the loop calls
// them once the lock is released), and says how long the loop may wait:
// until the nearest deadline left, or for ever (a negative duration) when
// no timer is left.
func (q *timerQueue) next(now time.Time, fired []Waker) ([]Waker, time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	at := instantOf(now)
	for len(q.timers) > 0 && q.timers[0].deadline <= at {
		t := heap.Pop(&q.timers).(*Timer)
		q.trace.FiresTimer(t, t.waker.traceTask())
		fired = append(fired, t.waker)
	}
	if len(q.timers) == 0 {
		q.wakeBy = time.Time{}
		return fired, -1
	}
	q.wakeBy = q.timers[0].deadline.Time()
	return fired, time.Duration(q.timers[0].deadline - at)
}

// stop empties the heap for good and returns the wakers of the timers that
// were in it: the reactor wakes them as it stops, so that their futures
// find out and fail instead of waiting for a deadline nobody watches.
func (q *timerQueue) stop() []Waker {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = true
	wakers := make([]Waker, 0, len(q.timers))
	for _, t := range q.timers {
		t.index = -1
		wakers = append(wakers, t.waker)
	}
	q.timers = nil
	return wakers
}

// len is the number of timers waiting to fire.
func (q *timerQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.timers)
}
