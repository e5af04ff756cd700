//go:build linux || darwin || freebsd

// table_test.go checks the Markdown tables printed in the terminal.

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTableShowsMediansInReadableUnitsAndWhyAPointBrokeDown(t *testing.T) {
	refused := Run{Job: Job{Approach: "threads", Requests: 100, Round: 1}, Executors: 2, Delay: time.Second,
		Status: StatusError, Error: "limit | reached"}
	points := Aggregate([]Run{measuredRun("stage06_production", 100, 1, 1042, 310, 12288, 8), refused})

	var buf bytes.Buffer
	require.NoError(t, WriteTable(&buf, points))

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4, "header, separator, one row per point:\n%s", buf.String())
	assert.Equal(t, "| stage06_production | 100 | 100 | 0 | 1.042 | 0.310 | 12.0 | 8 | 0.02 | 1 |  |", lines[2])
	assert.Equal(t, `| threads | 100 | — | — | — | — | — | — | — | 1 (1 broke) | limit \| reached |`, lines[3],
		"no figures show as —, and a | in the reason must not split the row")
}

func TestRatiosCompareEveryApproachWithGoroutinesAtEachCount(t *testing.T) {
	refused := Run{Job: Job{Approach: "stage06_production", Requests: 1000, Round: 1}, Status: StatusError, Error: "go build ./stage06_production: exit status 1"}
	points := Aggregate([]Run{
		measuredRun("stage06_production", 100, 1, 1000, 50, 10000, 8),
		measuredRun("threads", 100, 1, 1200, 300, 40000, 104),
		measuredRun("goroutines", 100, 1, 2000, 200, 40000, 6),
		refused,
		measuredRun("goroutines", 1000, 1, 2000, 200, 40000, 6),
	})

	ratios := Ratios(points, "goroutines")

	require.Len(t, ratios, 3)
	assert.Equal(t, Ratio{Approach: "stage06_production", Requests: 100, Wall: 0.5, CPU: 0.25, RSS: 0.25}, ratios[0])
	assert.Equal(t, Ratio{Approach: "threads", Requests: 100, Wall: 0.6, CPU: 1.5, RSS: 1}, ratios[1])
	assert.Equal(t, 1000, ratios[2].Requests)
	assert.Contains(t, ratios[2].Why, "stage06_production has no figures: go build ./stage06_production: exit status 1")

	var buf bytes.Buffer
	require.NoError(t, WriteRatios(&buf, ratios, "goroutines"))
	assert.Contains(t, buf.String(), "| approach | requests | wall ÷ goroutines | CPU ÷ goroutines | peak RSS ÷ goroutines | note |")
	assert.Contains(t, buf.String(), "| stage06_production | 100 | 0.500 | 0.250 | 0.250 |  |")
	assert.Contains(t, buf.String(), "| threads | 100 | 0.600 | 1.500 | 1.000 |  |")
	assert.Contains(t, buf.String(), "| stage06_production | 1000 | — | — | — | stage06_production has no figures")
}

func TestRatiosNeedTheBaseline(t *testing.T) {
	points := Aggregate([]Run{measuredRun("threads", 100, 1, 1200, 300, 40000, 104)})

	assert.Empty(t, Ratios(points, "goroutines"), "without the goroutines there is nothing to compare with")
}

func TestRatiosFlagABrokenPoint(t *testing.T) {
	failed := measuredRun("stage06_production", 100, 1, 1000, 50, 10000, 8)
	failed.Status, failed.Error, failed.OK, failed.Failed = StatusFailed, "3 failed", 97, 3
	points := Aggregate([]Run{failed, measuredRun("goroutines", 100, 1, 2000, 200, 40000, 6)})

	ratios := Ratios(points, "goroutines")

	require.Len(t, ratios, 1)
	assert.True(t, ratios[0].Broken)
	var buf bytes.Buffer
	require.NoError(t, WriteRatios(&buf, ratios, "goroutines"))
	assert.Contains(t, buf.String(), "compare with care")
}

func TestWithRoundsGivesTheRangeOfTheRatiosRoundByRound(t *testing.T) {
	runs := []Run{
		measuredRun("stage06_production", 100, 1, 800, 30, 100, 8),
		measuredRun("goroutines", 100, 1, 1000, 100, 1000, 6),
		measuredRun("stage06_production", 100, 2, 900, 60, 200, 8),
		measuredRun("goroutines", 100, 2, 1000, 100, 1000, 6),
		measuredRun("stage06_production", 100, 3, 1100, 40, 150, 8),
		measuredRun("goroutines", 100, 3, 1000, 100, 1000, 6),
	}
	ratios := WithRounds(Ratios(Aggregate(runs), "goroutines"), runs, "goroutines")

	require.Len(t, ratios, 1)
	r := ratios[0]
	assert.Equal(t, 3, r.Rounds)
	assert.InDeltaSlice(t, []float64{0.8, 0.3, 0.1}, r.Low[:], 1e-9)
	assert.InDeltaSlice(t, []float64{1.1, 0.6, 0.2}, r.High[:], 1e-9)
	var buf bytes.Buffer
	require.NoError(t, WriteRatios(&buf, ratios, "goroutines"))
	assert.Contains(t, buf.String(), "| stage06_production | 100 | 0.900 (0.800–1.100) | 0.400 (0.300–0.600) | 0.150 (0.100–0.200) |  |")
}
