// End-to-end tests of stage 03: the coroutine driven by a waker, a reactor
// on its own thread and an executor that parks.

package tests

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage03 = "stage03_waker"

// stage03Park is the line stage 03's executor prints each time it parks.
const stage03Park = "main: 1 pending tasks. Sleep until notified."

func TestStage03PrintsProgramOutputInOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage03, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "stage 03 must succeed against a running delay server\n%s", res)
	assert.Empty(t, res.Stderr)
	want := []string{
		"Program starting",
		"FIRST POLL - START OPERATION",
		stage03Park + "...",
		"HelloAsyncAwait",
		"FIRST POLL - START OPERATION",
		stage03Park + "...",
		"HelloAsyncAwait",
		"main: All tasks are finished",
	}
	assert.Equal(t, want, collapseRepeats(lines(res.Stdout), stage03Park),
		"output lines in this order (\"...\" = one or more of that line)\n%s", res)
}

func TestStage03MakesSecondRequestOnlyAfterFirstAnswer(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage03, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	got := log.Arrivals()
	require.Len(t, got, 2, "the server must see exactly two requests")
	assert.Equal(t, 600*time.Millisecond, got[0].Delay)
	assert.Equal(t, 400*time.Millisecond, got[1].Delay)
	assert.GreaterOrEqual(t, got[1].At.Sub(got[0].At), 600*time.Millisecond, "the coroutine awaits one request at a time")
	assert.GreaterOrEqual(t, res.Wall, time.Second)
	assert.Less(t, res.Wall, 10*time.Second, "two requests of 600 and 400 ms take about a second")
}

func TestStage03ParksInsteadOfBusyPolling(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage03, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	// Each request wakes the task a few times (connected, answer, close).
	assert.LessOrEqual(t, count(res.Stdout, stage03Park), 12,
		"too many parks for two requests: is the task woken only by its socket's events?\n%s", res)
	assert.Less(t, res.CPU, res.Wall/2,
		"the program used CPU for a large part of its run: the executor should park while the server delays\n%s", res)
}

func TestStage03RefusedConnectionExitsWithOneLine(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	res := runStage(t, stage03, run{Args: []string{"-addr", addr}})

	require.Equal(t, 1, res.ExitCode, "connecting to a closed port must fail with exit code 1\n%s", res)
	requireOneCleanLine(t, res)
	assert.Contains(t, res.Stderr, addr, "the error must name the address")
	assert.Contains(t, res.Stderr, "go run ./delayserver", "the error must say how to start the delay server")
	assert.NotContains(t, res.Stdout, "All tasks are finished", "a failed run is not reported as finished")
}

func TestStage03RejectsBadFlagsAndArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-no-such-flag"}, {"extra"}, {"-addr", "192.0.2.1:80"}} {
		res := runStage(t, stage03, run{Args: args})

		assert.NotZero(t, res.ExitCode, "%v must be rejected\n%s", args, res)
		assert.NotContains(t, res.Stderr, "goroutine", "no stack trace for %v\n%s", args, res)
		assert.NotContains(t, res.Stdout, "FIRST POLL", "no request may start after %v", args)
	}
}

func TestStage03RunsOnEmbeddedServer(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage03, run{})

	require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
	assert.Contains(t, res.Stderr, "started")
	assert.Equal(t, 2, count(res.Stdout, "HelloAsyncAwait"))
}
