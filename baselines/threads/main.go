//go:build linux || darwin || freebsd

// Command threads makes the workbook's requests with one OS thread per
// request, the way servers were written before event loops: each request
// is a goroutine locked to a thread of its own, making blocking system
// calls (connect, write, read) on a blocking socket, so every waiting
// request holds a whole thread asleep in read(2) for the length of its
// delay.
//
//	go run ./baselines/threads -executors 2 -requests 1000 -delay 1s -quiet
//
// It answers the same flags and prints the same lines as the stages, so the
// comparison tool (go run ./sweep) can measure it beside them from outside.
// get.go is one request, conn.go the blocking socket under it, limits.go
// the check that the system allows the threads; this file is the program
// around them.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

const program = "threads"

func main() {
	// Ctrl-C (SIGINT) ends ctx instead of the program, so the run can say
	// what finished. After the first one the program stops listening: a
	// second Ctrl-C ends it the usual way.
	ctx, stopListening := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stopListening)
	status := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopListening()
	os.Exit(status)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	p := plan.Register(fs)
	maxThreads := fs.Int("max-threads", 0, "Go's limit on OS threads (runtime/debug.SetMaxThreads); 0: as many as the run needs")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./baselines/%s [flags]\n\n", program)
		fmt.Fprintln(fs.Output(), "Makes executors × requests GET requests to the delay server, one OS thread per request.")
		fmt.Fprintln(fs.Output(), "Exit status: 0 all requests succeeded, 1 a request failed or the run could not be done, 2 bad flags, 130 Ctrl-C.")
		fmt.Fprintln(fs.Output())
		fs.PrintDefaults()
	}
	if err := p.Parse(fs, args, stderr); err != nil {
		return plan.Fail(program, err, stderr)
	}
	if *maxThreads < 0 {
		return plan.Fail(program, target.Usagef("-max-threads %d: must be 0 (as many as the run needs) or a positive limit", *maxThreads), stderr)
	}
	t, err := p.Target.Resolve(stderr)
	if err != nil {
		return plan.Fail(program, target.Explain(err, t), stderr)
	}
	defer t.Close()

	limit, err := checkLimits(p, *maxThreads, t.Embedded != nil)
	if err != nil {
		return plan.Fail(program, err, stderr)
	}
	debug.SetMaxThreads(limit)

	results := plan.NewResults(stdout, p.Quiet)
	start := time.Now()
	finished := make(chan struct{})
	go func() {
		runAll(t, p, results)
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		// Ctrl-C: the summary is printed at once and main exits. Exiting
		// ends every thread, asleep in read(2) or not, and the kernel
		// closes every socket still open. Outcomes that come in after the
		// summary are not counted (Results.Finish).
	}
	return results.Finish(program, p, time.Since(start), ctx.Err() != nil, stdout, stderr)
}

// runAll starts every request at once, each on an OS thread of its own, and
// returns when all have answered or failed.
func runAll(t *target.Target, p *plan.Plan, results *plan.Results) {
	var wg sync.WaitGroup
	for executor := range p.Executors {
		for i := range p.Requests {
			wg.Go(func() {
				// Locking without ever unlocking gives this goroutine a
				// thread of its own for its whole life, and when the
				// goroutine ends, Go ends the thread instead of reusing it.
				// The blocking system calls in get then hold that thread;
				// Go hands its P on to another thread (starting one if
				// need be), so every waiting request really costs a thread.
				runtime.LockOSThread()
				body, err := get(t, p.Path(i), p.Timeout)
				if err != nil {
					results.Fail(executor, i, target.Explain(err, t))
					return
				}
				results.Done(executor, i, body)
			})
		}
	}
	wg.Wait()
}
