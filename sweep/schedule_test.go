//go:build linux || darwin || freebsd

// schedule_test.go checks the order of the runs: approaches interleaved
// round by round, counts from small to large.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScheduleInterleavesTheApproachesRoundByRound(t *testing.T) {
	list := []Approach{{Name: "stage06_production"}, {Name: "threads"}, {Name: "goroutines"}}
	jobs := Schedule([]int{100, 1000}, list, 2)

	want := []Job{
		{"stage06_production", 100, 1}, {"threads", 100, 1}, {"goroutines", 100, 1},
		{"threads", 100, 2}, {"goroutines", 100, 2}, {"stage06_production", 100, 2},
		{"stage06_production", 1000, 1}, {"threads", 1000, 1}, {"goroutines", 1000, 1},
		{"threads", 1000, 2}, {"goroutines", 1000, 2}, {"stage06_production", 1000, 2},
	}
	assert.Equal(t, want, jobs, "each round runs every approach once before the next round, so noise falls on all alike, and starts one further along")
}

func TestScheduleKeepsTheOrderOfApproachesGiven(t *testing.T) {
	jobs := Schedule([]int{10}, []Approach{{Name: "goroutines"}, {Name: "threads"}}, 1)

	assert.Equal(t, []Job{{"goroutines", 10, 1}, {"threads", 10, 1}}, jobs)
}
