//go:build linux || darwin || freebsd

// This file is the program of coroutine.go written the way you would write
// it with await: straight-line code that waits twice. corofy (run by go
// generate) rewrites it into the state machine in coroutine_corofied.go,
// the same machine coroutine.go writes by hand. Compare the two.

package main

import (
	"fmt"
	"io"
)

//go:generate go run ../corofy

// Wait marks a point where the program waits for f: corofy splits the
// function there into two states. Nothing ever calls it; only the state
// machine corofy makes from the function runs.
func Wait[T any](f Future[T]) (T, error) {
	panic("Wait is a marker for corofy; run the generated state machine instead")
}

// coroutineSource is Coroutine's program as straight-line code.
//
//lint:ignore U1000 corofy reads this function; the generated state machine is what runs
//corofy:coroutine corofiedCoroutine
func coroutineSource(out io.Writer, get func(path string) Future[string]) error {
	fmt.Fprintln(out, "Program starting")
	body, err := Wait(get(firstPath))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, body)
	body, err = Wait(get(secondPath))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, body)
	return nil
}
