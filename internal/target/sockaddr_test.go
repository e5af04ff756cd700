//go:build unix

// Tests of the socket address a Target gives a raw socket.

package target

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestSockaddrMatchesTheFamily(t *testing.T) {
	tg, err := parse(t, "-addr", "127.0.0.1:9").Resolve(&bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, unix.AF_INET, tg.Domain())
	assert.Equal(t, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}, tg.Sockaddr())

	tg, err = parse(t, "-addr", "[::1]:9").Resolve(&bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, unix.AF_INET6, tg.Domain())
	sa, ok := tg.Sockaddr().(*unix.SockaddrInet6)
	require.True(t, ok)
	assert.Equal(t, 9, sa.Port)
}
