//go:build linux || darwin || freebsd

// results.go is the tally the requests report into: one call per response,
// from any executor's thread, counted and (unless -quiet) printed.

package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// Results counts the responses of a run and prints one line per response.
// Done and Fail may be called concurrently from any goroutine or OS thread.
//
// Every per-response line, success or failure, goes to the same writer
// (stdout in the program): a failed request is an outcome of the experiment,
// not a message about the program. -quiet silences both kinds, because under
// load thousands of requests usually fail for one reason and thousands of
// identical lines would bury the summary; instead the summary carries the
// number of failures, and the program's last line on stderr the first error.
type Results struct {
	mu       sync.Mutex
	out      io.Writer // nil when quiet
	ok       int
	failed   int
	firstErr error
}

// NewResults returns an empty tally that prints to out, or prints nothing
// when quiet is set.
func NewResults(out io.Writer, quiet bool) *Results {
	if quiet {
		out = nil
	}
	return &Results{out: out}
}

// Done records the successful response of request i of an executor.
func (r *Results) Done(executor, i int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ok++
	if r.out != nil {
		fmt.Fprintf(r.out, "executor %d, request %d: %s\n", executor, i, body)
	}
}

// Fail records that request i of an executor failed, and why.
func (r *Results) Fail(executor, i int, err error) {
	if err == nil {
		err = errors.New("failed without an error (a bug in the runtime)")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed++
	if r.firstErr == nil {
		r.firstErr = fmt.Errorf("executor %d, request %d: %w", executor, i, err)
	}
	if r.out != nil {
		fmt.Fprintf(r.out, "executor %d, request %d: FAILED: %v\n", executor, i, err)
	}
}

// OK is the number of successful responses so far.
func (r *Results) OK() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok
}

// Failed is the number of failed requests so far.
func (r *Results) Failed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// FirstError is the first failure recorded, or nil.
func (r *Results) FirstError() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstErr
}
