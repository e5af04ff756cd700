//go:build linux || darwin || freebsd

// flags_test.go checks that the command line becomes the right Config, and
// that every mistake is refused with one line that names the flag.

package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// names lists the names of approaches.
func names(list []Approach) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Name
	}
	return out
}

func TestParseFlagsDefaultsSweepEveryApproachFrom100To10000Requests(t *testing.T) {
	cfg, err := parseFlags(nil, &bytes.Buffer{})

	require.NoError(t, err)
	assert.False(t, cfg.Compare)
	assert.Equal(t, []int{100, 1000, 5000, 10000}, cfg.Counts)
	assert.Equal(t, time.Second, cfg.Delay)
	assert.Equal(t, 2, cfg.Executors)
	assert.Equal(t, []string{"stage06_production", "stage05_multithread", "threads", "goroutines"}, names(cfg.Approaches))
	assert.Equal(t, 3, cfg.Repeat)
	assert.Equal(t, "perf-out", cfg.OutDir)
	assert.Equal(t, 2*time.Minute, cfg.RunTimeout)
	assert.Zero(t, cfg.MaxThreads, "by default the threads baseline raises Go's thread limit as far as a run needs")
}

func TestParseFlagsReadsEveryFlag(t *testing.T) {
	cfg, err := parseFlags(strings.Fields("-counts 30,10,20 -delay 50ms -executors 5 -approaches goroutines,stage06,threads -repeat 5 -out x -run-timeout 10s -max-threads 99"), &bytes.Buffer{})

	require.NoError(t, err)
	assert.Equal(t, []int{10, 20, 30}, cfg.Counts, "counts are sorted so the sweep grows the load step by step")
	assert.Equal(t, 50*time.Millisecond, cfg.Delay)
	assert.Equal(t, 5, cfg.Executors)
	assert.Equal(t, []string{"goroutines", "stage06_production", "threads"}, names(cfg.Approaches), "short names are accepted, and the order given is the order of each round")
	assert.Equal(t, 5, cfg.Repeat)
	assert.Equal(t, "x", cfg.OutDir)
	assert.Equal(t, 10*time.Second, cfg.RunTimeout)
	assert.Equal(t, 99, cfg.MaxThreads)
}

func TestCompareRunsOneSizeOfExecutorsTimesRequests(t *testing.T) {
	cfg, err := parseFlags(strings.Fields("-compare -requests 5000 -executors 2 -delay 1s -repeat 7"), &bytes.Buffer{})

	require.NoError(t, err)
	assert.True(t, cfg.Compare)
	assert.Equal(t, []int{10000}, cfg.Counts)
	assert.Equal(t, 7, cfg.Repeat)
}

func TestQuickIsAShortTryOutThatExplicitFlagsOverride(t *testing.T) {
	cfg, err := parseFlags([]string{"-quick"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, []int{100, 1000}, cfg.Counts)
	assert.Equal(t, 1, cfg.Repeat)

	cfg, err = parseFlags([]string{"-quick", "-repeat", "2", "-counts", "10"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, []int{10}, cfg.Counts, "-counts given beside -quick wins")
	assert.Equal(t, 2, cfg.Repeat, "-repeat given beside -quick wins")
}

func TestParseFlagsRefusesMistakesWithOneLine(t *testing.T) {
	cases := []struct {
		args string
		want string
	}{
		{"-counts 100,abc", `"abc" is not a positive whole number`},
		{"-counts 0", `"0" is not a positive whole number`},
		{"-counts 100,100", "100 appears twice"},
		{"-counts 101", "-counts 101 is not a multiple of -executors 2"},
		{"-approaches stage06,fibers", `unknown approach "fibers"`},
		{"-approaches threads,threads", "threads appears twice"},
		{"-approaches stage05,stage05_multithread", "stage05_multithread appears twice"},
		{"-executors 0", "-executors 0: must be between 1 and 1024"},
		{"-repeat 0", "-repeat 0: must be between 1 and 100"},
		{"-delay -1s", "-delay -1s: must be between 0 and 1m0s"},
		{"-delay 2m", "-delay 2m0s: must be between 0 and 1m0s"},
		{"-delay 1500us", "the delay server counts whole milliseconds"},
		{"-run-timeout 1s", "-run-timeout 1s: must be longer than -delay 1s"},
		{"-max-threads -1", "-max-threads -1: must be 0"},
		{"-max-threads 5 -approaches goroutines", "-max-threads applies only to the threads baseline"},
		{"-compare -counts 100", "-compare runs one size"},
		{"-compare -quick", "-compare runs one size"},
		{"-compare -requests 0", "-requests 0: must be at least 1"},
		{"-requests 10", "-requests applies only with -compare"},
		{"-out  ", "-out is empty"},
		{"-bogus", "flag provided but not defined: -bogus"},
		{"stray", `unexpected argument "stray"`},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			var stderr bytes.Buffer
			args := strings.Fields(c.args)
			if c.args == "-out  " {
				args = []string{"-out", "  "}
			}
			_, err := parseFlags(args, &stderr)

			require.Error(t, err)
			var usage target.UsageError
			assert.True(t, errors.As(err, &usage), "a flag mistake must be a usage error (exit status 2), got %T", err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "the message must be one line")
			assert.Empty(t, stderr.String(), "a mistake prints one line (by main), not the whole usage")
		})
	}
}

func TestHelpDocumentsTheFlags(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseFlags([]string{"-h"}, &stderr)

	require.ErrorIs(t, err, flag.ErrHelp)
	for _, name := range []string{"-compare", "-requests", "-counts", "-delay", "-executors", "-approaches", "-repeat", "-out", "-run-timeout", "-max-threads", "-quick", "Exit status"} {
		assert.Contains(t, stderr.String(), name)
	}
}
