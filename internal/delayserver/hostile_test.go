package delayserver

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdleClientIsDisconnectedAfterTheHeaderTimeout(t *testing.T) {
	srv := startServer(t, Config{HeaderTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("GET /0/x HTTP/1.1\r\n"))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, 512)
	for {
		// The server may answer 408 before closing; either way the read
		// ends well before our 10 s deadline.
		if _, err = c.Read(buf); err != nil {
			break
		}
	}
	// io.EOF or a reset: anything but our own deadline firing.
	var ne net.Error
	if errors.As(err, &ne) {
		assert.False(t, ne.Timeout(), "the server, not our deadline, should end the connection")
	}
}

func TestOverLongRequestLineGets4xx(t *testing.T) {
	srv := startServer(t, Config{})
	c, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer c.Close()
	long := "/0/" + strings.Repeat("a", 64<<10)
	_, err = fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", long)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.GreaterOrEqual(t, resp.StatusCode, 400)
	assert.Less(t, resp.StatusCode, 500)
}

func TestConnectionsOverTheCapGet503(t *testing.T) {
	srv := startServer(t, Config{MaxConns: 2})
	// Two slow requests hold both slots.
	done := make(chan error, 2)
	for i := range 2 {
		go func() { done <- rawGet(srv.Addr(), fmt.Sprintf("/500/slot%d", i), fmt.Sprintf("slot%d", i)) }()
	}
	require.Eventually(t, func() bool { return srv.Requests() == 2 }, 5*time.Second, 5*time.Millisecond)

	err := rawGet(srv.Addr(), "/0/third", "third")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "over 2 requests served at once")
	assert.Equal(t, uint64(1), srv.Rejected())
	for range 2 {
		assert.NoError(t, <-done, "the requests inside the cap are still answered")
	}
	require.Eventually(t, func() bool { return rawGet(srv.Addr(), "/0/again", "again") == nil }, 5*time.Second, 10*time.Millisecond,
		"once the slots are free, requests are served again")
}

func TestHalfSentRequestsDoNotTakeTheConnectionCap(t *testing.T) {
	const maxConns = 5
	srv := startServer(t, Config{MaxConns: maxConns})
	// Many more clients than the cap send half a request line and go quiet.
	// They are accepted before the whole request below (a listener hands
	// out connections in arrival order), but none of them is being served.
	for range 4 * maxConns {
		c, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = c.Write([]byte("GET /1000/sl"))
		require.NoError(t, err)
	}
	start := time.Now()
	o := readOutcome(sendRaw(t, srv.Addr(), "/0/prompt"))
	require.NoError(t, o.err)
	assert.Equal(t, http.StatusOK, o.status, "a whole request is served while half-sent ones wait; got body %q", o.body)
	assert.Equal(t, "prompt", o.body)
	assert.Less(t, time.Since(start), 5*time.Second, "it must not wait for the header timeout to clear the half-sent ones")
	assert.Equal(t, uint64(0), srv.Rejected())
}
