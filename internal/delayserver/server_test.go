package delayserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// TestMain fails the run if a test leaves a goroutine behind or a
// connection open.
func TestMain(m *testing.M) {
	leakcheck.Main(m)
}

// startServer starts a quiet server on a free port and stops it when the
// test ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	srv, err := Start(cfg)
	require.NoError(t, err, "Start on a free loopback port")
	t.Cleanup(func() { srv.Close() })
	return srv
}

// get sends one request with a client that does not reuse connections, so
// no idle connection outlives the test.
func get(t *testing.T, srv *Server, method, path string) (int, string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	req, err := http.NewRequest(method, "http://"+srv.Addr()+path, nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestAnswersTheMessageAfterTheDelay(t *testing.T) {
	srv := startServer(t, Config{})
	start := time.Now()
	status, body := get(t, srv, http.MethodGet, "/200/HelloWorld")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "HelloWorld", body)
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "the answer must wait out the delay")
}

func TestDecodesTheMessage(t *testing.T) {
	srv := startServer(t, Config{})
	_, body := get(t, srv, http.MethodGet, "/0/Hello%20async%2Fawait")
	assert.Equal(t, "Hello async/await", body, "an encoded slash belongs to the message")
}

func TestHeadAnswersWithoutBody(t *testing.T) {
	srv := startServer(t, Config{})
	status, body := get(t, srv, http.MethodHead, "/0/hello")
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, body)
}

func TestRejectsBadRequests(t *testing.T) {
	srv := startServer(t, Config{MaxDelay: time.Second})
	cases := []struct {
		method, path string
		status       int
		reason       string
	}{
		{http.MethodGet, "/abc/hello", http.StatusBadRequest, "not a whole number"},
		{http.MethodGet, "/-5/hello", http.StatusBadRequest, "not a whole number"},
		{http.MethodGet, "/1.5/hello", http.StatusBadRequest, "not a whole number"},
		{http.MethodGet, "/1001/hello", http.StatusBadRequest, "over the maximum"},
		{http.MethodGet, "/99999999999999999999999/hello", http.StatusBadRequest, "not a whole number"},
		{http.MethodGet, "/", http.StatusNotFound, "/{delay_ms}/{message}"},
		{http.MethodGet, "/100", http.StatusNotFound, "/{delay_ms}/{message}"},
		{http.MethodGet, "/100/", http.StatusNotFound, "/{delay_ms}/{message}"},
		{http.MethodGet, "/100/a/b", http.StatusNotFound, "/{delay_ms}/{message}"},
		{http.MethodPost, "/0/hello", http.StatusMethodNotAllowed, "not allowed"},
		{http.MethodDelete, "/0/hello", http.StatusMethodNotAllowed, "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.method+c.path, func(t *testing.T) {
			status, body := get(t, srv, c.method, c.path)
			assert.Equal(t, c.status, status)
			assert.Contains(t, body, c.reason)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(body), "\n")+1, "the reason is one line: %q", body)
		})
	}
}

func TestLogsOneLinePerRequestInArrivalOrder(t *testing.T) {
	var log syncbuf.Buffer
	srv := startServer(t, Config{Log: &log})
	get(t, srv, http.MethodGet, "/0/first")
	get(t, srv, http.MethodGet, "/10/second%20one")
	assert.Equal(t, "#1 - 0ms: first\n#2 - 10ms: second one\n", log.String())
	assert.Equal(t, uint64(2), srv.Requests())
}

func TestConcurrentRequestsOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	// Sized for the race detector's goroutine limit and a 2-core machine;
	// larger loads belong to the sweep, which measures them.
	const n = 1000
	srv := startServer(t, Config{})
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- rawGet(srv.Addr(), fmt.Sprintf("/1000/m%d", i), fmt.Sprintf("m%d", i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// One after another, the requests would take n seconds. The bound is
	// far below that and far above what a busy 2-core machine running other
	// tests under the race detector needs for the overlapping requests.
	elapsed := time.Since(start)
	assert.Less(t, elapsed, n*time.Second/10, "%d requests of 1 s each run concurrently, not one after another", n)
	assert.Equal(t, uint64(n), srv.Requests())
}

// rawGet makes one request on its own connection and checks the body.
func rawGet(addr, path, want string) error {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if string(body) != want {
		return fmt.Errorf("%s: body %q, want %q", path, body, want)
	}
	return nil
}

func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	var log syncbuf.Buffer
	srv := startServer(t, Config{Log: &log})
	done := make(chan error, 1)
	go func() { done <- rawGet(srv.Addr(), "/300/late", "late") }()
	require.Eventually(t, func() bool { return srv.Requests() == 1 }, 5*time.Second, 5*time.Millisecond, "the request should reach the server")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	assert.NoError(t, <-done, "a request in flight is answered before the server stops")
	_, err := net.DialTimeout("tcp", srv.Addr(), time.Second)
	assert.Error(t, err, "a stopped server accepts no connection")
}

func TestCloseDropsSleepingRequestsAtOnce(t *testing.T) {
	srv := startServer(t, Config{})
	done := make(chan error, 1)
	go func() { done <- rawGet(srv.Addr(), "/60000/never", "never") }()
	require.Eventually(t, func() bool { return srv.Requests() == 1 }, 5*time.Second, 5*time.Millisecond)
	start := time.Now()
	require.NoError(t, srv.Close())
	assert.Error(t, <-done, "the client sees the connection end without an answer")
	assert.Less(t, time.Since(start), 5*time.Second, "Close must not wait out a 60 s delay")
}

func TestStartReportsABusyAddress(t *testing.T) {
	srv := startServer(t, Config{})
	_, err := Start(Config{Addr: srv.Addr()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.Addr())
}

func TestParsePath(t *testing.T) {
	d, msg, err := ParsePath("/1500/a%20b", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1500*time.Millisecond, d)
	assert.Equal(t, "a b", msg)

	_, _, err = ParsePath("/1/%zz", time.Minute)
	assert.ErrorContains(t, err, "URL encoding")
}
