// End-to-end tests of stage 06: the common plan's output, timing bounds,
// the per-request -timeout, the 1 MiB cap on an answer, both placements of
// the reactor, flag mistakes and the embedded server. Ctrl-C is in
// stage06_interrupt_test.go.

package tests

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stage06 = "stage06_production"

// stage06Summary matches stage 06's summary line (the common plan's format).
var stage06Summary = regexp.MustCompile(`^stage06_production: (\d+) requests \((\d+) executors × (\d+)\), (\d+) ok, (\d+) failed in (\S+)$`)

// requireStage06Summary checks that the last line of stdout is the summary
// with these counts, and returns the wall time it reports.
func requireStage06Summary(t *testing.T, res result, executors, perExecutor, ok, failed int) time.Duration {
	t.Helper()
	out := lines(res.Stdout)
	require.NotEmpty(t, out, "the summary must be printed\n%s", res)
	m := stage06Summary.FindStringSubmatch(out[len(out)-1])
	require.NotNil(t, m, "the last line must be the summary\n%s", res)
	want := []string{strconv.Itoa(executors * perExecutor), strconv.Itoa(executors), strconv.Itoa(perExecutor), strconv.Itoa(ok), strconv.Itoa(failed)}
	assert.Equal(t, want, m[1:6], "requests, executors, per executor, ok, failed\n%s", res)
	wall, err := time.ParseDuration(m[6])
	require.NoError(t, err, "the wall time must be a Go duration\n%s", res)
	assert.Equal(t, wall.Round(time.Millisecond), wall, "the wall time is rounded to the millisecond")
	return wall
}

// responseOrder is the order of executor e's response lines, as "i: body".
func responseOrder(out string, e int) []string {
	var order []string
	prefix := fmt.Sprintf("executor %d, request ", e)
	for _, l := range lines(out) {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			order = append(order, rest)
		}
	}
	return order
}

func TestStage06RunsExecutorsSideBySideWithEitherReactor(t *testing.T) {
	for _, reactor := range []string{"per-executor", "shared"} {
		t.Run(reactor, func(t *testing.T) {
			t.Parallel()
			srv, log := startDelayServer(t)

			// Request i waits i seconds: 0, 1 and 2 s on each of 3 executors.
			res := runStage(t, stage06, run{Args: []string{"-addr", srv.Addr(), "-reactor", reactor, "-executors", "3", "-requests", "3"}})

			require.Equal(t, 0, res.ExitCode, "%s", res)
			for e := range 3 {
				assert.Equal(t, []string{"0: HelloWorld0", "1: HelloWorld1", "2: HelloWorld2"}, responseOrder(res.Stdout, e),
					"executor %d's answers come in delay order\n%s", e, res)
				assert.Contains(t, res.Stdout, fmt.Sprintf("executor-%d: All tasks are finished\n", e))
			}
			wall := requireStage06Summary(t, res, 3, 3, 9, 0)
			assert.Len(t, log.Arrivals(), 9, "the server must see every request once")
			assert.GreaterOrEqual(t, res.Wall, 2*time.Second, "the longest request waits 2 s")
			assert.Less(t, res.Wall, 5*time.Second, "all requests are in flight at once, so the run takes about the longest delay, 2 s\n%s", res)
			assert.GreaterOrEqual(t, wall, 2*time.Second, "the summary's wall time covers the longest request")
		})
	}
}

func TestStage06StartsEveryRequestBeforeAnyAnswer(t *testing.T) {
	t.Parallel()
	srv, log := startDelayServer(t)

	res := runStage(t, stage06, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "20", "-delay", "1s", "-quiet"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	requireStage06Summary(t, res, 2, 20, 40, 0)
	arrivals := log.Arrivals()
	require.Len(t, arrivals, 40)
	spread := arrivals[len(arrivals)-1].At.Sub(arrivals[0].At)
	assert.Less(t, spread, 500*time.Millisecond, "all 40 requests reach the server before the first 1 s answer is due")
	assert.Less(t, res.Wall, 4*time.Second, "40 requests of 1 s each, all at once\n%s", res)
}

func TestStage06QuietPrintsOnlyTheSummary(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage06, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "50", "-delay", "100ms", "-quiet"}})

	require.Equal(t, 0, res.ExitCode, "%s", res)
	assert.Len(t, lines(res.Stdout), 1, "-quiet prints no response lines and no park lines, only the summary\n%s", res)
	requireStage06Summary(t, res, 2, 50, 100, 0)
}

