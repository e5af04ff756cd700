//go:build linux || darwin || freebsd

// Stage 04: many tasks on one executor. async_main spawns one request task
// per i; each asks the delay server to wait i seconds, so the answers come
// back in that order while every request is in flight at once. The reactor
// can now be shut down, leaving no thread and no fd behind.
//
// This file only wires things together: flags, the target, the run, the exit.
// Read executor.go (Spawn), async_main.go, request.go and reactor.go (Close)
// for what is new, and waker.go, parker.go and ready_queue.go for the rest.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// program names this stage in error messages.
const program = "stage04_executor"

// maxRequests keeps request i's delay (i seconds) within the delay server's
// limit of 60 seconds.
const maxRequests = 61

// main parses the flags (a mistake is one line on stderr and exit status 2),
// runs the program against the delay server and exits with 1 if it failed.
func main() {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	flags := target.Register(fs)
	tracing := trace.Flag(fs)
	requests := fs.Int("requests", 5, fmt.Sprintf("how many requests async_main spawns (1 to %d); request i waits i seconds", maxRequests))
	err := target.Parse(fs, os.Args[1:], os.Stderr)
	if err == nil && (*requests < 1 || *requests > maxRequests) {
		err = target.Usagef("-requests %d: must be between 1 and %d (request i waits i seconds, and the delay server waits at most 60)", *requests, maxRequests)
	}
	if err == nil {
		err = tracing.Run(program, os.Stderr, func() error {
			return flags.Run(os.Stderr, func(t *target.Target) error { return run(t, *requests, os.Stdout) })
		})
	}
	target.Exit(program, err)
}

// run starts the reactor, blocks on async_main with an executor named "main",
// and closes the reactor again. The reactor is passed to the HTTP client
// explicitly: there is no global runtime to find.
func run(t *target.Target, requests int, out io.Writer) (err error) {
	reactor, err := NewReactor()
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, reactor.Close())
	}()
	client := &HTTPClient{Target: t, Reactor: reactor, Out: out}
	get := func(path string) Future[string] { return client.Get(path) }
	executor := NewExecutor("main", out)
	request := func(i int) Task { return NewRequest(i, out, get) }
	return executor.BlockOn(NewAsyncMain(out, requests, executor, request))
}
