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
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// program names this stage in error messages and in the summary.
const program = "stage05_multithread"

// main parses the flags (a mistake is one line on stderr and exit status 2),
// runs the program against the delay server and exits with 1 if it failed.
func main() {
	target.Exit(program, runProgram(os.Args[1:], os.Stdout, os.Stderr))
}

// runProgram is main but for the exit: the flags, then the run.
func runProgram(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	flags := target.Register(fs)
	tracing := trace.Flag(fs)
	var p Plan
	fs.IntVar(&p.Executors, "executors", 2, "how many executors, each on an OS thread of its own")
	fs.IntVar(&p.Requests, "requests", 5, "how many requests each executor's async_main spawns")
	fs.DurationVar(&p.Delay, "delay", 0, "the delay every request asks for (default: request i waits i seconds)")
	quiet := fs.Bool("quiet", false, "print only the summary")
	err := target.Parse(fs, args, stderr)
	if err == nil {
		fs.Visit(func(f *flag.Flag) { p.FixedDelay = p.FixedDelay || f.Name == "delay" })
		if err = p.check(); err != nil {
			err = target.UsageError{Err: err}
		}
	}
	if err == nil {
		out := stdout
		if *quiet {
			out = io.Discard
		}
		err = tracing.Run(program, stderr, func() error {
			return flags.Run(stderr, func(t *target.Target) error { return run(t, p, out, stdout) })
		})
	}
	return err
}

// run starts the reactor, runs the executors until every request has
// answered or failed, closes the reactor, and prints the summary to stdout
// last. The executors and the requests print to out (io.Discard for
// -quiet). A failed request makes run fail, with the first error.
func run(t *target.Target, p Plan, out, stdout io.Writer) (err error) {
	reactor, err := NewReactor()
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, reactor.Close())
	}()
	tally := NewTally(out)
	start := time.Now()
	if err := runExecutors(p, reactor, t, tally, out); err != nil {
		return err
	}
	ok, failed := tally.Counts()
	fmt.Fprintf(stdout, "%s: %d requests (%d executors × %d), %d ok, %d failed in %s\n",
		program, p.Total(), p.Executors, p.Requests, ok, failed, time.Since(start).Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d of %d requests failed; the first: %w", failed, p.Total(), tally.FirstError())
	}
	return nil
}
