//go:build linux

// servercpu_linux_test.go checks the reading of CPU time from /proc/PID/stat.

package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatCPUAddsUserAndSystemTicks(t *testing.T) {
	// utime 150 and stime 25 ticks: 1.75 s. The command name has spaces and
	// a ')' of its own, which a naive split would miscount.
	stat := "4242 (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 12 0 100 1000000 500 18446744073709551615\n"

	cpu, err := parseStatCPU([]byte(stat))

	require.NoError(t, err)
	assert.Equal(t, 1750*time.Millisecond, cpu)
}

func TestParseStatCPURefusesBadLines(t *testing.T) {
	for _, stat := range []string{"", "4242 noparen S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 25 0"} {
		_, err := parseStatCPU([]byte(stat))
		assert.Error(t, err, "%q", stat)
	}
}

func TestProcessCPUReadsALiveProcess(t *testing.T) {
	_, err := processCPU(os.Getpid())
	assert.NoError(t, err)

	_, err = processCPU(1 << 30)
	assert.Error(t, err, "no such process")
}
