// End-to-end tests of stage 05: executors on OS threads, and the three
// modes compared through the -json summary.

package tests

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage05 = "stage05_multithread"

// stackTrace matches the header of a goroutine in a Go stack dump. The plain
// word cannot be searched for: stage 05 has a mode called "goroutines".
var stackTrace = regexp.MustCompile(`goroutine \d+ \[`)

// requireOneLineWithoutTrace checks that stderr is one line with no panic
// or stack dump in it.
func requireOneLineWithoutTrace(t *testing.T, res result) {
	t.Helper()
	assert.Len(t, lines(res.Stderr), 1, "the error must be one line on stderr\n%s", res)
	assert.NotContains(t, res.Stderr, "panic", "an error a user can cause must not panic\n%s", res)
	assert.NotRegexp(t, stackTrace, res.Stderr, "an error a user can cause must not print a stack trace\n%s", res)
}

// stage05SummaryKeys are the keys the -json summary must have.
var stage05SummaryKeys = []string{"mode", "executors", "requests", "ok", "failed", "wall_ms", "cpu_ms", "max_delay_ms", "peak_rss_kb", "os_threads"}

// stage05Summary parses the last line of a -json run and checks its keys.
func stage05Summary(t *testing.T, res result) map[string]any {
	t.Helper()
	out := lines(res.Stdout)
	require.NotEmpty(t, out, "a -json run must print its summary\n%s", res)
	var summary map[string]any
	require.NoError(t, json.Unmarshal([]byte(out[len(out)-1]), &summary), "the last line of a -json run must be one JSON object\n%s", res)
	for _, key := range stage05SummaryKeys {
		assert.Contains(t, summary, key, "the summary must have %q\n%s", key, res)
	}
	return summary
}

func TestStage05ModesReportEveryRequestInJSON(t *testing.T) {
	for _, mode := range []string{"runtime", "threads", "goroutines"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv, log := startDelayServer(t)

			res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-mode", mode,
				"-executors", "2", "-requests", "4", "-delay", "100ms", "-json"}})

			require.Equal(t, 0, res.ExitCode, "%s", res)
			s := stage05Summary(t, res)
			assert.Equal(t, mode, s["mode"])
			assert.EqualValues(t, 2, s["executors"])
			assert.EqualValues(t, 8, s["requests"], "requests is the total: executors × requests")
			assert.EqualValues(t, 8, s["ok"], "%s", res)
			assert.EqualValues(t, 0, s["failed"])
			assert.EqualValues(t, 100, s["max_delay_ms"])
			assert.GreaterOrEqual(t, s["wall_ms"], float64(100), "no run can beat the delay it asked for")
			assert.Positive(t, s["os_threads"])
			assert.Len(t, log.Arrivals(), 8, "the server must see every request once")
			for e := range 2 {
				for i := range 4 {
					assert.Contains(t, res.Stdout, fmt.Sprintf("executor %d, request %d: HelloWorld%d\n", e, i, i))
				}
			}
		})
	}
}

func TestStage05RuntimeModeRunsExecutorsSideBySide(t *testing.T) {
	t.Parallel()
	for _, placement := range []string{"per-executor", "shared"} {
		t.Run(placement, func(t *testing.T) {
			t.Parallel()
			runExecutorsSideBySide(t, "-reactor", placement)
		})
	}
}

// runExecutorsSideBySide runs 3 executors × 3 requests with the extra
// flags and checks that they ran at the same time.
func runExecutorsSideBySide(t *testing.T, flags ...string) {
	srv, _ := startDelayServer(t)

	res := runStage(t, stage05, run{Args: append([]string{"-addr", srv.Addr(), "-executors", "3", "-requests", "3"}, flags...)})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	for e := range 3 {
		// Requests 1 and 2 wait 1 and 2 s, so each executor parks with
		// both pending (request 0 may already be done or not).
		assert.Contains(t, res.Stdout, fmt.Sprintf("executor-%d: 2 pending tasks. Sleep until notified.\n", e), "each executor parks with its own tasks")
		assert.Contains(t, res.Stdout, fmt.Sprintf("executor-%d: All tasks are finished\n", e))
	}
	// Every executor's requests wait 0, 1 and 2 s, all at the same time.
	assert.GreaterOrEqual(t, res.Wall, 2*time.Second)
	assert.Less(t, res.Wall, 5*time.Second, "three executors run at once, so the run takes about the longest delay, 2 s\n%s", res)
	out := lines(res.Stdout)
	assert.Contains(t, out[len(out)-1], "runtime: 9 requests (3 executors × 3), 9 ok, 0 failed", "the last line is the readable summary")
}

