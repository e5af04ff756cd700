//go:build linux || darwin || freebsd

package stagetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestNewPipeIsNonBlockingAndCarriesAByte(t *testing.T) {
	r, w := NewPipe(t)
	buf := make([]byte, 1)
	_, err := unix.Read(r, buf)
	assert.ErrorIs(t, err, unix.EAGAIN, "an empty non-blocking pipe must say EAGAIN, not wait")

	_, err = unix.Write(w, []byte{'x'})
	require.NoError(t, err)
	n, err := unix.Read(r, buf)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, byte('x'), buf[0])
}
