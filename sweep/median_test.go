//go:build linux || darwin || freebsd

// median_test.go checks the median and how runs add up to points.

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMedianIsTheMiddleValue(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"one", []float64{7}, 7},
		{"odd, unsorted", []float64{3, 1, 2}, 2},
		{"an outlier does not move it", []float64{1000, 1010, 9000}, 1010},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			xs := append([]float64(nil), c.xs...)
			got, ok := Median(xs)
			assert.True(t, ok)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.xs, xs, "Median must not reorder its argument")
		})
	}
	_, ok := Median(nil)
	assert.False(t, ok, "no values, no median")
}

func TestAggregateTakesMediansPerApproachAndCount(t *testing.T) {
	runs := []Run{
		measuredRun("stage06_production", 100, 1, 1010, 10, 9000, 8),
		measuredRun("goroutines", 100, 1, 1020, 30, 12000, 6),
		measuredRun("stage06_production", 100, 2, 1500, 12, 9100, 9),
		measuredRun("goroutines", 100, 2, 1030, 31, 12100, 6),
		measuredRun("stage06_production", 100, 3, 1005, 11, 9050, 8),
		measuredRun("goroutines", 100, 3, 1025, 29, 11900, 7),
	}

	points := Aggregate(runs)

	if assert.Len(t, points, 2) {
		rt := points[0]
		assert.Equal(t, "stage06_production", rt.Approach, "points keep the order of the runs")
		assert.Equal(t, 3, rt.Runs)
		assert.Equal(t, 3, rt.Measured)
		assert.Zero(t, rt.Broken)
		assert.False(t, rt.BrokeDown())
		assert.Equal(t, 1010.0, rt.WallMS, "the slow 1500 ms run is ignored by the median")
		assert.Equal(t, 11.0, rt.CPUMS)
		assert.Equal(t, 9050.0, rt.PeakRSSKB)
		assert.Equal(t, 8.0, rt.OSThreads)
		assert.Equal(t, 100.0, rt.OK)
		assert.Equal(t, 20.0, rt.ServerCPUMS)
		assert.True(t, rt.ServerMeasured)
		assert.Equal(t, "goroutines", points[1].Approach)
		assert.Equal(t, 1025.0, points[1].WallMS)
	}
}

func TestAggregateKeepsBrokenRunsOutOfTheMediansButCountsThem(t *testing.T) {
	refused := Run{Job: Job{Approach: "threads", Requests: 10000, Round: 2}, Executors: 2, Delay: time.Second,
		Status: StatusError, Error: "Go's thread limit"}
	runs := []Run{
		measuredRun("threads", 10000, 1, 3000, 900, 90000, 10004),
		refused,
		measuredRun("threads", 10000, 3, 3200, 950, 91000, 10005),
	}

	p := Aggregate(runs)[0]

	assert.Equal(t, 3, p.Runs)
	assert.Equal(t, 2, p.Measured, "the refused run has no figures")
	assert.Equal(t, 1, p.Broken)
	assert.True(t, p.BrokeDown())
	assert.Equal(t, 3100.0, p.WallMS, "median of the two measured runs")
	assert.Equal(t, "Go's thread limit", p.Error)
}

func TestAggregateOfOnlyRefusedRunsHasNoFigures(t *testing.T) {
	refused := Run{Job: Job{Approach: "threads", Requests: 20000, Round: 1}, Status: StatusError, Error: "open-file limit"}

	p := Aggregate([]Run{refused, refused})[0]

	assert.Zero(t, p.Measured)
	assert.Equal(t, 2, p.Broken)
	assert.False(t, p.ServerMeasured)
	assert.Equal(t, "open-file limit", p.Error)
}

// measuredRun is a successful run with the given figures and 20 ms of
// server CPU.
func measuredRun(approach string, requests, round int, wall, cpu, rss int64, threads int) Run {
	return Run{
		Job: Job{Approach: approach, Requests: requests, Round: round}, Executors: 2, Delay: time.Second,
		Status: StatusOK, Measured: true,
		WallMS: wall, CPUMS: cpu, PeakRSSKB: rss, OSThreads: threads, ThreadsMeasured: true, OK: requests,
		ServerCPUMS: 20, ServerMeasured: true,
	}
}
