//go:build linux || darwin || freebsd

// chart_test.go checks that the chart is drawn as a real PNG, also when
// points broke down or have no figures at all.

package main

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChartIsAPNGWithAllPanels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.png")
	points := Aggregate([]Run{
		measuredRun("stage06_production", 100, 1, 1010, 10, 9000, 8),
		measuredRun("threads", 100, 1, 1050, 60, 11000, 104),
		measuredRun("goroutines", 100, 1, 1020, 30, 12000, 6),
		measuredRun("stage06_production", 1000, 1, 1100, 100, 11000, 9),
		measuredRun("threads", 1000, 1, 1400, 600, 40000, 1004),
		measuredRun("goroutines", 1000, 1, 1200, 250, 25000, 7),
	})

	require.NoError(t, WriteChart(path, points, ChartInfo{Delay: "1s", Executors: 2, Repeat: 1}))

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, "the chart must be a valid PNG")
	assert.Equal(t, 1344, img.Bounds().Dx(), "14 inches at 96 dpi")
	assert.Greater(t, img.Bounds().Dy(), 900)
}

func TestChartMarksBrokenAndMissingPointsAndGrowsForTheirNotes(t *testing.T) {
	dir := t.TempDir()
	healthy := []Run{
		measuredRun("goroutines", 100, 1, 1020, 30, 12000, 6),
		measuredRun("threads", 100, 1, 1050, 60, 11000, 104),
		measuredRun("goroutines", 10000, 1, 1900, 1200, 140000, 12),
	}
	failed := measuredRun("goroutines", 5000, 1, 1500, 700, 80000, 10)
	failed.Status, failed.OK, failed.Failed, failed.Error = StatusFailed, 4990, 10, "10 of 5000 requests failed; first: 503 Service Unavailable"
	refused := Run{Job: Job{Approach: "threads", Requests: 10000, Round: 1}, Executors: 2, Delay: time.Second,
		Status: StatusError, Error: "10000 requests need about 10020 OS threads, but Go's thread limit (-max-threads) is 10000"}
	notBuilt := Run{Job: Job{Approach: "stage06_production", Requests: 10000, Round: 1}, Executors: 2, Delay: time.Second,
		Status: StatusError, Error: "go build ./stage06_production: exit status 1"}

	plain := filepath.Join(dir, "plain.png")
	marked := filepath.Join(dir, "marked.png")
	require.NoError(t, WriteChart(plain, Aggregate(healthy), ChartInfo{Delay: "1s", Executors: 2, Repeat: 1}))
	require.NoError(t, WriteChart(marked, Aggregate(append(healthy, failed, refused, notBuilt)), ChartInfo{Delay: "1s", Executors: 2, Repeat: 1}))

	plainImg, markedImg := decodePNG(t, plain), decodePNG(t, marked)
	assert.Greater(t, markedImg.Bounds().Dy(), plainImg.Bounds().Dy(), "each broken point gets a note line under the panels")
}

func TestChartOfOnlyRefusedRunsIsStillDrawn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.png")
	refused := Run{Job: Job{Approach: "stage06_production", Requests: 100, Round: 1}, Status: StatusError, Error: "go build ./stage06_production: exit status 1"}

	require.NoError(t, WriteChart(path, Aggregate([]Run{refused}), ChartInfo{Delay: "1s", Executors: 2, Repeat: 1}))
	decodePNG(t, path)
}

func TestChartRefusesNoPoints(t *testing.T) {
	err := WriteChart(filepath.Join(t.TempDir(), "x.png"), nil, ChartInfo{})
	assert.ErrorContains(t, err, "no points")
}

func TestBrokenNotesSayWhereAndWhy(t *testing.T) {
	refused := Run{Job: Job{Approach: "threads", Requests: 10000, Round: 1}, Status: StatusError, Error: "Go's thread limit"}
	notes := brokenNotes(Aggregate([]Run{measuredRun("goroutines", 100, 1, 1, 1, 1, 1), refused, refused}))

	assert.Equal(t, []string{"threads at 10000 requests (2 of 2 runs): Go's thread limit"}, notes)
}

func TestShortReasonNamesKnownLimits(t *testing.T) {
	cases := map[string]string{
		"10000 requests need about 10020 OS threads, but Go's thread limit (-max-threads) is 10000: pass -max-threads 10020": "Go's thread limit",
		"exit status 2: runtime: failed to create new OS thread (have 9000 already; errno=11)":                               "OS refused a thread",
		"20000 requests need 20000 sockets at once but the open-file limit is 20000":                                         "open-file limit",
		"3 of 10 requests failed; first: connect 127.0.0.1:5: cannot assign requested address":                               "out of ephemeral ports",
		"killed after -run-timeout 2m0s without finishing":                                                                   "timed out",
		"something nobody foresaw and that goes on for a long while":                                                         "something nobody foresaw and that goes o…",
	}
	for why, want := range cases {
		assert.Equal(t, want, shortReason(why), why)
	}
}

func TestLogTicksLabelOneTwoFive(t *testing.T) {
	var labels []string
	for _, tick := range logTicks(3, 600) {
		labels = append(labels, tick.Label)
	}
	assert.Equal(t, []string{"5", "10", "20", "50", "100", "200", "500"}, labels)
}

func decodePNG(t *testing.T, path string) interface{ Bounds() image.Rectangle } {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, "%s must be a valid PNG", path)
	return img
}
