//go:build darwin || freebsd

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestEventLoopSleepsInTheKernelWhileNothingHappens(t *testing.T) {
	newIdleLoopReactor(t)

	used := processCPUOver(t, 300*time.Millisecond)

	assert.Less(t, used, 75*time.Millisecond,
		"the process used %v of CPU in 300ms while the reactor had nothing to do: the event loop must wait with no timeout (forever), not poll with a timeout of 0, which spins at 100%% CPU", used)
}

// processCPUOver measures the CPU time (user and system) the whole process
// uses during window, while the test goroutine sleeps. An idle reactor costs
// next to nothing; a loop that keeps asking the kernel costs about window
// on a quiet machine.
func processCPUOver(t *testing.T, window time.Duration) time.Duration {
	t.Helper()
	var before, after unix.Rusage
	require.NoError(t, unix.Getrusage(unix.RUSAGE_SELF, &before))
	time.Sleep(window) // the span being measured, not a wait for an event
	require.NoError(t, unix.Getrusage(unix.RUSAGE_SELF, &after))
	cpu := func(u unix.Rusage) time.Duration {
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	return cpu(after) - cpu(before)
}
