//go:build linux || darwin || freebsd

// This file is async_main written as straight-line code; corofy (run by go
// generate) rewrites it into async_main_corofied.go. It never waits, so its
// state machine has only a start and an end, like AsyncMain.

package main

import (
	"fmt"
	"io"
)

//go:generate go run ../corofy

// asyncMainSource is AsyncMain's function as straight-line code.
//
//lint:ignore U1000 corofy reads this function; the generated state machine is what runs
//corofy:coroutine corofiedAsyncMain
func asyncMainSource(out io.Writer, requests int, spawner Spawner, request func(i int) Task) {
	fmt.Fprintln(out, "Program starting")
	for i := range requests {
		spawner.Spawn(request(i))
	}
}
