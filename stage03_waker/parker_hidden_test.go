//go:build linux || darwin || freebsd

// A hidden test of the Parker: it stays with the teacher (export leaves
// files named *_hidden_test.go out of the student edition) and runs with
// s03-parker's other tests in the reference and in the grading edition.
// It is the example a teacher copies to add one: a check the visible tests
// do not make, written against the exercise's doc comment, never repeating
// its answer.

package main

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestParkSleepsUntilUnpark checks that Park with no token waiting puts
// its goroutine to sleep, and that the Unpark which follows wakes it. A
// Park that returns at once when there is no token (a select with an empty
// default, like Unpark's), or that spins until one comes, passes the
// visible tests: both have a token waiting whenever they park.
func TestParkSleepsUntilUnpark(t *testing.T) {
	p := NewParker()
	returned := make(chan struct{})
	go func() {
		p.Park()
		close(returned)
	}()

	deadline := time.Now().Add(5 * time.Second)
	for !asleepInPark() {
		select {
		case <-returned:
			t.Fatal("Park returned although no Unpark had left a token: with nothing to do, the executor must sleep in Park until a waker unparks it, not go round its empty ready queue again")
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("in 5s Park, with no token waiting, was never seen asleep: it must block until a token comes, not spin (look for a loop in Park)")
		}
		time.Sleep(time.Millisecond)
	}

	p.Unpark()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("Park still sleeps 5s after Unpark left a token: Unpark must wake a parked executor")
	}
	assert.Empty(t, p.token, "Park must take the token that woke it, or the next Park returns at once for nothing")
}

// asleepInPark reports whether some goroutine is blocked inside
// Parker.Park: the runtime's dump of every goroutine shows its state in
// brackets, and a goroutine waiting on a channel is neither running nor
// runnable.
func asleepInPark() bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		awake := strings.Contains(header, "[running") || strings.Contains(header, "[runnable")
		if !awake && strings.Contains(g, ".Parker.Park(") {
			return true
		}
	}
	return false
}
