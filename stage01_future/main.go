//go:build linux || darwin || freebsd

// Stage 01: a future, an HTTP GET on a non-blocking socket, a hand-written
// coroutine, and a loop that polls it, sleeping in between.
//
// This file only wires things together: flags, the target, the run, the exit.
// Read future.go, http.go, coroutine.go and poll_loop.go for the lesson.
package main

import (
	"flag"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// program names this stage in error messages.
const program = "stage01_future"

// main parses the flags (a mistake is one line on stderr and exit status 2),
// runs the program against the delay server and exits with 1 if it failed.
func main() {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	flags := target.Register(fs)
	err := target.Parse(fs, os.Args[1:], os.Stderr)
	if err == nil {
		err = flags.Run(os.Stderr, func(t *target.Target) error { return run(t, os.Stdout) })
	}
	target.Exit(program, err)
}

// run builds the program's coroutine and polls it to the end.
func run(t *target.Target, out io.Writer) error {
	client := &HTTPClient{Target: t, Out: out}
	get := func(path string) Future[string] { return client.Get(path) }
	_, err := PollLoop(NewCoroutine(out, get), pollInterval, out)
	return err
}
