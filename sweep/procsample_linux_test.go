//go:build linux

package main

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatusReadsThreadsAndTheMemoryHighWaterMark(t *testing.T) {
	status := "Name:\tgoroutines\nVmPeak:\t  900000 kB\nVmHWM:\t   41236 kB\nVmRSS:\t   40000 kB\nThreads:\t12\n"

	s, err := parseStatus([]byte(status))

	require.NoError(t, err)
	assert.Equal(t, procSample{threads: 12, peakRSSKB: 41236, threadsMeasured: true, rssMeasured: true}, s,
		"VmHWM is the peak resident memory; VmPeak is address space, not memory")
}

func TestParseStatusRefusesAProcessWithoutMemory(t *testing.T) {
	// An exited process that has not been reaped yet: no Vm lines.
	_, err := parseStatus([]byte("Name:\tthreads\nState:\tZ (zombie)\nThreads:\t1\n"))

	assert.Error(t, err)
}

// ballast keeps memory resident in the test process for the next test.
var ballast []byte

func TestChildPeakRSSIsTheChildsOwnNotTheSweeps(t *testing.T) {
	// The sweep process holds 256 MiB; the child touches 32 MiB. Linux's
	// ru_maxrss would report the sweep's 256 MiB for the child (it starts
	// with vfork, sharing the sweep's memory until exec).
	ballast = make([]byte, 256<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	defer func() { ballast = nil; runtime.GC() }()

	run, err := fakeRunner(t, fakeOK).Run(context.Background(), Job{Approach: "goroutines", Requests: 10, Round: 1})

	require.NoError(t, err)
	require.Equal(t, StatusOK, run.Status, run.Error)
	assert.GreaterOrEqual(t, run.PeakRSSKB, int64(fakeHeapBytes/1024))
	assert.Less(t, run.PeakRSSKB, int64(200<<10), "the child's peak RSS must not include the sweep's 256 MiB")
}
