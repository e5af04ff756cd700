//go:build linux || darwin || freebsd

// endtoend_test.go runs the whole sweep once for real, small: it builds the
// two baselines and the delay server, starts the server as its own process,
// runs both at 10 and 20 requests, and checks the files it writes; then one
// comparison the same way.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSweepEndToEndWritesTheCSVsAndTheChart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs and runs them: not in -short")
	}
	out := filepath.Join(t.TempDir(), "perf")
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-counts", "10,20", "-delay", "50ms", "-approaches", "goroutines,threads", "-repeat", "1", "-out", out}, &stdout, &stderr)

	require.NoError(t, err, "stderr:\n%s", stderr.String())
	runs := readCSV(t, readFile(t, filepath.Join(out, "runs.csv")))
	require.Len(t, runs, 1+4, "a header and 2 counts × 2 approaches:\n%v", runs)
	wantOrder := [][2]string{{"goroutines", "10"}, {"threads", "10"}, {"goroutines", "20"}, {"threads", "20"}}
	for i, row := range runs[1:] {
		assert.Equal(t, wantOrder[i][0], row[0])
		assert.Equal(t, wantOrder[i][1], row[1])
		assert.Equal(t, "50", row[3], "delay_ms")
		assert.Equal(t, "ok", row[5], "status of %v (stderr:\n%s)", row, stderr.String())
		assert.Equal(t, row[1], row[10], "every request ok")
		assert.NotEmpty(t, row[6], "wall_ms")
		assert.NotEmpty(t, row[12], "server_cpu_ms")
	}
	medians := readCSV(t, readFile(t, filepath.Join(out, "medians.csv")))
	assert.Len(t, medians, 1+4)

	chart, err := os.Stat(filepath.Join(out, "sweep.png"))
	require.NoError(t, err)
	assert.Greater(t, chart.Size(), int64(10_000), "the chart must have something drawn in it")
	decodePNG(t, filepath.Join(out, "sweep.png"))

	assert.Contains(t, stdout.String(), "| goroutines | 20 | 20 | 0 |")
	assert.Regexp(t, `\| threads \| 20 \| \d+\.\d\d\d \| \d+\.\d\d\d \| \d+\.\d\d\d \|`, stdout.String(), "a row of ratios to the goroutines")
	assert.Contains(t, stdout.String(), "delay server:")
	assert.Contains(t, stderr.String(), "[4/4] threads, 20 requests, round 1: ok")
}

func TestCompareEndToEndPrintsOneTableWithRatiosAndNoChart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three programs and runs them: not in -short")
	}
	out := filepath.Join(t.TempDir(), "perf")
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"-compare", "-requests", "10", "-delay", "50ms", "-approaches", "threads,goroutines", "-repeat", "3", "-out", out}, &stdout, &stderr)

	require.NoError(t, err, "stderr:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "| goroutines | 20 | 20 | 0 |")
	assert.Contains(t, stdout.String(), "| threads | 20 | 20 | 0 |")
	assert.Contains(t, stdout.String(), "| 3 |", "medians of 3 runs")
	assert.Contains(t, stdout.String(), "| approach | requests | wall ÷ goroutines |")
	assert.Contains(t, stderr.String(), "[6/6] goroutines, 20 requests, round 3: ok")
	_, err = os.Stat(filepath.Join(out, "sweep.png"))
	assert.True(t, os.IsNotExist(err), "one size makes no chart")
	runs := readCSV(t, readFile(t, filepath.Join(out, "runs.csv")))
	assert.Len(t, runs, 1+6)
}

func TestSweepFailsEarlyOnAnOutputDirectoryItCannotCreate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))

	err := run(context.Background(), []string{"-out", filepath.Join(file, "sub")}, &bytes.Buffer{}, &bytes.Buffer{})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "create the output directory")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}
