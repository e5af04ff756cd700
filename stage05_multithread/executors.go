//go:build linux || darwin || freebsd

// This file is what is new in stage 05: several executors, each on an OS
// thread of its own, all fed by one reactor.
//
// Nothing in the executor, the waker or the reactor had to change for it.
// Since stage 03 the reactor has woken tasks from its own thread, so
// everything a Waker touches was already safe to use from another thread:
// the ready queue is guarded by a mutex, the parker is a channel, and the
// reactor's map of wakers has a mutex of its own. What is new is only that
// there are several executors, each with its own tasks, ready queue and
// parker, and that a reactor event may now be for any of them: the waker
// registered for the event knows which.

package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runExecutors makes every request of the plan: it starts p.Executors
// executors at once, each on its own OS thread (startExecutors), and
// returns when all of them have returned.
//
// Each executor is the book's thread body: a new Executor of its own, named
// executor-N, blocking on its own async_main, which spawns p.Requests
// requests. All of them share reactor, so one thread waits for every socket
// and wakes whichever executor an event belongs to. Each executor gets its
// own HTTPClient, used only by its own tasks on its own thread. The requests
// report to tally, which all executors share.
//
// A failed request is counted in tally, not returned: the error returned
// is for an executor that could not run at all.
//
//workbook:exercise s05-run-executors
func runExecutors(p Plan, reactor *Reactor, t *target.Target, tally *Tally, out io.Writer) error {
	return startExecutors(p.Executors, func(index int) error {
		client := &HTTPClient{Target: t, Reactor: reactor, Out: out}
		get := func(path string) Future[string] { return client.Get(path) }
		executor := NewExecutor(fmt.Sprintf("executor-%d", index), out)
		request := func(i int) Task { return NewRequest(index, i, p.Path(i), get, tally) }
		return executor.BlockOn(NewAsyncMain(out, p.Requests, executor, request))
	})
}

// startExecutors calls run(0), ..., run(n-1) at once, each on a goroutine
// locked to an OS thread of its own, waits for all of them, and returns
// their errors joined.
//
// Why lock: an executor parks by blocking on its Parker, and Go would
// otherwise run other goroutines on that thread meanwhile, or move the
// executor to another thread when it wakes. Locked, each executor is the
// only thing its thread ever runs, as in the book's design: one thread per
// executor, asleep in the kernel when its executor parks. The goroutines
// never unlock, so Go ends each thread when its executor returns.
//
// A panic on one of these goroutines would end the whole program with a
// stack dump, whoever called startExecutors. Each goroutine recovers it
// instead and reports it as that executor's error ("executor 2 panicked:
// ..."), so the caller hears about it like any other failure, and the other
// executors finish.
//
//workbook:exercise s05-start-executors
func startExecutors(n int, run func(index int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for index := range n {
		wg.Go(func() {
			runtime.LockOSThread()
			defer func() {
				if p := recover(); p != nil {
					errs[index] = fmt.Errorf("executor %d panicked: %v", index, p)
				}
			}()
			errs[index] = run(index)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