func TestStage05QuietPrintsOnlyTheSummary(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "50", "-delay", "100ms", "-quiet", "-json"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	assert.Len(t, lines(res.Stdout), 1, "-quiet prints no response lines and no park lines, only the summary\n%s", res)
	s := stage05Summary(t, res)
	assert.EqualValues(t, 100, s["ok"])
}

func TestStage05ClosedPortCountsFailuresAndExitsWithOne(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	res := runStage(t, stage05, run{Args: []string{"-addr", addr, "-executors", "2", "-requests", "3", "-delay", "0s", "-json"}})

	assert.Equal(t, 1, res.ExitCode, "failed requests must make the exit status 1\n%s", res)
	assert.NotRegexp(t, stackTrace, res.Stderr, "no stack trace\n%s", res)
	s := stage05Summary(t, res)
	assert.EqualValues(t, 0, s["ok"])
	assert.EqualValues(t, 6, s["failed"], "every refused request is counted and the run goes on")
	assert.Contains(t, s["first_error"], "connection refused")
}

func TestStage05RejectsBadFlagsInOneLine(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-mode", "fibers"}, {"-executors", "0"}, {"-requests", "0"}, {"-delay", "-1s"}, {"-timeout", "0s"}, {"-timeout", "-1s"}, {"extra"}} {
		res := runStage(t, stage05, run{Args: args})

		assert.Equal(t, 2, res.ExitCode, "%v is a mistake in the flags: exit status 2\n%s", args, res)
		requireOneLineWithoutTrace(t, res)
		assert.Empty(t, res.Stdout, "nothing may run after %v", args)
	}
}

func TestStage05RefusesRemoteTargetBeforeConnecting(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage05, run{Args: []string{"-addr", "192.0.2.1:80", "-requests", "1"}})

	require.Equal(t, 1, res.ExitCode, "%s", res)
	requireOneLineWithoutTrace(t, res)
	assert.Contains(t, res.Stderr, "-allow-remote")
}

func TestStage05RunsOnEmbeddedServer(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage05, run{Args: []string{"-executors", "2", "-requests", "2", "-delay", "50ms", "-json"}})

	require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
	assert.Contains(t, res.Stderr, "started")
	s := stage05Summary(t, res)
	assert.EqualValues(t, 4, s["ok"])
	assert.Equal(t, true, s["server_in_process"], "the summary must say the server's costs are included")
}

func TestStage05TimesOutOnlyTheRequestsPastTheTimeoutAndGoesOn(t *testing.T) {
	for _, mode := range []string{"runtime", "threads", "goroutines"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv, _ := startDelayServer(t)

			// Request i waits i seconds: with -timeout 1500ms, requests 0
			// and 1 of each executor answer in time and request 2 does not.
			res := runStage(t, stage05, run{Args: []string{"-addr", srv.Addr(), "-mode", mode,
				"-executors", "2", "-requests", "3", "-timeout", "1500ms", "-json"}})

			assert.Equal(t, 1, res.ExitCode, "timed-out requests are failures: exit status 1\n%s", res)
			assert.Less(t, res.Wall, 10*time.Second, "a request past the timeout must not keep the run waiting for its answer\n%s", res)
			s := stage05Summary(t, res)
			assert.EqualValues(t, 4, s["ok"], "the other requests succeed\n%s", res)
			assert.EqualValues(t, 2, s["failed"], "%s", res)
			for e := range 2 {
				line := fmt.Sprintf("executor %d, request 2: FAILED: ", e)
				assert.Contains(t, res.Stdout, line, "one line per timed-out request\n%s", res)
				if mode != "threads" { // the threads mode's blocking sockets say "timed out (socket timeout)"
					assert.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(line+"GET /2000/HelloWorld2 from "+srv.Addr()+": ")+`.*timeout after 1\.5s: no complete answer in time\n`), res.Stdout, "%s", res)
				}
			}
		})
	}
}
