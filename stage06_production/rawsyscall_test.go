//go:build linux || darwin || freebsd

// Tests for the four socket calls of the HTTP future (rawsyscall_linux.go,
// rawsyscall_bsd.go): each one against the kernel, with the answers the
// future depends on. The raw calls skip Go's bookkeeping, not the kernel, so
// they must give exactly what unix.Connect, unix.Write, unix.Read and
// unix.Close give.

package main

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// connectRaw opens a non-blocking socket, starts connecting it to addr with
// rawConnect, and returns the socket with rawConnect's answer. The test's
// cleanup closes the socket.
func connectRaw(t *testing.T, addr netip.AddrPort) (int, error) {
	t.Helper()
	domain := unix.AF_INET
	if !addr.Addr().Is4() {
		domain = unix.AF_INET6
	}
	fd, err := newSocket(domain)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fd) })
	return fd, rawConnect(fd, addr)
}

// acceptWithin accepts one connection on ln, or fails the test after a
// generous deadline.
func acceptWithin(t *testing.T, ln *net.TCPListener) *net.TCPConn {
	t.Helper()
	require.NoError(t, ln.SetDeadline(time.Now().Add(5*time.Second)))
	conn, err := ln.AcceptTCP()
	require.NoError(t, err, "the listener never saw the connection rawConnect started")
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestRawConnectReachesTheListenerOnItsAddressAndPort(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			host := "127.0.0.1"
			if network == "tcp6" {
				host = "[::1]"
			}
			l, err := net.Listen(network, host+":0")
			if network == "tcp6" && err != nil {
				t.Skipf("no IPv6 loopback here: %v", err)
			}
			require.NoError(t, err)
			ln := l.(*net.TCPListener)
			t.Cleanup(func() { ln.Close() })

			fd, err := connectRaw(t, ln.Addr().(*net.TCPAddr).AddrPort())
			if err != nil {
				// A non-blocking connect may only have started.
				require.ErrorIs(t, err, unix.EINPROGRESS)
			}
			conn := acceptWithin(t, ln)

			// The port byte order is the part a hand-built sockaddr gets wrong:
			// the listener's peer must be the very socket that connected.
			local, err := unix.Getsockname(fd)
			require.NoError(t, err)
			peer := conn.RemoteAddr().(*net.TCPAddr).AddrPort()
			switch sa := local.(type) {
			case *unix.SockaddrInet4:
				assert.Equal(t, int(peer.Port()), sa.Port)
			case *unix.SockaddrInet6:
				assert.Equal(t, int(peer.Port()), sa.Port)
			default:
				t.Fatalf("getsockname gave %T", local)
			}
		})
	}
}

func TestRawConnectToAClosedPortIsRefused(t *testing.T) {
	addr := netip.MustParseAddrPort(stagetest.ClosedPort(t))
	fd, err := connectRaw(t, addr)
	if err == nil || errors.Is(err, unix.EINPROGRESS) {
		// The refusal arrives after the call: it is then the socket's
		// pending error, which the future learns from its first write.
		_, err = rawWrite(fd, []byte("GET"))
		deadline := time.Now().Add(5 * time.Second)
		for errors.Is(err, unix.EAGAIN) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
			_, err = rawWrite(fd, []byte("GET"))
		}
	}
	assert.ErrorIs(t, err, unix.ECONNREFUSED)
}

// socketPairToClose is newSocketPair for a test that closes the second end
// b itself, with closeB (rawClose underneath). The cleanup closes b only if
// the test did not get that far: closing an fd twice could close a socket
// of another test that has been given the same number in between.
func socketPairToClose(t *testing.T) (a, b int, closeB func() error) {
	t.Helper()
	a, b = openSocketPair(t)
	closed := false
	t.Cleanup(func() {
		_ = unix.Close(a)
		if !closed {
			_ = unix.Close(b)
		}
	})
	return a, b, func() error {
		closed = true
		return rawClose(b)
	}
}

func TestRawWriteAndReadCarryBytesAndSayEAGAINAndEOF(t *testing.T) {
	a, b, closeB := socketPairToClose(t)

	buf := make([]byte, 16)
	_, err := rawRead(a, buf)
	assert.ErrorIs(t, err, unix.EAGAIN, "a non-blocking read with nothing there must say EAGAIN, not wait")

	n, err := rawWrite(b, []byte("hello"))
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = rawRead(a, buf)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf[:n]))

	n, err = rawWrite(b, nil)
	require.NoError(t, err, "an empty write is allowed and writes nothing")
	assert.Zero(t, n)

	require.NoError(t, closeB(), "rawClose")
	n, err = rawRead(a, buf)
	require.NoError(t, err)
	assert.Zero(t, n, "once the peer is closed, a read gives 0 bytes: EOF")
}

func TestRawWriteSaysEAGAINWhenTheSendBufferIsFull(t *testing.T) {
	a, _ := newSocketPair(t)
	chunk := make([]byte, 64<<10)
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		_, err = rawWrite(a, chunk)
	}
	assert.ErrorIs(t, err, unix.EAGAIN, "nobody reads the other end, so the buffer must fill and the write refuse to wait")
}
