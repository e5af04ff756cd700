//go:build linux

package main

import (
	"testing"

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
