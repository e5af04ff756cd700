//go:build linux

package main

import (
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEachWaitingRequestHoldsAnOSThread(t *testing.T) {
	const requests = 60
	addr := startDelayServer(t)
	before := threadsNow(t)
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak.Store(max(peak.Load(), int64(threadsNow(t))))
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	status, _, stderr := runProgram(t, "-addr", addr, "-executors", "1", "-requests", strconv.Itoa(requests), "-delay", "700ms", "-quiet")
	close(stop)
	<-sampled
	require.Equal(t, 0, status, stderr)
	// Each waiting request holds a thread of its own, locked and asleep in
	// read(2), and the sampler needs one more to run on. Go may hand the
	// requests threads it already had idle, so the peak is compared with
	// the requests alone, not with the count before the run.
	assert.GreaterOrEqual(t, int(peak.Load()), requests+1,
		"%d requests waiting at once need %d threads of their own, plus one for the sampler; the process went from %d to a peak of %d", requests, requests, before, peak.Load())
}

// threadsNow is this process's thread count from /proc/self/status.
func threadsNow(t *testing.T) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Error(err)
		return 0
	}
	n, err := strconv.Atoi(statusField(data, "Threads:"))
	if err != nil {
		t.Error(err)
	}
	return n
}
