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
	"fmt"
	"io"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// program names this stage in error messages.
const program = "stage03_waker"

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
