// Command goroutines makes the workbook's requests the way a Go programmer
// would write them first: one goroutine per request and the net package.
// Go's own runtime then does what the workbook's stages build by hand: the
// netpoller parks each goroutine on epoll (kqueue on macOS and FreeBSD)
// while its socket is not ready, and a handful of OS threads run them all.
//
//	go run ./baselines/goroutines -executors 2 -requests 1000 -delay 1s -quiet
//
// It answers the same flags and prints the same lines as the stages, so the
// comparison tool (go run ./sweep) can measure it beside them from outside.
// get.go is one request; this file is the program around it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

const program = "goroutines"

func main() {
	// Ctrl-C (SIGINT) ends ctx instead of the program, so the run can stop
	// its requests and say what finished. After the first one the program
	// stops listening: a second Ctrl-C ends it the usual way.
	ctx, stopListening := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stopListening)
	status := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopListening()
	os.Exit(status)
}

// run is the whole program; it returns the exit status. When ctx ends
// (Ctrl-C) every request still waiting is stopped and counted as unfinished.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	p := plan.Register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./baselines/%s [flags]\n\n", program)
		fmt.Fprintln(fs.Output(), "Makes executors × requests GET requests to the delay server, one goroutine per request.")
		fmt.Fprintln(fs.Output(), "Exit status: 0 all requests succeeded, 1 a request failed or the run could not be done, 2 bad flags, 130 Ctrl-C.")
		fmt.Fprintln(fs.Output())
		fs.PrintDefaults()
	}
	if err := p.Parse(fs, args, stderr); err != nil {
		return plan.Fail(program, err, stderr)
	}
	t, err := p.Target.Resolve(stderr)
	if err != nil {
		return plan.Fail(program, target.Explain(err, t), stderr)
	}
	defer t.Close()

	results := plan.NewResults(stdout, p.Quiet)
	start := time.Now()
	finished := make(chan struct{})
	go func() {
		runAll(ctx, t, p, results)
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		// Ctrl-C: the summary is printed at once and main exits. Dials
		// still under way give up (ctx), and the kernel closes every socket
		// still open as the process exits. For 10,000 waiting requests that
		// is about twice as quick as waking 10,000 goroutines to close
		// their sockets one by one before exiting. Outcomes that come in
		// after the summary are not counted (Results.Finish).
	}
	return results.Finish(program, p, time.Since(start), ctx.Err() != nil, stdout, stderr)
}

// runAll starts every request at once, each on its own goroutine, and
// returns when all have answered, failed or been stopped by ctx.
func runAll(ctx context.Context, t *target.Target, p *plan.Plan, results *plan.Results) {
	var wg sync.WaitGroup
	for executor := range p.Executors {
		for i := range p.Requests {
			wg.Go(func() {
				body, err := get(ctx, t, p.Path(i), p.Timeout)
				switch {
				case err != nil && ctx.Err() != nil:
					// Stopped by Ctrl-C, not failed: the summary counts
					// it as unfinished.
				case err != nil:
					results.Fail(executor, i, target.Explain(err, t))
				default:
					results.Done(executor, i, body)
				}
			})
		}
	}
	wg.Wait()
}
