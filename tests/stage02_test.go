// End-to-end tests of stage 02: the coroutine driven by an epoll runtime,
// and -join.

package tests

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage02 = "stage02_reactor"

func TestStage02PrintsProgramOutputInOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage02, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "stage 02 must succeed against a running delay server\n%s", res)
	assert.Empty(t, res.Stderr)
	want := []string{
		"Program starting",
		"FIRST POLL - START OPERATION",
		"Schedule other tasks...",
		"HelloAsyncAwait",
		"FIRST POLL - START OPERATION",
		"Schedule other tasks...",
		"HelloAsyncAwait",
	}
	assert.Equal(t, want, collapseRepeats(lines(res.Stdout), "Schedule other tasks"),
		"output lines in this order (\"...\" = one or more of that line)\n%s", res)
}

func TestStage02MakesSecondRequestOnlyAfterFirstAnswer(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage02, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	got := log.Arrivals()
	require.Len(t, got, 2, "the server must see exactly two requests")
	assert.Equal(t, 600*time.Millisecond, got[0].Delay)
	assert.Equal(t, 400*time.Millisecond, got[1].Delay)
	assert.GreaterOrEqual(t, got[1].At.Sub(got[0].At), 600*time.Millisecond,
		"without -join the coroutine awaits one request at a time")
	assert.GreaterOrEqual(t, res.Wall, time.Second)
}

func TestStage02WaitsInEpollInsteadOfBusyPolling(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage02, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	// Each request needs a few wakeups (connected, answer, close); a runtime
	// that polled without waiting would print thousands of lines.
	assert.LessOrEqual(t, count(res.Stdout, "Schedule other tasks"), 20,
		"too many waits for two requests: does BlockOn really block in epoll_wait, and are the sockets edge-triggered?\n%s", res)
	assert.Less(t, res.CPU, res.Wall/2,
		"the program used CPU for a large part of its run: it should sleep in epoll_wait while the server delays\n%s", res)
}

func TestStage02JoinPrintsProgramOutputInOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage02, run{Args: []string{"-addr", srv.Addr(), "-join"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	want := []string{
		"Program starting",
		"FIRST POLL - START OPERATION",
		"FIRST POLL - START OPERATION",
		"Schedule other tasks...",
		"HelloAsyncAwait",
		"HelloAsyncAwait",
	}
	assert.Equal(t, want, collapseRepeats(lines(res.Stdout), "Schedule other tasks"),
		"with -join both requests start before the first wait\n%s", res)
}

func TestStage02JoinMakesRequestsConcurrently(t *testing.T) {
	srv, log := startDelayServer(t)

	res := runStage(t, stage02, run{Args: []string{"-addr", srv.Addr(), "-join"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	got := log.Arrivals()
	require.Len(t, got, 2, "the server must see exactly two requests")
	gap := got[1].At.Sub(got[0].At)
	// The arrivals are the proof: sequential requests reach the server a
	// whole delay apart (the second is sent only after the first answer),
	// joined ones together. The run's wall time would tell the same only by
	// a margin of 400 ms (600 ms joined, 1 s sequential), which a loaded
	// machine's process start can eat.
	assert.Less(t, gap, 300*time.Millisecond,
		"with -join both requests must reach the server together, not one after the other's answer (arrived %v apart)", gap)
}
