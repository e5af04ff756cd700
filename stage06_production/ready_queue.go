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

	// quietRounds counts the rounds since the last burst (a batch of more
	// than burstSize ids), up to settleRounds (see TakeAll). A new queue
	// starts settled: no burst has come yet. keepRoom says the room of the
	// last burst is being kept for the next one, bursts coming round after
	// round.
	quietRounds int
	keepRoom    bool

	// target is the part every waker of this queue's executor shares
	// (NewWaker): this queue and the executor's parker.
	target atomic.Pointer[wakeTarget]
}

// NewReadyQueue returns an empty queue.
func NewReadyQueue() *ReadyQueue {
	return &ReadyQueue{queued: map[int]bool{}, quietRounds: settleRounds}
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
// hold them would keep that size for the whole run, about 38 bytes per
// request, while what wakes at once afterwards is at most a poller's batch
// of events. So a burst (a batch of more than burstSize ids) that comes to
// a settled queue, one that has seen no burst for settleRounds rounds, is
// taken as a one-off: the set is replaced by a fresh, empty one, and a
// buffer grown past burstSize is not handed back, so the garbage collector
// takes them and the queue starts small again. A burst that comes before
// the queue has settled means bursts keep coming (an executor that spawns
// thousands of tasks round after round); giving the room back would only
// mean growing it again, so it is kept until settleRounds small rounds in a
// row have passed, and given back then.
func (q *ReadyQueue) TakeAll(buf []int) []int {
	q.mu.Lock()
	defer q.mu.Unlock()
	batch := q.ids
	burst := len(batch) > burstSize
	settled := q.quietRounds >= settleRounds
	letGo := false
	switch {
	case burst:
		letGo = settled // a one-off: nothing suggests another is coming
		q.keepRoom = !settled
		q.quietRounds = 0
	case !settled:
		q.quietRounds++
		if q.quietRounds == settleRounds { // the bursts are over
			letGo = q.keepRoom
			q.keepRoom = false
		}
	}
	if !q.keepRoom && cap(buf) > burstSize {
		buf = nil
	}
	q.ids = buf[:0]
	if letGo {
		q.queued = map[int]bool{} // every id in the set is in batch: none is lost
		return batch
	}
	for _, id := range batch {
		delete(q.queued, id)
	}
	return batch
}

// burstSize is the most ids the ready queue keeps room for once it has
// settled. A round that takes more is a burst (the spawns of async_main, or
// a flood of wake-ups at once). 1,024 ids is 8 KiB in a slice.
const burstSize = 1024

// settleRounds is how many rounds in a row with no more than burstSize ids
// make the queue settled: bursts are over, and the next one is a one-off
// whose room is given back at once. An executor that spawns thousands of
// tasks round after round, with a small round between (as
// BenchmarkSpawnPollComplete does), never settles, and keeps its room.
const settleRounds = 4

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
	q.target.CompareAndSwap(nil, t) // the first target made is the one kept
	return t
}

// Len is the number of waiting ids.
func (q *ReadyQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ids)
}
