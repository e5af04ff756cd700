//go:build linux || darwin || freebsd

// This file is the run with a reactor per executor (the default): each
// executor drives a reactor of its own on its own thread
// (NewDrivingExecutor), where runOnReactor shares one reactor, with a
// thread of its own, between all of them.
//
// Why: with one shared reactor, a socket's event travels from the reactor's
// thread to the executor's (the Wake unparks it: a futex wake, a thread
// switch), and every executor's sleep and the reactor's are separate waits.
// An executor that waits in its own poller is woken by the kernel itself
// when one of its sockets has news, and polls the task on the same thread:
// one wait instead of two, no hand-off between threads, and no lock shared
// by all executors.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// runOnOwnReactors runs the plan like runOnReactor, but every executor
// makes, drives and closes a reactor of its own, and its requests register
// with that one. No thread sits between a socket's event and its task: the
// executor that waits in the poller is the one that polls the task.
//
// Ctrl-C closes every executor's reactor, from the signal's goroutine:
// Close interrupts the executor's wait, and the executor's Turn then stops
// the reactor, which wakes its tasks, and they fail, as with a shared
// reactor.
func runOnOwnReactors(ctx context.Context, t *target.Target, p Plan, r *Results) error {
	report := &interruptibleReporter{Reporter: r}
	var (
		mu       sync.Mutex
		reactors []io.Closer
	)
	stopWatching := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		trace.NewLane("signal", "").Interrupted()
		interruptRuntime(report, reactors...) // marks the run even when no executor has started yet
	})
	defer stopWatching()

	var out io.Writer
	if r.out != nil {
		out = resultsWriter{r}
	}
	limit := p.RequestTimeout()
	return startExecutors(p.Executors, func(index int) (err error) {
		reactor, err := NewDrivenReactor()
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, reactor.Close()) }()
		mu.Lock()
		reactors = append(reactors, reactor)
		interrupted := report.interrupted.Load()
		mu.Unlock()
		if interrupted {
			return nil // Ctrl-C came before this executor started
		}
		client := &HTTPClient{Target: t, Reactor: reactor}
		get := func(path string) *TimeoutFuture[string] { return WithTimeout(client.Get(path), limit, reactor) }
		executor := NewDrivingExecutor(fmt.Sprintf("executor-%d", index), out, reactor)
		requests := newRequests(index, get, report)
		request := func(i int) Task { return requests.New(i, p.Path(i)) }
		return executor.BlockOn(NewAsyncMain(p.Requests, executor, request))
	})
}
