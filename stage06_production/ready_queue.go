//go:build linux || darwin || freebsd

// This file is the ready queue: the list of task ids that have been woken
// and wait to be polled. Wakers on any thread push; the executor takes.

package main

import (
	"sync"
	"sync/atomic"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// ReadyQueue holds the ids of woken tasks, each at most once, in the order
// they were woken. It is safe for concurrent use: the reactor's thread, other
// goroutines and the executor itself push while the executor takes.
//
// Why "at most once": a task woken a thousand times before the executor gets
// round to it needs one poll, not a thousand. Each poll would find the same
// state as the first (a future reads everything there is when it is polled),
// so the extra polls are pure waste. The queued set makes a second push of a
// waiting id a no-op.
type ReadyQueue struct {
	mu     sync.Mutex
	ids    []int
	queued map[int]bool
	trace  *trace.Lane // the executor's lane, so that a wake can name its task; nil when off

	// target is the part every waker of this queue's executor shares
	// (NewWaker): this queue and the executor's parker.
	target atomic.Pointer[wakeTarget]
}

// NewReadyQueue returns an empty queue.
func NewReadyQueue() *ReadyQueue {
	return &ReadyQueue{queued: map[int]bool{}}
}

// Push adds id, unless it is already waiting. It reports whether it added it.
//
//workbook:exercise s03-ready-queue
func (q *ReadyQueue) Push(id int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queued[id] {
		return false
	}
	q.queued[id] = true
	q.ids = append(q.ids, id)
	return true
}

// TakeAll removes every waiting id and returns them in order. It hands the
// executor the whole batch under one lock, rather than one lock per id, and
// gives it buf (emptied) back as the next batch's storage, so the two slices
// take turns and a busy executor does not allocate a new one every round.
//
// After an ordinary round, one or two woken tasks, the ids leave the queued
// set one by one: a deletion per id taken. clear(q.queued) would cost as
// much as the set's capacity instead, and Go's maps never give capacity
// back.
//
// That last fact matters after a burst. async_main's first poll spawns
// 5,000 requests, so 5,000 ids wait at once; a set and two slices grown to
// hold them would stay that size for the whole run, about 38 bytes per
// request, while all that ever waits again is a handful of ids. So a batch
// larger than burstSize takes a fresh, empty set along with it, and a
// buffer grown that large is not handed back: the garbage collector takes
// both, and the queue starts again small.
func (q *ReadyQueue) TakeAll(buf []int) []int {
	q.mu.Lock()
	defer q.mu.Unlock()
	batch := q.ids
	if cap(buf) > burstSize {
		buf = nil
	}
	q.ids = buf[:0]
	if len(batch) > burstSize {
		q.queued = map[int]bool{}
		return batch
	}
	for _, id := range batch {
		delete(q.queued, id)
	}
	return batch
}

// burstSize is the most ids the ready queue keeps room for between rounds.
// A round that takes more is a burst (the spawns of async_main, or a flood
// of answers at once) and its memory is let go rather than kept; below it,
// reuse saves an allocation per round. 1,024 ids is 8 KiB in a slice.
const burstSize = 1024

// targetFor returns the shared part of the wakers that push onto this queue
// and unpark parker. An executor has one queue and one parker, so after its
// first poll this is one atomic load: the target is made once and kept.
// A second parker on the same queue (only tests do that) gets a target of
// its own each time, which wakes correctly but does not compare equal.
func (q *ReadyQueue) targetFor(parker Parker) *wakeTarget {
	if t := q.target.Load(); t != nil && t.parker == parker {
		return t
	}
	t := &wakeTarget{ready: q, parker: parker}
	if q.target.CompareAndSwap(nil, t) {
		return t
	}
	if kept := q.target.Load(); kept.parker == parker {
		return kept // another goroutine made the same target first
	}
	return t
}

// Len is the number of waiting ids.
func (q *ReadyQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ids)
}
