//go:build linux || darwin || freebsd

// This file is request(i) and async_main written the way you would write
// them with await: straight-line code. corofy (run by go generate) rewrites
// them into the state machines in request_corofied.go and
// async_main_corofied.go, the same machines request.go and async_main.go
// write by hand. Compare them.

package main

import (
	"fmt"
	"io"
)

//go:generate go run ../corofy

// Wait marks a point where a task waits for f: corofy splits the function
// there into two states. Nothing ever calls it; only the state machine
// corofy makes from the function runs.
func Wait[T any](f Future[T]) (T, error) {
	panic("Wait is a marker for corofy; run the generated state machine instead")
}

// requestSource is RequestCoroutine's function as straight-line code. The
// generated Poll takes a Waker, as this stage's Future does, and hands it
// to the request it waits for.
//
//lint:ignore U1000 corofy reads this function; the generated state machine is what runs
//corofy:coroutine corofiedRequest
func requestSource(i int, out io.Writer, get func(path string) Future[string]) error {
	body, err := Wait(get(requestPath(i)))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, body)
	return nil
}
