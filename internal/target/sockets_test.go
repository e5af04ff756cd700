//go:build unix

// Tests of the check that a run's sockets fit under the open-file limit.

package target

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireOneLineError(t *testing.T, err error, want ...string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "an error must be one line")
	for _, w := range want {
		assert.Contains(t, msg, w)
	}
}

func TestCheckSocketsNamesTheOpenFileLimit(t *testing.T) {
	requireOneLineError(t, checkSocketsUnder(10000, false, 10000),
		"10000 requests need 10000 sockets at once but the open-file limit is 10000; lower -requests/-executors or raise ulimit -n")
	requireOneLineError(t, checkSocketsUnder(10000, true, 15000),
		"need 20000 sockets", "delay server runs in this process", "open-file limit is 15000")
	assert.NoError(t, checkSocketsUnder(10000, false, 20000))
	assert.NoError(t, checkSocketsUnder(10000, true, 20100))
}

func TestCheckSocketsReadsTheOpenFileLimit(t *testing.T) {
	assert.NoError(t, CheckSockets(1, true), "two sockets and the margin fit under any usable open-file limit")
	requireOneLineError(t, CheckSockets(1<<40, false), "sockets at once", "open-file limit is")
}
