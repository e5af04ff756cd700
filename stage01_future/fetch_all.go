//go:build linux || darwin || freebsd

// This file is FetchAll, a coroutine that waits inside a loop, turned into
// a state machine by hand: the loop's condition is a state the end of the
// body jumps back to, and the loop's variables live in fields.

package main

import (
	"fmt"
	"io"
)

// fetchAllState marks the points where FetchAll can be suspended.
type fetchAllState int

const (
	fetchAllStart fetchAllState = iota // nothing has run yet
	fetchAllLoop                       // about to check the loop's condition
	fetchAllWait                       // waiting for the request for paths[i]
	fetchAllDone                       // finished
)

// FetchAll is this straight-line function (fetch_all_source.go), turned
// into a future by hand:
//
//	func fetchAll(paths []string) (int, error) {
//		total := 0
//		for i := 0; i < len(paths); i++ {
//			body, err := await(Get(paths[i]))
//			if err != nil {
//				return total, err
//			}
//			fmt.Println(body)
//			total += len(body)
//		}
//		return total, nil
//	}
//
// i and total are needed after the wait, so they are fields; body and err
// are not (each wait assigns them afresh), so they stay local to Poll.
type FetchAll struct {
	out   io.Writer
	get   func(path string) Future[string]
	paths []string

	i     int // the loop's variable
	total int // the sum so far

	state   fetchAllState
	waiting Future[string] // the request for paths[i]
}

// NewFetchAll returns fetchAll(paths) as a future, not yet started.
func NewFetchAll(out io.Writer, get func(path string) Future[string], paths []string) *FetchAll {
	return &FetchAll{out: out, get: get, paths: paths}
}

// Poll runs the loop from where it last stopped until it has to wait for a
// request or has finished.
//
// fetchAllStart runs what comes before the loop (total and i start at 0).
// fetchAllLoop checks the condition: at the end it returns the total,
// otherwise it starts the request for paths[i]. fetchAllWait polls that
// request; once it has a body, it prints it, adds it up, runs i++ and jumps
// back to fetchAllLoop. Every state change is followed by going round the
// loop at once, so a request is polled in the same poll that creates it.
//
//workbook:exercise s01-coroutine-loop
func (f *FetchAll) Poll() Poll[int] {
	for {
		switch f.state {
		case fetchAllStart:
			f.total, f.i = 0, 0
			f.state = fetchAllLoop
		case fetchAllLoop:
			if f.i >= len(f.paths) {
				f.state = fetchAllDone
				return Ready(f.total)
			}
			f.waiting = f.get(f.paths[f.i])
			f.state = fetchAllWait
		case fetchAllWait:
			p := f.waiting.Poll()
			if !p.Ready {
				return Pending[int]()
			}
			f.waiting = nil
			if p.Err != nil {
				f.state = fetchAllDone
				return Failed[int](p.Err)
			}
			fmt.Fprintln(f.out, p.Value)
			f.total += len(p.Value)
			f.i++
			f.state = fetchAllLoop
		default: // fetchAllDone
			return Failed[int](errPolledAfterDone)
		}
	}
}
