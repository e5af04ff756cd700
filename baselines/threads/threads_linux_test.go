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
	assert.GreaterOrEqual(t, int(peak.Load())-before, requests,
		"%d requests waiting at once should add at least %d threads; the process went from %d to a peak of %d", requests, requests, before, peak.Load())
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
