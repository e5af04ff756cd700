//go:build linux || darwin || freebsd

// runtime.go runs the plan: one executor per OS thread, each running
// async_main, which spawns its share of the requests. A waiting request
// costs a task in a map, a socket and a timer, never a thread. With
// -reactor shared all executors share one reactor on a thread of its own,
// as in the book (runOnReactor, here); by default each executor drives a
// reactor of its own (runOnOwnReactors, runtime_per_executor.go).

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// runRuntime makes every request of the plan with p.Executors executors and
// returns when all have answered, failed or timed out, or when ctx ends
// (Ctrl-C). Request failures are reported to r, not returned; the error is
// for a run that could not be done.
//
// By default each executor drives a reactor of its own (runOnOwnReactors);
// with p.SharedReactor (-reactor shared) one reactor, on a thread of its
// own, serves them all, as in the book.
func runRuntime(ctx context.Context, t *target.Target, p Plan, r *Results) (err error) {
	if !p.SharedReactor {
		return runOnOwnReactors(ctx, t, p, r)
	}
	reactor, err := NewReactor()
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, reactor.Close())
	}()
	return runOnReactor(ctx, reactor, t, p, r)
}

// runOnReactor is runRuntime around a reactor the caller made (and closes):
// tests use it to look at the reactor after the run.
//
// Every request is bounded by p.RequestTimeout(): its GET is wrapped in
// WithTimeout, whose timer lives in the reactor's heap, so a server that
// never answers costs that request a timeout error and nothing else.
//
// When ctx ends, interruptRuntime closes the reactor: every waiting task is
// woken, every unfinished request fails with ErrReactorClosed and closes its
// socket, and the executors, with no task left, return. Those requests are
// counted as unfinished, not failed (interruptibleReporter).
func runOnReactor(ctx context.Context, reactor *Reactor, t *target.Target, p Plan, r *Results) error {
	report := &interruptibleReporter{Reporter: r}
	stopWatching := context.AfterFunc(ctx, func() {
		trace.NewLane("signal", "").Interrupted()
		interruptRuntime(report, reactor)
	})
	defer stopWatching()

	// Quiet runs print nothing per response (Results' out is nil), and the
	// executors follow: no park lines either.
	var out io.Writer
	if r.out != nil {
		out = resultsWriter{r}
	}
	limit := p.RequestTimeout()
	return startExecutors(p.Executors, func(index int) error {
		// One client per executor: the client is shared by that executor's
		// requests only, which all run on its thread.
		client := &HTTPClient{Target: t, Reactor: reactor}
		get := func(path string) *TimeoutFuture[string] { return WithTimeout(client.Get(path), limit, reactor) }
		executor := NewExecutor(fmt.Sprintf("executor-%d", index), out)
		requests := newRequests(index, get, report)
		request := func(i int) Task { return requests.New(i, p.Path(i)) }
		return executor.BlockOn(NewAsyncMain(p.Requests, executor, request))
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
// ..."), so the caller hears about it like any other failure, and the
// other executors finish.
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

// resultsWriter writes the executors' lines to the writer of r, under r's
// own lock, so that they never interleave with its response lines, whatever
// the writer is.
type resultsWriter struct{ r *Results }

// Write implements io.Writer.
func (w resultsWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.out.Write(p)
}
