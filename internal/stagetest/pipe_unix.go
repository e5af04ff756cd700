//go:build linux || darwin || freebsd

package stagetest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// NewPipe returns a non-blocking pipe (read end, write end) as raw file
// descriptors, closed when the test ends. A pipe is the simplest fd whose
// readiness a test controls: writing a byte makes the read end readable.
func NewPipe(t testing.TB) (r, w int) {
	t.Helper()
	var fds [2]int
	// Pipe, then the flags: pipe2 with flags is not on macOS.
	require.NoError(t, unix.Pipe(fds[:]))
	for _, fd := range fds {
		require.NoError(t, unix.SetNonblock(fd, true))
	}
	t.Cleanup(func() {
		_ = unix.Close(fds[0])
		_ = unix.Close(fds[1])
	})
	return fds[0], fds[1]
}
