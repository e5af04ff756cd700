//go:build linux || darwin || freebsd

// This file is the Waker: what a future keeps (or hands to the reactor) so
// that, when it can make progress, its task gets polled again.

package main

import "github.com/asyncworkbook/asyncgo/internal/trace"

// Waker wakes one task of one executor. It carries everything that takes:
//
//   - the task's id, so the executor knows which task to poll;
//   - the executor's ready queue, where the id goes;
//   - the executor's Parker, to get the executor going if it sleeps.
//
// A Waker is a small value. Copy it freely: every copy wakes the same task.
// Wake may be called from any goroutine or OS thread (the reactor calls it
// from its own), any number of times, even after the task has finished: the
// executor ignores a wake-up for a task it does not hold any more.
//
// The queue and the parker are the same for every waker of one executor,
// so they are kept once, in a wakeTarget, and a Waker is two words: the id
// and a pointer to that target. w.ready and w.parker read through the
// pointer (Go promotes the fields of an embedded pointer), so Wake reads
// as if they were the Waker's own fields. A waiting request holds three
// copies of its waker (the HTTP future, its timer, the reactor's map), so
// every word cut from a Waker is paid three times over.
//
// Wakers of one executor are comparable with ==: two are equal when they
// wake the same task.
type Waker struct {
	id int
	*wakeTarget
}

// wakeTarget is what every waker of one executor shares.
type wakeTarget struct {
	ready  *ReadyQueue
	parker Parker
}

// NewWaker returns a waker for task id of the executor whose ready queue and
// parker are given. Executors make wakers, one per poll; tests make them to
// watch what a wake does.
//
// The shared part comes from the queue (ReadyQueue.targetFor), so a new
// waker costs no allocation and two wakers of the same task compare equal.
func NewWaker(id int, ready *ReadyQueue, parker Parker) Waker {
	return Waker{id: id, wakeTarget: ready.targetFor(parker)}
}

// ID is the id of the task this waker wakes.
func (w Waker) ID() int {
	return w.id
}

// traceTask names the task this waker wakes, for -trace.
func (w Waker) traceTask() trace.Task {
	if w.wakeTarget == nil {
		return trace.Task{ID: w.id}
	}
	return w.ready.trace.Task(w.id)
}

// Wake schedules the task to be polled: its id goes on the ready queue, and
// the executor is unparked.
//
// The order matters. Push first, then Unpark: an executor that wakes up must
// find the id already in the queue. The other way round, it could wake, find
// the queue empty, and park again just before the id arrives, sleeping with
// a task ready (the token of that Unpark would already have been used up).
//
// When the id is already waiting, the Wake that pushed it has unparked the
// executor (or is just about to), and the executor takes the whole queue
// before it parks again, so there is nothing more to do.
//
//workbook:exercise s03-waker-wake
func (w Waker) Wake() {
	if w.ready.Push(w.id) {
		w.parker.Unpark()
	}
}
