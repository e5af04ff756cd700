// End-to-end tests of stage 05: executors on OS threads, one reactor for
// all, one line per response and a summary.

package tests

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage05 = "stage05_multithread"

// stackTrace matches the header of a goroutine in a Go stack dump.
var stackTrace = regexp.MustCompile(`goroutine \d+ \[`)

// requireOneLineWithoutTrace checks that stderr is one line with no panic
// or stack dump in it.
func requireOneLineWithoutTrace(t *testing.T, res result) {
	t.Helper()
	assert.Len(t, lines(res.Stderr), 1, "the error must be one line on stderr\n%s", res)
	assert.NotContains(t, res.Stderr, "panic", "an error a user can cause must not panic\n%s", res)
	assert.NotRegexp(t, stackTrace, res.Stderr, "an error a user can cause must not print a stack trace\n%s", res)
}

// stage05Summary is the last line of every stage 05 run.
var stage05Summary = regexp.MustCompile(`^stage05_multithread: (\d+) requests \((\d+) executors × (\d+)\), (\d+) ok, (\d+) failed in \S+$`)

// requireStage05Summary checks that the last line of stdout is the summary
// with these counts.
func requireStage05Summary(t *testing.T, res result, total, executors, perExecutor, ok, failed int) {
	t.Helper()
	out := lines(res.Stdout)
	require.NotEmpty(t, out, "every run ends with its summary\n%s", res)
	m := stage05Summary.FindStringSubmatch(out[len(out)-1])
	require.NotNil(t, m, "the last line must be the summary\n%s", res)
	want := []string{fmt.Sprint(total), fmt.Sprint(executors), fmt.Sprint(perExecutor), fmt.Sprint(ok), fmt.Sprint(failed)}
	assert.Equal(t, want, m[1:6], "total, executors, requests per executor, ok, failed\n%s", res)
}

func TestStage05RunsExecutorsSideBySide(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-executors", "3", "-requests", "3"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	assert.Equal(t, 3, count(res.Stdout, "Program starting"), "each executor runs its own async_main\n%s", res)
	for e := range 3 {
		// Requests 1 and 2 wait 1 and 2 s, so each executor parks with at
		// least both of them pending.
		assert.Regexp(t, fmt.Sprintf(`executor-%d: [23] pending tasks. Sleep until notified.\n`, e), res.Stdout, "each executor parks with its own tasks\n%s", res)
		assert.Contains(t, res.Stdout, fmt.Sprintf("executor-%d: All tasks are finished\n", e))
		for i := range 3 {
			assert.Contains(t, res.Stdout, fmt.Sprintf("executor %d, request %d: HelloWorld%d\n", e, i, i))
		}
	}
	assert.Len(t, log.Arrivals(), 9, "the server sees every request once")
	// Every executor's requests wait 0, 1 and 2 s, all at the same time.
	assert.GreaterOrEqual(t, res.Wall, 2*time.Second)
	assert.Less(t, res.Wall, 5*time.Second, "three executors run at once, so the run takes about the longest delay, 2 s\n%s", res)
	requireStage05Summary(t, res, 9, 3, 3, 9, 0)
}

func TestStage05StartsEveryRequestBeforeAnyLongAnswer(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-executors", "4", "-requests", "25", "-delay", "1s", "-quiet"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	arrivals := log.Arrivals()
	require.Len(t, arrivals, 100, "%s", res)
	first, last := arrivals[0].At, arrivals[len(arrivals)-1].At
	assert.Less(t, last.Sub(first), 900*time.Millisecond, "all 100 requests must be in flight at once: the last arrived %s after the first\n%s", last.Sub(first), res)
	requireStage05Summary(t, res, 100, 4, 25, 100, 0)
}

func TestStage05QuietPrintsOnlyTheSummary(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "50", "-delay", "100ms", "-quiet"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	assert.Len(t, lines(res.Stdout), 1, "-quiet prints no response lines and no park lines, only the summary\n%s", res)
	requireStage05Summary(t, res, 100, 2, 50, 100, 0)
}

func TestStage05ClosedPortCountsFailuresAndExitsWithOne(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", addr, "-executors", "2", "-requests", "3", "-delay", "0s"}})

	assert.Equal(t, 1, res.ExitCode, "failed requests must make the exit status 1\n%s", res)
	requireOneLineWithoutTrace(t, res)
	assert.Contains(t, res.Stderr, "6 of 6 requests failed")
	assert.Contains(t, res.Stderr, "connection refused")
	assert.Equal(t, 6, strings.Count(res.Stdout, ": FAILED: "), "one line per failed request\n%s", res)
	requireStage05Summary(t, res, 6, 2, 3, 0, 6)
}

func TestStage05RejectsBadFlagsInOneLine(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-mode", "runtime"}, {"-executors", "0"}, {"-requests", "0"}, {"-delay", "-1s"}, {"-requests", "62"}, {"extra"}} {
		res := runStage(t, stage05, run{Args: args})

		assert.Equal(t, 2, res.ExitCode, "%v is a mistake in the flags: exit status 2\n%s", args, res)
		requireOneLineWithoutTrace(t, res)
		assert.Empty(t, res.Stdout, "nothing may run after %v", args)
	}
}

func TestStage05RunsOnEmbeddedServer(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage05, run{Args: []string{"-executors", "2", "-requests", "2", "-delay", "50ms"}})

	require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
	assert.Contains(t, res.Stderr, "started")
	requireStage05Summary(t, res, 4, 2, 2, 4, 0)
}
