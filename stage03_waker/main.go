//go:build linux || darwin || freebsd

// Stage 03: the program of stage 02, now driven by wakers. A reactor on its
// own OS thread waits on epoll (kqueue on macOS and FreeBSD) and wakes the
// task a socket event concerns; an executor polls only woken tasks and
// parks in between.
//
// This file only wires things together: flags, the target, the run, the exit.
// Read waker.go, parker.go, ready_queue.go, reactor.go, executor.go, http.go
// and coroutine.go for the lesson.
package main

import (
	"flag"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// program names this stage in error messages.
const program = "stage03_waker"

// main parses the flags (a mistake is one line on stderr and exit status 2),
// runs the program against the delay server and exits with 1 if it failed.
func main() {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	flags := target.Register(fs)
	tracing := trace.Flag(fs)
	tracing.Explain = explainPolls
	err := target.Parse(fs, os.Args[1:], os.Stderr)
	if err == nil {
		err = tracing.Run(program, os.Stderr, func() error {
			return flags.Run(os.Stderr, func(t *target.Target) error { return run(t, os.Stdout) })
		})
	}
	target.Exit(program, err)
}

// run starts the reactor and blocks on the program with an executor named
// "main". The reactor is passed to the HTTP client explicitly: there is no
// global runtime to find.
func run(t *target.Target, out io.Writer) error {
	reactor, err := NewReactor()
	if err != nil {
		return err
	}
	client := &HTTPClient{Target: t, Reactor: reactor, Out: out}
	get := func(path string) Future[string] { return client.Get(path) }
	executor := NewExecutor("main", out)
	return executor.BlockOn(NewCoroutine(out, get))
}
