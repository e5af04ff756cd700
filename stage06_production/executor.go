//go:build linux || darwin || freebsd

// This file is the executor: it keeps the tasks, polls those that were
// woken, and sleeps (parks) when none was, until a Waker unparks it; Spawn
// lets a task start others. Several executors run at once, each on its own
// OS thread (see runtime.go); by default each drives a reactor of its own,
// and waits in it instead of parking (NewDrivingExecutor).

package main

import (
	"fmt"
	"io"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// Task is a future the executor runs to completion. Its value is not
// wanted, only that it finishes (and whether it failed).
type Task = Future[struct{}]

// Executor runs tasks on the goroutine that calls BlockOn.
//
// It polls exactly the tasks whose wakers were called, and in between it
// parks, using no CPU at all. Who calls the wakers is not its business: the
// reactor, another goroutine, or a task itself.
//
// Only the goroutine running BlockOn touches the tasks, so they need no
// lock; what other threads share is the ready queue and the parker, reached
// through wakers. That is also why Spawn may only be called on that
// goroutine: before BlockOn, or by a task while it is being polled.
type Executor struct {
	// reactor, when set, is the reactor this executor drives: with nothing
	// to do, it runs one Turn of it instead of parking (NewDrivingExecutor).
	reactor *Reactor
	name    string
	out     io.Writer
	tasks   Slab[Task] // by id; the id is the slot's, so it is reused once the task has finished (slab.go)
	ready   *ReadyQueue
	parker  Parker
	batch   []int       // the ids being polled this round; kept to reuse its memory
	trace   *trace.Lane // what this executor's thread does, for -trace; nil when off
}

// NewExecutor returns an executor with no tasks. name starts each line it
// prints to out ("executor-0: 5 pending tasks. Sleep until notified."). With
// out nil it prints nothing: with -quiet and thousands of requests, one line
// per park would make the terminal the bottleneck. Executors on different
// threads may share out; each line is one Write.
func NewExecutor(name string, out io.Writer) *Executor {
	lane := trace.NewLane("executor", name)
	ready := NewReadyQueue()
	ready.trace = lane
	return &Executor{
		name:   name,
		out:    out,
		ready:  ready,
		parker: NewParker(),
		trace:  lane,
	}
}

// BlockOn runs main to completion, with any other task the executor has, and
// returns when no task is left.
//
// The loop: poll every task in the ready queue; if tasks remain, none of
// them can make progress now, so say so and park until a waker unparks the
// executor. A task that is not in the ready queue is never polled: no busy
// loop, no sleep.
//
// The first task to fail ends BlockOn with its error. The tasks left are
// abandoned: each is closed (if it holds sockets, they are released) and
// dropped.
//
//workbook:exercise s06-drive
func (e *Executor) BlockOn(main Task) error {
	e.Spawn(main)
	for {
		if err := e.pollReady(); err != nil {
			e.abandonAll()
			return err
		}
		if e.tasks.Len() == 0 {
			e.say("All tasks are finished")
			return nil
		}
		if e.out != nil {
			e.say(fmt.Sprintf("%d pending tasks. Sleep until notified.", e.tasks.Len()))
		}
		if e.reactor == nil {
			e.trace.Parks()
			e.parker.Park()
			e.trace.Unparked()
			continue
		}
		if !e.reactor.Turn(e.hasWork) && !e.hasWork() {
			// The reactor has stopped and woken every task it knew;
			// nothing is left that could wake the rest.
			left := e.tasks.Len()
			e.abandonAll()
			return fmt.Errorf("%s: %d tasks left: %w", e.name, left, ErrReactorClosed)
		}
	}
}

// NewDrivingExecutor returns an executor that drives reactor r, which must
// be a NewDrivenReactor used by this executor alone: when no task is ready,
// it runs a Turn of r instead of parking, so it sleeps in the poller's
// wait, and the events of its own sockets wake its tasks on its own thread.
// Its wakers still work from any thread: Unpark interrupts the wait.
func NewDrivingExecutor(name string, out io.Writer, r *Reactor) *Executor {
	e := NewExecutor(name, out)
	e.reactor = r
	e.parker.driver = r
	r.traceOn(e.trace) // the executor's thread runs this reactor's turns
	return e
}

// hasWork reports whether a woken task waits in the ready queue.
func (e *Executor) hasWork() bool {
	return e.ready.Len() > 0
}

// Spawn gives the executor a task to run beside the others: it joins the
// tasks' slab, which gives it its id, and the id goes on the ready queue, so
// the executor polls it (which starts it) in its next round.
//
// A task that spawns does not wait for what it spawned; the spawned task
// runs on its own, and BlockOn returns only when it, too, has finished.
// That is the difference from stage 02's JoinAll, where one future polled
// the others as its own parts.
//
// The id goes on the queue without unparking: Spawn runs on the executor's
// own goroutine, which is awake by definition.
//
//workbook:exercise s06-task-slab
func (e *Executor) Spawn(task Task) {
	id := e.tasks.Insert(task)
	e.ready.Push(id)
	e.trace.Spawns(id)
}

// pollReady polls the woken tasks until none is left in the ready queue, and
// removes those that finish. It returns the error of the first task that
// fails.
//
// A woken id with no task is skipped: the task has finished, and the wake-up
// came late (a reactor event already on its way, a waker another goroutine
// kept). The slab finds nothing for such an id even after another task has
// taken its slot, because the id carries the generation the slot had when
// the finished task was given it.
// Tasks woken while this runs are polled in the next round of the loop, not
// lost.
//
//workbook:exercise s06-task-slab
func (e *Executor) pollReady() error {
	for e.ready.Len() > 0 {
		e.batch = e.ready.TakeAll(e.batch)
		for _, id := range e.batch {
			task, ok := e.tasks.Get(id)
			if !ok {
				continue
			}
			e.trace.PollBegins(id)
			p := task.Poll(NewWaker(id, e.ready, e.parker))
			e.trace.PollEnds(p.Ready, p.Err)
			if !p.Ready {
				continue
			}
			e.tasks.Remove(id)
			if p.Err != nil {
				return p.Err
			}
		}
	}
	return nil
}

// say prints one line starting with the executor's name, unless the
// executor is quiet.
func (e *Executor) say(line string) {
	if e.out != nil {
		fmt.Fprintf(e.out, "%s: %s\n", e.name, line)
	}
}

// abandonAll drops every task left, closing those that hold resources (that
// implement io.Closer). Go has no destructors: in Rust, dropping a future
// closes its sockets; here the executor does it by hand.
func (e *Executor) abandonAll() {
	for id, task := range e.tasks.All() {
		if closer, ok := task.(io.Closer); ok {
			_ = closer.Close()
		}
		e.tasks.Remove(id)
	}
}
