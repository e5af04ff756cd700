// End-to-end tests of stage 04: async_main spawns request(i) tasks that run
// at once on one executor, and the answers come back in delay order.

package tests

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage04 = "stage04_executor"

// stage04Park matches the line stage 04's executor prints when it parks.
var stage04Park = regexp.MustCompile(`^main: (\d+) pending tasks\. Sleep until notified\.$`)

// withoutParkLines splits output into the park lines' task counts and the
// other lines, so the program's own output can be compared exactly.
func withoutParkLines(out string) (pending []int, rest []string) {
	for _, l := range lines(out) {
		if m := stage04Park.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			pending = append(pending, n)
			continue
		}
		rest = append(rest, l)
	}
	return pending, rest
}

// checkStage04Output checks the program's own lines (park lines taken out)
// of a run with n requests: "Program starting" first, every request started
// before the first answer that had to wait (HelloWorld1, 1 s), the answers in
// delay order, and the "All tasks are finished" line last. Only request 0,
// which waits 0 ms, may be answered within its own first poll, before the
// other requests have been polled, so its place is not fixed.
func checkStage04Output(t *testing.T, rest []string, n int, res result) {
	t.Helper()
	require.NotEmpty(t, rest, "%s", res)
	assert.Equal(t, "Program starting", rest[0], "%s", res)
	assert.Equal(t, "main: All tasks are finished", rest[len(rest)-1], "%s", res)
	var bodies []string
	starts, startsBeforeSecondAnswer := 0, 0
	for _, l := range rest {
		switch {
		case l == "FIRST POLL - START OPERATION":
			starts++
			if !slices.Contains(bodies, "HelloWorld1") {
				startsBeforeSecondAnswer++
			}
		case strings.HasPrefix(l, "HelloWorld"):
			bodies = append(bodies, l)
		}
	}
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("HelloWorld%d", i))
	}
	assert.Equal(t, want, bodies, "the answers come in the order of their delays\n%s", res)
	assert.Equal(t, n, starts, "one FIRST POLL per request\n%s", res)
	assert.Equal(t, n, startsBeforeSecondAnswer, "every request starts at once, before any answer that had to wait\n%s", res)
	assert.Len(t, rest, 2+2*n, "no other lines\n%s", res)
}

func TestStage04PrintsAnswersInDelayOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage04, run{Args: []string{"-addr", srv.Addr(), "-requests", "3"}})

	require.Equal(t, 0, res.ExitCode, "stage 04 must succeed against a running delay server\n%s", res)
	assert.Empty(t, res.Stderr)
	pending, rest := withoutParkLines(res.Stdout)
	checkStage04Output(t, rest, 3, res)
	require.NotEmpty(t, pending, "the executor must park while the requests wait\n%s", res)
	assert.LessOrEqual(t, pending[0], 3, "at most the three requests can be pending")
	assert.GreaterOrEqual(t, pending[0], 2, "requests 1 and 2 wait 1 and 2 s: they are pending at the first park")
	for i := 1; i < len(pending); i++ {
		assert.LessOrEqual(t, pending[i], pending[i-1], "the number of pending tasks can only go down\n%s", res)
	}
}

func TestStage04SpawnsAllRequestsAtOnce(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage04, run{Args: []string{"-addr", srv.Addr(), "-requests", "3"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	got := log.Arrivals()
	require.Len(t, got, 3, "the server must see one request per task")
	delays := map[string]time.Duration{}
	for _, a := range got {
		delays[a.Message] = a.Delay
	}
	// The requests connect at once, so the server may accept them in any order.
	assert.Equal(t, map[string]time.Duration{"HelloWorld0": 0, "HelloWorld1": time.Second, "HelloWorld2": 2 * time.Second}, delays,
		"request i asks for /{i*1000}/HelloWorld{i}")
	assert.Less(t, got[2].At.Sub(got[0].At), 500*time.Millisecond,
		"spawned tasks run side by side: all requests reach the server together, not one after another's answer")
	// Together the requests take as long as the longest (2 s), not the sum (3 s).
	assert.GreaterOrEqual(t, res.Wall, 2*time.Second)
	assert.Less(t, res.Wall, 2900*time.Millisecond, "three requests of 0, 1 and 2 s at once take about 2 s\n%s", res)
}

func TestStage04DefaultMakesFiveRequestsInAboutFourSeconds(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage04, run{Args: []string{"-addr", srv.Addr()}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	_, rest := withoutParkLines(res.Stdout)
	checkStage04Output(t, rest, 5, res)
	assert.GreaterOrEqual(t, res.Wall, 4*time.Second)
	assert.Less(t, res.Wall, 8*time.Second, "the longest delay is 4 s\n%s", res)
	assert.Less(t, res.CPU, res.Wall/2, "the executor should park while the server delays\n%s", res)
}

func TestStage04RefusedConnectionExitsWithOneLine(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	res := runStage(t, stage04, run{Args: []string{"-addr", addr, "-requests", "3"}})

	require.Equal(t, 1, res.ExitCode, "connecting to a closed port must fail with exit code 1\n%s", res)
	requireOneCleanLine(t, res)
	assert.Contains(t, res.Stderr, addr, "the error must name the address")
	assert.Contains(t, res.Stderr, "go run ./delayserver", "the error must say how to start the delay server")
}

func TestStage04RejectsBadRequestCounts(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"0", "-1", "62"} {
		res := runStage(t, stage04, run{Args: []string{"-requests", n}})

		assert.Equal(t, 2, res.ExitCode, "-requests %s is a mistake in the flags\n%s", n, res)
		requireOneCleanLine(t, res)
		assert.Contains(t, res.Stderr, "-requests "+n, "the error must name the flag and the value")
		assert.Empty(t, res.Stdout, "nothing may run after a flag error")
	}
}

func TestStage04RejectsBadFlagsAndArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-requests", "many"}, {"-no-such-flag"}, {"extra"}, {"-addr", "192.0.2.1:80"}} {
		res := runStage(t, stage04, run{Args: args})

		assert.NotZero(t, res.ExitCode, "%v must be rejected\n%s", args, res)
		assert.NotContains(t, res.Stderr, "goroutine", "no stack trace for %v\n%s", args, res)
		assert.Empty(t, res.Stdout, "nothing may run after %v", args)
	}
}

func TestStage04RunsOnEmbeddedServer(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage04, run{Args: []string{"-requests", "2"}})

	require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
	assert.Contains(t, res.Stderr, "started")
	_, rest := withoutParkLines(res.Stdout)
	checkStage04Output(t, rest, 2, res)
}