func TestStage06TimesOutOnlyTheRequestsPastTheTimeout(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	// Request i waits i seconds: with -timeout 1500ms requests 0 and 1 of
	// each executor answer in time and request 2 does not.
	res := runStage(t, stage06, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "3", "-timeout", "1500ms"}})

	assert.Equal(t, 1, res.ExitCode, "timed-out requests are failures: exit status 1\n%s", res)
	requireStage06Summary(t, res, 2, 3, 4, 2)
	for e := range 2 {
		assert.Contains(t, res.Stdout, fmt.Sprintf("executor %d, request 2: FAILED: GET /2000/HelloWorld2 from %s: timeout after 1.5s: no complete answer in time\n", e, srv.Addr()), "%s", res)
	}
	assert.GreaterOrEqual(t, res.Wall, 1500*time.Millisecond, "a timeout never fires early")
	assert.Less(t, res.Wall, 1900*time.Millisecond+time.Second, "the run ends at the timeout, not when the 2 s answers would have come\n%s", res)
	requireOneCleanLine(t, res)
	assert.Contains(t, res.Stderr, "2 of 6 requests failed", "the last line on stderr says why the exit status is 1\n%s", res)
	assert.Contains(t, res.Stderr, "timeout after 1.5s")
}

func TestStage06TimeoutShorterThanTheDelayFailsEveryRequestAtTheTimeout(t *testing.T) {
	t.Parallel()
	srv, _ := startDelayServer(t)

	res := runStage(t, stage06, run{Args: []string{"-addr", srv.Addr(), "-executors", "2", "-requests", "10", "-delay", "10s", "-timeout", "300ms", "-quiet"}})

	assert.Equal(t, 1, res.ExitCode, "%s", res)
	requireStage06Summary(t, res, 2, 10, 0, 20)
	assert.GreaterOrEqual(t, res.Wall, 300*time.Millisecond)
	assert.Less(t, res.Wall, 3*time.Second, "every request gives up after 300 ms; nobody waits for the 10 s answers\n%s", res)
}

func TestStage06ClosedPortCountsFailuresAndExitsWithOne(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	res := runStage(t, stage06, run{Args: []string{"-addr", addr, "-executors", "2", "-requests", "3", "-delay", "0s"}})

	assert.Equal(t, 1, res.ExitCode, "failed requests make the exit status 1\n%s", res)
	requireStage06Summary(t, res, 2, 3, 0, 6)
	assert.Equal(t, 6, strings.Count(res.Stdout, ": FAILED: "), "one line per failed request\n%s", res)
	requireOneCleanLine(t, res)
	assert.Contains(t, res.Stderr, "6 of 6 requests failed")
	assert.Contains(t, res.Stderr, "connection refused")
	assert.Contains(t, res.Stderr, "go run ./delayserver", "the error says how to start a delay server")
}

// startOversizeServer listens on a free loopback port and answers every
// request with a 200 whose body is 2 MiB, twice the cap on an answer. It is
// closed when the test ends.
func startOversizeServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	body := strings.Repeat("x", 2<<20)
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			// One connection at a time: the test makes one request.
			r := bufio.NewReader(conn)
			for {
				line, err := r.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
			}
			_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			_ = conn.Close()
		}
	}()
	return ln.Addr().String()
}

func TestStage06RefusesAnAnswerLargerThanOneMiB(t *testing.T) {
	t.Parallel()
	addr := startOversizeServer(t)

	res := runStage(t, stage06, run{Args: []string{"-addr", addr, "-executors", "1", "-requests", "1", "-delay", "0s"}})

	assert.Equal(t, 1, res.ExitCode, "%s", res)
	requireStage06Summary(t, res, 1, 1, 0, 1)
	assert.Contains(t, res.Stdout, "executor 0, request 0: FAILED: ", "%s", res)
	assert.Contains(t, res.Stdout, "larger than 1048576 bytes", "%s", res)
}

func TestStage06RejectsBadFlagsInOneLine(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-executors", "0"}, {"-requests", "0"}, {"-delay", "-1s"}, {"-timeout", "0s"}, {"-timeout", "-1s"}, {"-timeout", "5"},
		{"-reactor", "global"}, {"-mode", "threads"}, {"-json"}, {"extra"}, {"-addr", "nonsense"},
	} {
		res := runStage(t, stage06, run{Args: args})

		assert.Equal(t, 2, res.ExitCode, "%v is a mistake in the flags: exit status 2\n%s", args, res)
		requireOneCleanLine(t, res)
		assert.Contains(t, res.Stderr, "stage06_production: ", "the line names the program")
		assert.Empty(t, res.Stdout, "nothing may run after %v", args)
	}
}

func TestStage06RefusesRemoteTargetBeforeConnecting(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage06, run{Args: []string{"-addr", "192.0.2.1:80", "-requests", "1"}})

	require.Equal(t, 2, res.ExitCode, "a target off this machine without -allow-remote is a mistake in the flags: exit status 2\n%s", res)
	requireOneCleanLine(t, res)
	assert.Contains(t, res.Stderr, "-allow-remote")
	assert.Empty(t, res.Stdout)
}

func TestStage06RunsOnEmbeddedServer(t *testing.T) {
	t.Parallel()
	res := runStage(t, stage06, run{Args: []string{"-executors", "2", "-requests", "2", "-delay", "50ms"}})

	require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
	assert.Contains(t, res.Stderr, "started", "the program says on stderr that it started a server")
	requireStage06Summary(t, res, 2, 2, 4, 0)
}
