//go:build linux || darwin || freebsd

// Stage 01: a future, an HTTP GET on a non-blocking socket, a hand-written
// coroutine, and a loop that polls it, sleeping in between.
//
// This file only wires things together: flags, the target, the run, the exit.
// Read future.go, http.go, coroutine.go and poll_loop.go for the lesson.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// program names this stage in error messages.
const program = "stage01_future"

func main() {
	flags := target.Register(flag.CommandLine)
	flag.Parse()
	if flag.NArg() > 0 {
		target.Fail(program, fmt.Errorf("unexpected argument %q: this program takes only flags (see -h)", flag.Arg(0)))
	}
	t, err := flags.Resolve(os.Stderr)
	if err != nil {
		target.Fail(program, err)
	}
	err = run(t, os.Stdout)
	if closeErr := t.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		target.Fail(program, target.Explain(err, t))
	}
}

// run builds the program's coroutine and polls it to the end.
func run(t *target.Target, out io.Writer) error {
	client := &HTTPClient{Target: t, Out: out}
	get := func(path string) Future[string] { return client.Get(path) }
	_, err := PollLoop(NewCoroutine(out, get), pollInterval, out)
	return err
}
