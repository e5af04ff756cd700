package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/baselines/internal/baselinetest"
	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

func TestMain(m *testing.M) { leakcheck.MainWithCleanup(m, baselinetest.RemoveBuilds) }

// summaryLine is the common plan's last line.
var summaryLine = regexp.MustCompile(`^goroutines: (\d+) requests \((\d+) executors × (\d+)\), (\d+) ok, (\d+) failed in \d+(\.\d+)?m?s$`)

// runProgram runs the program in this process with args and returns its
// exit status and output.
func runProgram(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv(target.DefaultAddrEnv, "127.0.0.1:1") // never the developer's :8080
	var stdout, stderr bytes.Buffer
	status := run(context.Background(), args, &stdout, &stderr)
	return status, stdout.String(), stderr.String()
}

func startDelayServer(t *testing.T) string {
	t.Helper()
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv.Addr()
}

func TestEveryRequestIsAnsweredWithOneLineEachAndTheSummaryLast(t *testing.T) {
	addr := startDelayServer(t)
	status, stdout, stderr := runProgram(t, "-addr", addr, "-executors", "2", "-requests", "3", "-delay", "50ms")
	require.Equal(t, 0, status, "stderr: %s", stderr)
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, 7, "six responses and the summary:\n%s", stdout)
	for e := range 2 {
		for i := range 3 {
			assert.Contains(t, lines[:6], fmt.Sprintf("executor %d, request %d: HelloWorld%d", e, i, i))
		}
	}
	m := summaryLine.FindStringSubmatch(lines[6])
	require.NotNil(t, m, "the last line is not the common summary: %q", lines[6])
	assert.Equal(t, []string{"6", "2", "3", "6", "0"}, m[1:6])
}

func TestWithoutDelayRequestIWaitsISeconds(t *testing.T) {
	addr := startDelayServer(t)
	start := time.Now()
	status, stdout, _ := runProgram(t, "-addr", addr, "-executors", "1", "-requests", "2")
	require.Equal(t, 0, status)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "request 1 asks for /1000/HelloWorld1")
	assert.True(t, strings.HasPrefix(stdout, "executor 0, request 0: HelloWorld0\nexecutor 0, request 1: HelloWorld1\n"), stdout)
}

func TestQuietPrintsOnlyTheSummary(t *testing.T) {
	addr := startDelayServer(t)
	status, stdout, _ := runProgram(t, "-addr", addr, "-requests", "3", "-delay", "10ms", "-quiet")
	require.Equal(t, 0, status)
	assert.Regexp(t, summaryLine, strings.TrimSpace(stdout))
}

func TestFailedRequestsAreCountedAndExitWithStatus1(t *testing.T) {
	// Port 1 on loopback: nothing listens there, every connect is refused.
	status, stdout, stderr := runProgram(t, "-addr", "127.0.0.1:1", "-requests", "2", "-delay", "10ms")
	require.Equal(t, 1, status)
	assert.Contains(t, stdout, "executor 0, request 0: FAILED: ")
	assert.Contains(t, stdout, ", 0 ok, 4 failed in ")
	assert.Contains(t, stderr, "goroutines: 4 of 4 requests failed; the first: ")
	assert.Contains(t, stderr, "connection refused")
}

func TestFlagMistakesGetOneLineAndStatus2(t *testing.T) {
	cases := map[string][]string{
		"unknown flag":       {"-nope"},
		"stray argument":     {"now"},
		"bad -addr":          {"-addr", "no-port"},
		"remote -addr":       {"-addr", "192.0.2.1:80"},
		"zero -timeout":      {"-timeout", "0s"},
		"no executors":       {"-executors", "0"},
		"delay over the cap": {"-delay", "2m"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			status, stdout, stderr := runProgram(t, args...)
			assert.Equal(t, 2, status)
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.True(t, strings.HasPrefix(stderr, "goroutines: "), stderr)
		})
	}
}
