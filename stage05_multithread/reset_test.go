//go:build linux || darwin || freebsd

// Tests for the HTTP future against a server that resets the connection
// instead of answering, as a crashing or overloaded server does: the
// request must fail with an error that names the reset, and close its
// socket.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestHTTPGetFailsNamingTheResetWhenServerResets(t *testing.T) {
	leakcheck.CheckFDs(t)
	addr := stagetest.StartResettingServer(t)
	f := getFrom(t, addr, "/0/x", nil)

	p := pollToEnd(t, f)

	require.Error(t, p.Err, "a connection reset before the answer must fail the request")
	assert.ErrorIs(t, p.Err, unix.ECONNRESET, "the error must wrap ECONNRESET from the read, so a caller can tell a reset from other failures")
	assert.Contains(t, p.Err.Error(), "reset", "the message must name the reset")
	assert.Contains(t, p.Err.Error(), addr, "the message must name the server")
	assert.Equal(t, -1, f.fd, "a failed future must close its socket (look at fail and closeSocket)")
}
