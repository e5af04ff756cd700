package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedianOfOddAndEvenCounts(t *testing.T) {
	xs := []float64{9, 1, 5}
	assert.Equal(t, 5.0, median(xs))
	assert.Equal(t, []float64{9, 1, 5}, xs, "median must not reorder its argument")
	assert.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
}

// runOf makes a recording's counts directly.
func runOf(counts map[Group]int) Run {
	r := Run{Counts: counts}
	for _, n := range counts {
		r.Total += n
	}
	return r
}

func TestWriteTableGivesMedianShareRangeAndSamples(t *testing.T) {
	programs := []Program{
		{Name: "stage06", Runs: []Run{
			runOf(map[Group]int{tcpClose: 10, mainCode: 90}),  // 10 %
			runOf(map[Group]int{tcpClose: 60, mainCode: 140}), // 30 %
			runOf(map[Group]int{tcpClose: 40, mainCode: 160}), // 20 %
		}},
		{Name: "goroutines", Runs: []Run{
			runOf(map[Group]int{tcpClose: 50, goStacks: 50}),
		}},
	}
	var b strings.Builder
	require.NoError(t, writeTable(&b, programs))
	out := b.String()
	assert.Contains(t, out, "| group | stage06: share (range), samples | goroutines: share (range), samples |")
	assert.Contains(t, out, "| TCP: close | 20.0 % (10.0–30.0), 40 | 50.0 % (50.0–50.0), 50 |",
		"the median share of the runs and the median of their samples, not the share of the summed samples")
	assert.Contains(t, out, "| Go: goroutine stacks (make, grow, free) | 0.0 % (0.0–0.0), 0 | 50.0 % (50.0–50.0), 50 |")
	assert.Contains(t, out, "| **the kernel's, in all** | 20.0 % (10.0–30.0), 40 | 50.0 % (50.0–50.0), 50 |")
	assert.Contains(t, out, "| **the program's own, in all** | 80.0 % (70.0–90.0), 140 | 50.0 % (50.0–50.0), 50 |")
	assert.Contains(t, out, "stage06: 3 runs, samples per run 100, 200, 200\n")
	assert.Equal(t, len(Groups)+4, strings.Count(out, "\n|")+1, "a header, a rule, a row per group and the two totals")
}

func TestWriteDetailListsTheBusiestFunctionsFirst(t *testing.T) {
	programs := []Program{{Name: "goroutines", Runs: make([]Run, 5)}}
	leaves := map[string]map[string]int{"goroutines": {"_copy_to_iter": 30, "tcp_recvmsg_locked": 60, "fdget_pos": 10}}
	var b strings.Builder
	require.NoError(t, writeDetail(&b, tcpSendRecv, leaves, programs, 2))
	assert.Equal(t, "goroutines, TCP: write the request, read the answer: 100 samples over 5 runs\n"+
		"      60   60.0 %  tcp_recvmsg_locked\n"+
		"      30   30.0 %  _copy_to_iter\n", b.String())
}
