//go:build linux || darwin || freebsd

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summaryKeys are the keys the -json summary promises (issue 3).
var summaryKeys = []string{"mode", "executors", "requests", "ok", "failed", "wall_ms", "cpu_ms", "max_delay_ms", "peak_rss_kb", "os_threads"}

// lastLine is the last line of the output.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestRunPrintsTheJSONSummaryLast(t *testing.T) {
	for _, mode := range []string{modeGoroutines, modeThreads} {
		t.Run(mode, func(t *testing.T) {
			tgt, _ := startServer(t)
			var stdout, stderr bytes.Buffer

			err := run(context.Background(), []string{"-mode", mode, "-executors", "2", "-requests", "3", "-delay", "100ms", "-json", "-addr", tgt.Host}, &stdout, &stderr)

			require.NoError(t, err, "stderr: %s", stderr.String())
			var summary map[string]any
			require.NoError(t, json.Unmarshal([]byte(lastLine(stdout.String())), &summary), "last line: %q", lastLine(stdout.String()))
			for _, key := range summaryKeys {
				assert.Contains(t, summary, key)
			}
			assert.Equal(t, mode, summary["mode"])
			assert.EqualValues(t, 2, summary["executors"])
			assert.EqualValues(t, 6, summary["requests"])
			assert.EqualValues(t, 6, summary["ok"])
			assert.EqualValues(t, 0, summary["failed"])
			assert.EqualValues(t, 100, summary["max_delay_ms"])
			assert.GreaterOrEqual(t, summary["wall_ms"], 100.0)
			assert.Positive(t, summary["peak_rss_kb"])
			assert.Positive(t, summary["os_threads"])
			assert.Equal(t, 6, strings.Count(stdout.String(), ": HelloWorld"), "one line per response before the summary")
		})
	}
}

func TestRunPrintsAReadableSummaryWithoutJSON(t *testing.T) {
	tgt, _ := startServer(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-mode", "goroutines", "-executors", "2", "-requests", "2", "-delay", "10ms", "-quiet", "-addr", tgt.Host}, &stdout, &stderr)

	require.NoError(t, err, "stderr: %s", stderr.String())
	assert.Equal(t, 1, strings.Count(stdout.String(), "\n"), "-quiet leaves only the summary line: %q", stdout.String())
	for _, want := range []string{"goroutines: 4 requests (2 executors × 2), 4 ok, 0 failed", "wall", "CPU", "peak RSS", "peak OS threads"} {
		assert.Contains(t, stdout.String(), want)
	}
}

func TestRunWithFailedRequestsPrintsTheSummaryAndSaysSo(t *testing.T) {
	tgt := closedPortTarget(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-mode", "goroutines", "-executors", "1", "-requests", "2", "-delay", "0s", "-quiet", "-json", "-addr", tgt.Host}, &stdout, &stderr)

	require.ErrorIs(t, err, errRequestsFailed, "the exit status must show that requests failed")
	var summary Summary
	require.NoError(t, json.Unmarshal([]byte(lastLine(stdout.String())), &summary))
	assert.Equal(t, 2, summary.Failed)
	assert.Contains(t, summary.FirstError, "connection refused")
}

func TestRunRefusesBadFlagsInOneLine(t *testing.T) {
	cases := map[string]struct {
		args []string
		want []string
	}{
		"unknown mode":          {[]string{"-mode", "fibers"}, []string{`unknown -mode "fibers"`, "runtime, threads, goroutines"}},
		"stray argument":        {[]string{"-mode", "threads", "100"}, []string{`unexpected argument "100"`}},
		"unknown flag":          {[]string{"-thread", "4"}, []string{"flag provided but not defined: -thread", "-h"}},
		"not a number":          {[]string{"-requests", "many"}, []string{`invalid value "many" for flag -requests`}},
		"zero requests":         {[]string{"-requests", "0"}, []string{"-requests 0"}},
		"max-threads elsewhere": {[]string{"-mode", "goroutines", "-max-threads", "20000"}, []string{"-max-threads applies only to -mode threads"}},
		"unknown reactor":       {[]string{"-reactor", "global"}, []string{`unknown -reactor "global"`, "per-executor, shared"}},
		"reactor elsewhere":     {[]string{"-mode", "goroutines", "-reactor", "shared"}, []string{"-reactor applies only to -mode runtime"}},
		"max-threads below one": {[]string{"-mode", "threads", "-max-threads", "0"}, []string{"-max-threads 0"}},
		"remote target":         {[]string{"-mode", "goroutines", "-addr", "192.0.2.1:80"}, []string{"192.0.2.1", "loopback"}},
		"zero timeout":          {[]string{"-timeout", "0s"}, []string{"-timeout 0s", "more than 0"}},
		"negative timeout":      {[]string{"-mode", "threads", "-timeout", "-5s"}, []string{"-timeout -5s", "more than 0"}},
		"timeout without unit":  {[]string{"-timeout", "30"}, []string{`invalid value "30" for flag -timeout`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			requireOneLine(t, err, c.want...)
			assert.Empty(t, stdout.String(), "nothing runs")
		})
	}
}

func TestRunSortsUsageErrorsFromOtherFailures(t *testing.T) {
	var stdout, stderr bytes.Buffer
	var usage usageError
	assert.True(t, errors.As(run(context.Background(), []string{"-mode", "x"}, &stdout, &stderr), &usage), "a bad flag is a usage error (exit 2)")
	assert.False(t, errors.As(run(context.Background(), []string{"-mode", "goroutines", "-addr", "192.0.2.1:80"}, &stdout, &stderr), &usage),
		"a refused target is a failure of the run (exit 1)")
}

func TestRunHelpListsTheFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &stdout, &stderr)
	require.Error(t, err)
	for _, flag := range []string{"-mode", "-executors", "-requests", "-delay", "-timeout", "-quiet", "-json", "-max-threads", "-addr"} {
		assert.Contains(t, stderr.String(), flag)
	}
}

func TestRunRefusesAThreadsRunPastGosThreadLimit(t *testing.T) {
	tgt, srv := startServer(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-mode", "threads", "-executors", "2", "-requests", "100", "-delay", "1s", "-max-threads", "150", "-addr", tgt.Host}, &stdout, &stderr)

	requireOneLine(t, err, "threads mode: 200 requests need about", "Go's thread limit is 150", "pass -max-threads")
	assert.Zero(t, srv.Requests(), "refused before any request")
}
