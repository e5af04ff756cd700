package main

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseThreadCount(t *testing.T) {
	status := []byte("Name:\tstage05\nState:\tS (sleeping)\nThreads:\t1234\nSigQ:\t0/9\n")
	n, err := parseThreadCount(status)
	require.NoError(t, err)
	assert.Equal(t, 1234, n)

	_, err = parseThreadCount([]byte("Name:\tx\n"))
	assert.Error(t, err)
	_, err = parseThreadCount([]byte("Threads:\tmany\n"))
	assert.Error(t, err)
}

func TestThreadSamplerSeesThreadsThatAppear(t *testing.T) {
	s := StartThreadSampler("/proc/self/status", time.Millisecond)
	base := s.Peak()

	// Hold extra threads until the sampler has seen them: each goroutine
	// locks itself to a thread and waits.
	const extra = 5
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range extra {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			<-release
		})
	}
	require.Eventually(t, func() bool { return s.Peak() >= base+extra }, 10*time.Second, time.Millisecond,
		"the sampler should see %d more threads than its first look (%d); peak %d", extra, base, s.Peak())
	close(release)
	wg.Wait()

	assert.GreaterOrEqual(t, s.Stop(), base+extra)
}

func TestThreadSamplerOfAGoneProcessReportsZero(t *testing.T) {
	s := StartThreadSampler("/proc/does-not-exist/status", time.Millisecond)
	assert.Zero(t, s.Stop())
}

func TestMeasurementTakesWallAndCPUTime(t *testing.T) {
	m := StartMeasurement(time.Millisecond)
	deadline := time.Now().Add(50 * time.Millisecond)
	spins := 0
	for time.Now().Before(deadline) {
		spins++ // burn CPU so there is something to measure
	}
	f := m.Stop()

	assert.GreaterOrEqual(t, f.Wall, 50*time.Millisecond)
	assert.Positive(t, f.CPU, "%d spins of CPU work should show", spins)
	assert.Positive(t, f.PeakRSSKB)
	assert.Positive(t, f.OSThreads)
}

func TestSamplingIntervalFollowsTheShortestDelay(t *testing.T) {
	assert.Equal(t, 20*time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5}), "1 s delays: the longest interval")
	assert.Equal(t, 2*time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5, Delay: 100 * time.Millisecond, FixedDelay: true}))
	assert.Equal(t, time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5, FixedDelay: true}), "never below 1 ms")
}
