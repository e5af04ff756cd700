//go:build linux || darwin || freebsd

// Stage 06, past the book: stage 05's executors on OS threads, with what a
// real runtime needs and the book leaves out. Every request has a deadline
// (timers.go, sleep.go, timeout.go); Ctrl-C cancels the run and closes
// every socket (interrupt.go); each executor drives a reactor of its own
// (runtime_per_executor.go); and the socket calls are the cheap ones
// (rawsyscall_linux.go, http.go).
//
// This file only wires things together: flags, the target, the run, the
// summary and the exit status: 0 every request ok; 1 a request failed or the
// run could not be done (the last line on stderr says why); 2 a mistake in
// the flags; 130 Ctrl-C.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// program names this stage in the summary and in error messages.
const program = "stage06_production"

// The two ways to place the reactor (-reactor).
const (
	reactorPerExecutor = "per-executor"
	reactorShared      = "shared"
)

var reactorPlacements = []string{reactorPerExecutor, reactorShared}

// errRequestsFailed ends a run in which some requests failed: the summary
// has counted them, and main says why on stderr and exits with 1.
var errRequestsFailed = errors.New("requests failed")

// gcPercent is the garbage collector's target for this program: collect
// when the heap has grown by a quarter over what was live after the last
// collection, instead of Go's default of doubling (GOGC=100).
//
// Nearly all of this program's heap is live until the end: every waiting
// request keeps its future, its timer and its task until its answer comes.
// With the default, the heap may grow to twice that before the collector
// runs, and at 10,000 requests that headroom is a sixth of the whole
// process's memory. A smaller target costs more collections, but each one
// has little to do here; see the README's section on memory for what it
// saved and cost when measured. The GOGC environment variable still wins
// when it is set.
const gcPercent = 25

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	// Ctrl-C (SIGINT) ends ctx instead of the program, so that the run can
	// stop cleanly and say what it finished. After the first one, listening
	// stops: a second Ctrl-C ends the program the usual way, should the
	// clean stop ever get stuck.
	ctx, stopListening := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stopListening)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopListening()
	if errors.Is(err, errInterrupted) {
		os.Exit(interruptedExitStatus)
	}
	target.Exit(program, err)
}

// options are the parsed flags.
type options struct {
	plan   Plan
	quiet  bool
	target *target.Flags
	trace  *trace.Settings
}

// parseFlags reads the command line. Every mistake comes back as one line,
// a target.UsageError (exit status 2).
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var reactor string
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.IntVar(&o.plan.Executors, "executors", 2, "number of executors, each on an OS thread of its own")
	fs.IntVar(&o.plan.Requests, "requests", 5, "requests per executor")
	fs.DurationVar(&o.plan.Delay, "delay", 0, "the delay every request asks for (default: request i waits i seconds)")
	fs.DurationVar(&o.plan.Timeout, "timeout", DefaultRequestTimeout, "give up on a request with no complete answer after this long; its delay counts")
	fs.StringVar(&reactor, "reactor", reactorPerExecutor, "a reactor driven by each executor ("+reactorPerExecutor+"), or one on a thread of its own for all ("+reactorShared+", the book's)")
	fs.BoolVar(&o.quiet, "quiet", false, "print no line per response, only the summary")
	o.target = target.Register(fs)
	o.trace = trace.Flag(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./%s [flags]\n\n", program)
		fmt.Fprintf(fs.Output(), "Makes executors × requests GET requests to the delay server, each bounded by -timeout; Ctrl-C stops the run.\n")
		fmt.Fprintf(fs.Output(), "Exit status: 0 all requests succeeded, 1 a request failed or the run could not be done, 2 bad flags, 130 stopped by Ctrl-C.\n\n")
		fs.PrintDefaults()
	}
	if err := target.Parse(fs, args, stderr); err != nil {
		return o, err
	}
	fs.Visit(func(f *flag.Flag) { o.plan.FixedDelay = o.plan.FixedDelay || f.Name == "delay" })
	if !slices.Contains(reactorPlacements, reactor) {
		return o, target.Usagef("unknown -reactor %q: choose one of %s", reactor, strings.Join(reactorPlacements, ", "))
	}
	o.plan.SharedReactor = reactor == reactorShared
	if o.plan.Timeout <= 0 {
		return o, target.Usagef("-timeout %s: must be more than 0, e.g. -timeout 30s", o.plan.Timeout)
	}
	if err := validatePlan(o.plan); err != nil {
		return o, target.UsageError{Err: err}
	}
	return o, nil
}

// run is the whole program but for choosing the exit status. When ctx ends
// (Ctrl-C), the run stops, the summary says what finished, and run returns
// errInterrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	t, err := o.target.Resolve(stderr)
	if err != nil {
		return target.Explain(err, t)
	}
	defer func() {
		if closeErr := t.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("stop the embedded delay server: %w", closeErr)
		}
	}()
	if err := target.CheckSockets(o.plan.Total(), t.Embedded != nil); err != nil {
		return err
	}

	r := NewResults(stdout, o.quiet)
	start := time.Now()
	if err := o.trace.Run(program, stderr, func() error { return runRuntime(ctx, t, o.plan, r) }); err != nil {
		return target.Explain(err, t)
	}
	s := Summary{Plan: o.plan, OK: r.OK(), Failed: r.Failed(), Interrupted: ctx.Err() != nil, Wall: time.Since(start)}
	if _, err := fmt.Fprintln(stdout, s); err != nil {
		return fmt.Errorf("print the summary: %w", err)
	}
	switch {
	case s.Interrupted:
		return errInterrupted
	case s.Failed > 0:
		return fmt.Errorf("%d of %d %w; the first: %w", s.Failed, o.plan.Total(), errRequestsFailed, target.Explain(r.FirstError(), t))
	}
	return nil
}
