//go:build linux || darwin || freebsd

// This file holds what every test in the package shares: the leak check
// that runs after all tests, and small test doubles and helpers.

package main

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// TestMain fails the run if any test leaves a goroutine behind (a delay
// server not closed, a scripted server still waiting) or a file descriptor
// open (a socket not closed).
func TestMain(m *testing.M) { leakcheck.Main(m) }

// fakeFuture is a test double for any future: it answers Pending for the
// first pendingPolls polls and then result, and counts how often it was
// polled. Tests of code that drives futures use it instead of real sockets.
type fakeFuture[T any] struct {
	pendingPolls int
	result       Poll[T]
	polls        int
}

// Poll implements Future.
func (f *fakeFuture[T]) Poll() Poll[T] {
	f.polls++
	if f.polls <= f.pendingPolls {
		return Pending[T]()
	}
	return f.result
}
