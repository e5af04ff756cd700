// End-to-end tests of stage 01: the coroutine polled by a sleeping loop.

package tests

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage01 = "stage01_future"

func TestStage01PrintsProgramOutputInOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage01, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "stage 01 must succeed against a running delay server\n%s", res)
	assert.Empty(t, res.Stderr, "nothing goes to stderr when all is well")
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

func TestStage01MakesSecondRequestOnlyAfterFirstAnswer(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage01, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	got := log.Arrivals()
	require.Len(t, got, 2, "the server must see exactly two requests")
	assert.Equal(t, 600*time.Millisecond, got[0].Delay, "the 600 ms request comes first")
	assert.Equal(t, 400*time.Millisecond, got[1].Delay, "the 400 ms request comes second")
	assert.GreaterOrEqual(t, got[1].At.Sub(got[0].At), 600*time.Millisecond,
		"the second request may reach the server only after the first was answered (600 ms after it arrived): stage 01 awaits one request at a time")
	assert.GreaterOrEqual(t, res.Wall, time.Second, "two sequential requests of 600 ms and 400 ms take at least 1 s")
}

func TestStage01PollsOnATimer(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage01, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	// 1 s of waiting with a poll every 100 ms gives about 10 pending polls;
	// a loop that did not sleep would print thousands.
	n := count(res.Stdout, "Schedule other tasks")
	assert.GreaterOrEqual(t, n, 5, "the sleeping loop polls about every 100 ms, so about 10 pending polls are expected")
	assert.LessOrEqual(t, n, 40, "far more pending polls than 1 s / 100 ms: does the loop sleep between polls?")
}
