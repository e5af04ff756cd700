//go:build linux

// schedule_test.go checks the order of the runs: modes interleaved round by
// round, counts from small to large.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScheduleInterleavesTheModesRoundByRound(t *testing.T) {
	jobs := Schedule([]int{100, 1000}, []string{"runtime", "threads", "goroutines"}, 2)

	want := []Job{
		{"runtime", 100, 1}, {"threads", 100, 1}, {"goroutines", 100, 1},
		{"runtime", 100, 2}, {"threads", 100, 2}, {"goroutines", 100, 2},
		{"runtime", 1000, 1}, {"threads", 1000, 1}, {"goroutines", 1000, 1},
		{"runtime", 1000, 2}, {"threads", 1000, 2}, {"goroutines", 1000, 2},
	}
	assert.Equal(t, want, jobs, "each round runs every mode once before the next round, so noise falls on all modes alike")
}

func TestScheduleKeepsTheOrderOfModesGiven(t *testing.T) {
	jobs := Schedule([]int{10}, []string{"goroutines", "threads"}, 1)

	assert.Equal(t, []Job{{"goroutines", 10, 1}, {"threads", 10, 1}}, jobs)
}
