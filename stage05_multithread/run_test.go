//go:build linux || darwin || freebsd

// Tests for the program as a whole (run): flags, the summary line and the
// exit status, against a delay server started in this test process.

package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// summaryLine is the last line of every run.
var summaryLine = regexp.MustCompile(`^stage05_multithread: (\d+) requests \((\d+) executors × (\d+)\), (\d+) ok, (\d+) failed in [0-9.]+m?s$`)

// runMain runs the program with args and returns its stdout, its stderr
// and the exit status main would end with.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut syncBuffer
	err := runProgram(args, &out, &errOut)
	if err != nil {
		_, _ = errOut.Write([]byte(target.OneLine(err) + "\n"))
	}
	return out.String(), errOut.String(), target.ExitStatus(err)
}

func TestRunPrintsEveryAnswerAndTheSummaryLast(t *testing.T) {
	srv := stagetest.StartDelayServer(t)

	stdout, stderr, status := runMain(t, "-addr", srv.Addr(), "-executors", "2", "-requests", "3", "-delay", "20ms")

	require.Zero(t, status, "stderr: %s", stderr)
	got := lines(stdout)
	for _, want := range []string{"executor 0, request 2: HelloWorld2", "executor 1, request 0: HelloWorld0", "executor-1: All tasks are finished"} {
		assert.Contains(t, got, want)
	}
	m := summaryLine.FindStringSubmatch(got[len(got)-1])
	require.NotNil(t, m, "the last line must be the summary; got %q", got[len(got)-1])
	assert.Equal(t, []string{"6", "2", "3", "6", "0"}, m[1:6])
}

func TestRunQuietPrintsOnlyTheSummary(t *testing.T) {
	srv := stagetest.StartDelayServer(t)

	stdout, _, status := runMain(t, "-addr", srv.Addr(), "-requests", "2", "-delay", "10ms", "-quiet")

	require.Zero(t, status)
	got := lines(stdout)
	require.Len(t, got, 1, "with -quiet only the summary is printed; got:\n%s", stdout)
	assert.Regexp(t, summaryLine, got[0])
}

func TestRunCountsRefusedRequestsAndExitsWithOne(t *testing.T) {
	stdout, stderr, status := runMain(t, "-addr", stagetest.ClosedPort(t), "-executors", "2", "-requests", "2", "-delay", "0s")

	assert.Equal(t, 1, status, "a failed request makes the exit status 1")
	got := lines(stdout)
	assert.Regexp(t, `, 0 ok, 4 failed in `, got[len(got)-1], "every request is tried and counted")
	assert.Equal(t, 4, strings.Count(stdout, ": FAILED: "), "each failure gets its line")
	assert.Contains(t, stderr, "4 of 4 requests failed")
	assert.Contains(t, stderr, "go run ./delayserver", "a refused connection comes with what to do about it")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "the error is one line:\n%s", stderr)
}

func TestRunRejectsBadFlagsInOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-executors", "0"}, "-executors 0"},
		{[]string{"-requests", "0"}, "-requests 0"},
		{[]string{"-requests", "62"}, "-requests 62"},
		{[]string{"-delay", "-1s"}, "-delay -1s"},
		{[]string{"-delay", "61s"}, "-delay 1m1s"},
		{[]string{"-executors", "two"}, "-executors"},
		{[]string{"-threads", "2"}, "-threads"},
		{[]string{"now"}, `"now"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, status := runMain(t, append(tc.args, "-addr", stagetest.ClosedPort(t))...)

			assert.Equal(t, 2, status, "a mistake in the flags exits with 2")
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "the error is one line:\n%s", stderr)
			assert.Empty(t, stdout, "nothing runs")
		})
	}
}

func TestRunAcceptsManyRequestsWithAFixedDelay(t *testing.T) {
	srv := stagetest.StartDelayServer(t)

	stdout, stderr, status := runMain(t, "-addr", srv.Addr(), "-executors", "3", "-requests", "200", "-delay", "10ms", "-quiet")

	require.Zero(t, status, "stderr: %s", stderr)
	assert.Regexp(t, `600 requests \(3 executors × 200\), 600 ok, 0 failed`, stdout)
}
