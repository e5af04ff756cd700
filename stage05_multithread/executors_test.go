//go:build linux || darwin || freebsd

// Tests for runExecutors: real executors on OS threads sharing one real
// reactor, against a delay server started in this test process.

package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// startServer starts a delay server on a free loopback port for one test,
// and returns it with a Target that points at it.
func startServer(t *testing.T) (*target.Target, *delayserver.Server) {
	t.Helper()
	srv := stagetest.StartDelayServer(t)
	return stagetest.Target(t, srv.Addr()), srv
}

// runExecutorsWithin runs runExecutors on a reactor of its own and fails the
// test if it has not returned within limit: an executor that never finishes
// (a lost wake, a request that never reports) must not hang the test. The
// reactor is closed afterwards.
func runExecutorsWithin(t *testing.T, limit time.Duration, p Plan, tgt *target.Target, tally *Tally, out io.Writer) (*Reactor, error) {
	t.Helper()
	reactor, err := NewReactor()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("runExecutors panicked: %v", p)
			}
		}()
		done <- runExecutors(p, reactor, tgt, tally, out)
	}()
	select {
	case err = <-done:
	case <-time.After(limit):
		require.NoError(t, reactor.Close())
		t.Fatalf("runExecutors did not return within %s; output so far:\n%s", limit, out)
	}
	require.NoError(t, reactor.Close())
	return reactor, err
}

func TestRunExecutorsMakesEveryRequestOfEveryExecutor(t *testing.T) {
	tgt, srv := startServer(t)
	p := Plan{Executors: 3, Requests: 4, Delay: 50 * time.Millisecond, FixedDelay: true}
	var out syncBuffer
	tally := NewTally(&out)

	_, err := runExecutorsWithin(t, 10*time.Second, p, tgt, tally, &out)

	require.NoError(t, err)
	ok, failed := tally.Counts()
	assert.Equal(t, 12, ok, "every request of every executor must be reported to the tally as done; first failure: %v", tally.FirstError())
	assert.Zero(t, failed)
	assert.EqualValues(t, 12, srv.Requests(), "the server must see each request exactly once")
	assert.Equal(t, 3, strings.Count(out.String(), "Program starting\n"), "each executor must run an async_main of its own")
	var missing []string
	for e := range 3 {
		for i := range 4 {
			missing = appendIfMissing(missing, out.String(), fmt.Sprintf("executor %d, request %d: HelloWorld%d", e, i, i))
		}
		missing = appendIfMissing(missing, out.String(), fmt.Sprintf("executor-%d: All tasks are finished", e))
	}
	assert.Empty(t, missing, "lines missing from the output. Each executor is an Executor of its own, named executor-N after its index; request i of executor N is NewRequest(N, i, p.Path(i), ...). The output was:\n%s", out.String())
}

// appendIfMissing appends line to missing unless output has it as a line.
func appendIfMissing(missing []string, output, line string) []string {
	if strings.Contains(output, line+"\n") {
		return missing
	}
	return append(missing, line)
}

func TestRunExecutorsShareTheReactorTheyAreGiven(t *testing.T) {
	tgt, _ := startServer(t)
	p := Plan{Executors: 2, Requests: 3, Delay: 10 * time.Millisecond, FixedDelay: true}
	tally := NewTally(io.Discard)

	reactor, err := runExecutorsWithin(t, 10*time.Second, p, tgt, tally, io.Discard)

	require.NoError(t, err)
	ok, _ := tally.Counts()
	require.Equal(t, 6, ok, "first failure: %v", tally.FirstError())
	assert.Greater(t, reactor.NextID(), 6,
		"every request must register its socket with the one reactor passed in (the book's design: one reactor thread for all executors), not with a reactor of its own")
}

func TestRunExecutorsRunAtTheSameTime(t *testing.T) {
	tgt, _ := startServer(t)
	// Two executors, one request each, each asking for a second. Run one
	// after the other they take two seconds; side by side, one.
	p := Plan{Executors: 2, Requests: 1, Delay: time.Second, FixedDelay: true}
	tally := NewTally(io.Discard)

	start := time.Now()
	_, err := runExecutorsWithin(t, 10*time.Second, p, tgt, tally, io.Discard)
	took := time.Since(start)

	require.NoError(t, err)
	ok, _ := tally.Counts()
	require.Equal(t, 2, ok, "first failure: %v", tally.FirstError())
	assert.Less(t, took, 1900*time.Millisecond, "two executors with a 1s request each took %s: they must run at the same time, each on its own thread", took)
}

func TestRunExecutorsCountRefusedRequestsAndGoOn(t *testing.T) {
	tally := NewTally(io.Discard)

	_, err := runExecutorsWithin(t, 10*time.Second, Plan{Executors: 2, Requests: 3, FixedDelay: true}, stagetest.Target(t, stagetest.ClosedPort(t)), tally, io.Discard)

	require.NoError(t, err, "a refused request is counted in the tally, not returned as the executors' error")
	ok, failed := tally.Counts()
	assert.Zero(t, ok)
	assert.Equal(t, 6, failed, "every refused request must be counted, and the executor must go on with its others")
	require.Error(t, tally.FirstError())
	assert.Contains(t, tally.FirstError().Error(), "connection refused")
}

func TestRunExecutorsLeaveNoThreadGoroutineOrFD(t *testing.T) {
	tgt, _ := startServer(t)
	// Warm up: the first run starts what the server keeps (its netpoller).
	_, err := runExecutorsWithin(t, 10*time.Second, Plan{Executors: 1, Requests: 1, FixedDelay: true}, tgt, NewTally(io.Discard), io.Discard)
	require.NoError(t, err)
	goroutines := goleak.IgnoreCurrent()
	leakcheck.CheckFDs(t)

	_, err = runExecutorsWithin(t, 10*time.Second, Plan{Executors: 3, Requests: 10, Delay: 10 * time.Millisecond, FixedDelay: true}, tgt, NewTally(io.Discard), io.Discard)
	require.NoError(t, err)
	_, err = runExecutorsWithin(t, 10*time.Second, Plan{Executors: 2, Requests: 2, FixedDelay: true}, stagetest.Target(t, stagetest.ClosedPort(t)), NewTally(io.Discard), io.Discard)
	require.NoError(t, err)

	goleak.VerifyNone(t, goroutines)
}
