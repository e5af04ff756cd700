//go:build linux || darwin || freebsd

// This file is the tally: where every executor's requests report what they
// got, one line per response, and the counts for the summary.

package main

import (
	"fmt"
	"io"
	"sync"
)

// Reporter is where a request reports its outcome. *Tally is the real one;
// tests pass a fake.
type Reporter interface {
	Done(executor, i int, body string)
	Fail(executor, i int, err error)
}

// Tally counts the outcomes of the requests of every executor and prints a
// line for each.
//
// It is the one thing the executors share besides the reactor, and they
// report to it from their own OS threads at the same time, so a mutex
// guards the counts. The writer must be safe to use from several threads
// at once, as os.Stdout is: the executors print their own lines to it too.
type Tally struct {
	mu       sync.Mutex
	out      io.Writer
	ok       int
	failed   int
	firstErr error
}

// NewTally returns a tally that prints to out (io.Discard prints nothing).
func NewTally(out io.Writer) *Tally {
	return &Tally{out: out}
}

// Done counts request i of executor as answered and prints its body.
func (t *Tally) Done(executor, i int, body string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ok++
	fmt.Fprintf(t.out, "executor %d, request %d: %s\n", executor, i, body)
}

// Fail counts request i of executor as failed and prints why.
func (t *Tally) Fail(executor, i int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed++
	if t.firstErr == nil {
		t.firstErr = err
	}
	fmt.Fprintf(t.out, "executor %d, request %d: FAILED: %v\n", executor, i, err)
}

// Counts returns how many requests were answered and how many failed.
func (t *Tally) Counts() (ok, failed int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ok, t.failed
}

// FirstError is the error of the first request that failed, or nil.
func (t *Tally) FirstError() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.firstErr
}
