//go:build linux || darwin || freebsd

// Stage 05: several executors, each on an OS thread of its own, all fed by
// one reactor. Every executor runs its own async_main, which spawns its
// share of the requests; the reactor's thread wakes whichever executor a
// socket event belongs to. The book's example, 12 executors × 5 requests,
// makes 60 requests in about 4 seconds.
//
// This file only wires things together: flags, the target, the run, the
// summary and the exit status. Read executors.go for what is new, then
// request.go and tally.go; everything else is stage 04's.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// program names this stage in error messages and in the summary.
const program = "stage05_multithread"

func main() {
	target.Exit(program, run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed command line.
type options struct {
	plan   Plan
	quiet  bool
	target *target.Flags
}

// parseFlags reads the command line; every mistake is one line (a
// target.UsageError, exit status 2).
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	o.target = target.Register(fs)
	fs.IntVar(&o.plan.Executors, "executors", 2, "how many executors, each on an OS thread of its own")
	fs.IntVar(&o.plan.Requests, "requests", 5, "how many requests each executor's async_main spawns")
	fs.DurationVar(&o.plan.Delay, "delay", 0, "the delay every request asks for (default: request i waits i seconds)")
	fs.BoolVar(&o.quiet, "quiet", false, "print only the summary")
	if err := parseFlagSet(fs, args, stderr); err != nil {
		return o, err
	}
	fs.Visit(func(f *flag.Flag) { o.plan.FixedDelay = o.plan.FixedDelay || f.Name == "delay" })
	if err := o.plan.check(); err != nil {
		return o, target.UsageError{Err: err}
	}
	return o, nil
}

// run is the whole program but for the exit status. It starts the reactor,
// runs the executors until every request has answered or failed, closes the
// reactor, and prints the summary last.
func run(args []string, stdout, stderr io.Writer) (err error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	t, err := o.target.Resolve(stderr)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, t.Close()) }()
	reactor, err := NewReactor()
	if err != nil {
		return err
	}
	out := stdout
	if o.quiet {
		out = io.Discard
	}
	tally := NewTally(out)
	start := time.Now()
	err = errors.Join(runExecutors(o.plan, reactor, t, tally, out), reactor.Close())
	if err != nil {
		return target.Explain(err, t)
	}
	ok, failed := tally.Counts()
	fmt.Fprintf(stdout, "%s: %d requests (%d executors × %d), %d ok, %d failed in %s\n",
		program, o.plan.Total(), o.plan.Executors, o.plan.Requests, ok, failed, time.Since(start).Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d of %d requests failed; the first: %w", failed, o.plan.Total(), target.Explain(tally.FirstError(), t))
	}
	return nil
}
