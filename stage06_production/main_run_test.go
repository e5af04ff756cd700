//go:build linux || darwin || freebsd

// Tests of the program as a whole, through run: the flags, the lines it
// prints, the summary line and the errors that decide the exit status.

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/target"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// lastLine is the last line of the output.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// summaryLine matches the summary line of the common plan; a comparison tool
// reads the counts with `(\d+) ok, (\d+) failed`.
var summaryLine = regexp.MustCompile(`^stage06_production: (\d+) requests \((\d+) executors × (\d+)\), (\d+) ok, (\d+) failed in \d+(\.\d+)?m?s$`)

func TestRunPrintsAResponseLinePerRequestAndTheSummaryLast(t *testing.T) {
	for _, reactor := range reactorPlacements {
		t.Run(reactor, func(t *testing.T) {
			tgt, _ := startServer(t)
			var stdout, stderr bytes.Buffer

			err := run(context.Background(), []string{"-reactor", reactor, "-executors", "2", "-requests", "3", "-delay", "100ms", "-addr", tgt.Host}, &stdout, &stderr)

			require.NoError(t, err, "stderr: %s", stderr.String())
			for e := range 2 {
				for i := range 3 {
					assert.Contains(t, stdout.String(), fmt.Sprintf("executor %d, request %d: HelloWorld%d\n", e, i, i))
				}
			}
			m := summaryLine.FindStringSubmatch(lastLine(stdout.String()))
			require.NotNil(t, m, "the last line must be the summary: %q", lastLine(stdout.String()))
			assert.Equal(t, []string{"6", "2", "3", "6", "0"}, m[1:6])
		})
	}
}

func TestRunQuietPrintsOnlyTheSummary(t *testing.T) {
	tgt, _ := startServer(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-executors", "2", "-requests", "2", "-delay", "10ms", "-quiet", "-addr", tgt.Host}, &stdout, &stderr)

	require.NoError(t, err, "stderr: %s", stderr.String())
	assert.Equal(t, 1, strings.Count(stdout.String(), "\n"), "-quiet leaves only the summary line: %q", stdout.String())
	assert.Regexp(t, summaryLine, lastLine(stdout.String()))
	assert.Contains(t, stdout.String(), "4 requests (2 executors × 2), 4 ok, 0 failed in ")
}

func TestRunWithFailedRequestsCountsThemAndSaysWhyInOneLine(t *testing.T) {
	tgt := stagetest.Target(t, stagetest.ClosedPort(t))
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-executors", "1", "-requests", "2", "-delay", "0s", "-addr", tgt.Host}, &stdout, &stderr)

	require.ErrorIs(t, err, errRequestsFailed, "the exit status must show that requests failed")
	assert.Equal(t, 1, target.ExitStatus(err), "failed requests: exit status 1")
	requireOneLine(t, err, "2 of 2 requests failed; the first: executor 0, request 0", "connection refused", "nothing accepts connections")
	assert.Contains(t, lastLine(stdout.String()), "2 requests (1 executors × 2), 0 ok, 2 failed in ")
	assert.Equal(t, 2, strings.Count(stdout.String(), "FAILED: "), "one line per failed request")
}

func TestRunTimesOutARequestPastTheTimeout(t *testing.T) {
	tgt, _ := startServer(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-executors", "1", "-requests", "1", "-delay", "2s", "-timeout", "100ms", "-addr", tgt.Host}, &stdout, &stderr)

	requireOneLine(t, err, "1 of 1 requests failed", "timeout after 100ms")
	assert.Contains(t, stdout.String(), "executor 0, request 0: FAILED: GET /2000/HelloWorld0 from "+tgt.Host+": timeout after 100ms: no complete answer in time\n")
	assert.Contains(t, lastLine(stdout.String()), "0 ok, 1 failed in ")
}

func TestRunRefusesBadFlagsInOneLine(t *testing.T) {
	cases := map[string]struct {
		args []string
		want []string
	}{
		"stray argument":       {[]string{"-requests", "3", "100"}, []string{`unexpected argument "100"`}},
		"unknown flag":         {[]string{"-mode", "threads"}, []string{"flag provided but not defined: -mode", "-h"}},
		"not a number":         {[]string{"-requests", "many"}, []string{`invalid value "many" for flag -requests`}},
		"zero requests":        {[]string{"-requests", "0"}, []string{"-requests 0"}},
		"zero executors":       {[]string{"-executors", "0"}, []string{"-executors 0"}},
		"negative delay":       {[]string{"-delay", "-1s"}, []string{"-delay -1s"}},
		"unknown reactor":      {[]string{"-reactor", "global"}, []string{`unknown -reactor "global"`, "per-executor, shared"}},
		"zero timeout":         {[]string{"-timeout", "0s"}, []string{"-timeout 0s", "more than 0"}},
		"negative timeout":     {[]string{"-timeout", "-5s"}, []string{"-timeout -5s", "more than 0"}},
		"timeout without unit": {[]string{"-timeout", "30"}, []string{`invalid value "30" for flag -timeout`}},
		"address without port": {[]string{"-addr", "localhost"}, []string{`-addr "localhost"`, "host:port"}},
		"port out of range":    {[]string{"-addr", "127.0.0.1:70000"}, []string{`port "70000"`}},
		"remote target":        {[]string{"-addr", "192.0.2.1:80"}, []string{"192.0.2.1", "loopback", "-allow-remote"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			requireOneLine(t, err, c.want...)
			assert.Equal(t, 2, target.ExitStatus(err), "a mistake in the flags: exit status 2")
			assert.Empty(t, stdout.String(), "nothing runs")
		})
	}
}

func TestRunSortsUsageErrorsFromOtherFailures(t *testing.T) {
	var stdout, stderr bytes.Buffer
	var usage target.UsageError
	assert.True(t, errors.As(run(context.Background(), []string{"-reactor", "x"}, &stdout, &stderr), &usage), "a bad flag is a usage error (exit 2)")
	assert.False(t, errors.As(run(context.Background(), []string{"-addr", stagetest.Target(t, stagetest.ClosedPort(t)).Host, "-requests", "1", "-delay", "0s"}, &stdout, &stderr), &usage),
		"a failed request is a failure of the run (exit 1)")
}

func TestRunHelpListsTheFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &stdout, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, flag := range []string{"-executors", "-requests", "-delay", "-timeout", "-reactor", "-quiet", "-addr", "-allow-remote"} {
		assert.Contains(t, stderr.String(), flag)
	}
	assert.NotContains(t, stderr.String(), "-mode", "stage 06 has one runtime and no modes")
}

func TestSummaryLineFollowsTheCommonPlan(t *testing.T) {
	s := Summary{Plan: Plan{Executors: 2, Requests: 5}, OK: 9, Failed: 1, Wall: 4004300000}

	assert.Equal(t, "stage06_production: 10 requests (2 executors × 5), 9 ok, 1 failed in 4.004s", s.String())
	assert.Regexp(t, summaryLine, s.String())
}
