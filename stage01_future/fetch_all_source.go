//go:build linux || darwin || freebsd

// This file is FetchAll's function as straight-line code: a wait inside a
// for loop. corofy (run by go generate) rewrites it into
// fetch_all_corofied.go; fetch_all.go is the same machine written by hand,
// the exercise s01-coroutine-loop.

package main

import (
	"fmt"
	"io"
)

//go:generate go run ../corofy

// fetchAllSource asks for each path in turn, prints each body, and returns
// the total length of the bodies.
//
//lint:ignore U1000 corofy reads this function; the generated state machine is what runs
//corofy:coroutine corofiedFetchAll
func fetchAllSource(out io.Writer, get func(path string) Future[string], paths []string) (int, error) {
	total := 0
	//lint:ignore SA4008 Wait never returns here, so staticcheck sees no i++; corofy reads the loop as written
	for i := 0; i < len(paths); i++ {
		body, err := Wait(get(paths[i]))
		if err != nil {
			return total, err
		}
		fmt.Fprintln(out, body)
		total += len(body)
	}
	return total, nil
}
