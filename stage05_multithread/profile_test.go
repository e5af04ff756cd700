//go:build linux || darwin || freebsd

// Tests for the hidden -cpuprofile and -memprofile flags.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunWritesTheProfilesAskedFor(t *testing.T) {
	tgt, _ := startServer(t)
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-mode", "goroutines", "-executors", "1", "-requests", "3", "-delay", "0s", "-quiet", "-addr", tgt.Host,
		"-cpuprofile", cpu, "-memprofile", mem}, &stdout, &stderr)

	require.NoError(t, err, "stderr: %s", stderr.String())
	for _, path := range []string{cpu, mem} {
		data, err := os.ReadFile(path)
		require.NoError(t, err, "the run must write %s", filepath.Base(path))
		// pprof files are gzip-compressed protocol buffers.
		require.Greater(t, len(data), 2, "%s is empty", filepath.Base(path))
		assert.Equal(t, []byte{0x1f, 0x8b}, data[:2], "%s must be a gzip-compressed pprof profile", filepath.Base(path))
	}
}

func TestHelpLeavesTheProfileFlagsOut(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Error(t, run(context.Background(), []string{"-h"}, &stdout, &stderr))
	assert.NotContains(t, stderr.String(), "profile", "-cpuprofile and -memprofile are for PERFORMANCE.md, not for -h")
	assert.Contains(t, stderr.String(), "-requests", "the other flags must still be listed")
}

func TestProfilesRefuseTheThreadsMode(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-mode", "threads", "-cpuprofile", filepath.Join(t.TempDir(), "cpu.out")}, &stdout, &stderr)
	requireOneLine(t, err, "-cpuprofile and -memprofile profile this process", "child process")
	assert.False(t, strings.Contains(stdout.String(), "requests"), "nothing runs")
}
