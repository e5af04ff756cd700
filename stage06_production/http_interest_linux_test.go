//go:build linux

// These tests pin what the HTTP future registers for, which depends on
// whether the handshake is over when the request is written. On Linux
// loopback it always is, unless the server's accept queue is full; that is
// how the second case is made on purpose. Other systems treat a listen
// backlog of 0 differently, so the tests run on Linux only.

package main

import (
	"bufio"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// stalledListener listens on a loopback port with an accept queue of one
// and fills it with a connection nobody accepts, so the kernel drops the
// next SYN: a client connecting now stays in the middle of its handshake
// until the queue has room again and its SYN is sent once more (after about
// a second). It returns the listener and the connection that fills it.
func stalledListener(t *testing.T) (net.Listener, net.Conn) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	file := os.NewFile(uintptr(fd), "stalled listener")
	defer file.Close() // net.FileListener keeps a copy of its own
	require.NoError(t, unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, unix.Listen(fd, 0))
	ln, err := net.FileListener(file)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	filler, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	require.NoError(t, err, "the first connection fits in the queue")
	t.Cleanup(func() { _ = filler.Close() })
	return ln, filler
}

func TestHTTPGetRegistersForReadingOnlyOnceTheRequestIsSent(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := client.Get("/200/x")
	t.Cleanup(func() { _ = f.Close() })

	require.False(t, f.Poll(testWaker(1)).Ready, "the server waits 200ms, so the first poll must be pending")

	assert.Equal(t, httpReading, f.state, "on loopback the handshake is over when connect returns: the first poll must send the whole request")
	assert.Equal(t, Readable, reactor.interests[1],
		"once the request is sent the future waits only for the answer: registered for Writable too, it would be woken at once for nothing")
}

func TestHTTPGetRegistersForWritingWhileTheHandshakeIsPending(t *testing.T) {
	ln, _ := stalledListener(t)
	reactor := &fakeReactor{}
	client := &HTTPClient{Target: stagetest.Target(t, ln.Addr().String()), Reactor: reactor}
	f := client.Get("/0/x")
	t.Cleanup(func() { _ = f.Close() })

	require.False(t, f.Poll(testWaker(1)).Ready, "the handshake cannot finish while the server's queue is full")

	assert.Equal(t, httpWriting, f.state, "a write on a socket still connecting says EAGAIN: the request is still to be sent")
	assert.Equal(t, Readable|Writable, reactor.interests[1],
		"the end of the handshake shows as the socket becoming writable, so the future must ask for Writable")
}

func TestHTTPGetSendsTheRequestOnceALateHandshakeEnds(t *testing.T) {
	ln, filler := stalledListener(t)
	f := getFrom(t, ln.Addr().String(), "/0/x", nil)
	require.False(t, f.Poll(testWaker(1)).Ready)
	require.Equal(t, httpWriting, f.state)

	// Make room in the queue; the client's SYN is sent again and accepted.
	first, err := ln.Accept()
	require.NoError(t, err)
	require.NoError(t, first.Close())
	require.NoError(t, filler.Close())
	served := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer conn.Close()
		if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
			served <- err
			return
		}
		_, err = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate"))
		served <- err
	}()

	p := pollToEnd(t, f)

	require.NoError(t, p.Err)
	assert.Equal(t, "late", p.Value, "the request must go out once the handshake ends, and the answer be read")
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the test's server did not finish")
	}
}
