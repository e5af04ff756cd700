//go:build linux || darwin || freebsd

// Stage 02: the same program as stage 01, but the loop that drove it now
// waits in epoll (kqueue on macOS and FreeBSD) instead of sleeping; and
// JoinAll, to run requests at once.
//
// This file only wires things together: flags, the target, the run, the exit.
// Read runtime.go, registry.go, http.go, coroutine.go and join.go for the
// lesson.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// program names this stage in error messages.
const program = "stage02_reactor"

// main parses the flags (a mistake is one line on stderr and exit status 2),
// runs the program against the delay server and exits with 1 if it failed.
func main() {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	flags := target.Register(fs)
	tracing := trace.Flag(fs)
	join := fs.Bool("join", false, "make the two requests at the same time with JoinAll (about 600 ms instead of 1 s)")
	err := target.Parse(fs, os.Args[1:], os.Stderr)
	if err == nil {
		err = tracing.Run(program, os.Stderr, func() error {
			return flags.Run(os.Stderr, func(t *target.Target) error { return run(t, *join, os.Stdout) })
		})
	}
	target.Exit(program, err)
}

// run creates the runtime and blocks on the program: the two requests one
// after the other, or, with join, both at once.
func run(t *target.Target, join bool, out io.Writer) (err error) {
	rt, err := NewRuntime(out)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := rt.Close(); err == nil {
			err = closeErr
		}
	}()
	client := &HTTPClient{Target: t, Registry: rt.Registry(), Out: out}
	get := func(path string) Future[string] { return client.Get(path) }
	if join {
		return runJoined(rt, get, out)
	}
	_, err = BlockOn[struct{}](rt, NewCoroutine(out, get))
	return err
}

// runJoined is the program with both requests awaited together:
//
//	fmt.Println("Program starting")
//	bodies := await(JoinAll(Get("/600/HelloAsyncAwait"), Get("/400/HelloAsyncAwait")))
//	for _, body := range bodies { fmt.Println(body) }
func runJoined(rt *Runtime, get func(path string) Future[string], out io.Writer) error {
	fmt.Fprintln(out, "Program starting")
	bodies, err := BlockOn(rt, JoinAll(get(firstPath), get(secondPath)))
	if err != nil {
		return err
	}
	for _, body := range bodies {
		fmt.Fprintln(out, body)
	}
	return nil
}
