// End-to-end tests of `go run ./delayserver`: it says how to use it, answers
// the documented statuses, and stops cleanly on Ctrl-C.

package tests

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listeningLine is the first line the server prints; it carries the port
// the kernel picked for -addr 127.0.0.1:0.
var listeningLine = regexp.MustCompile(`^delay server listening on http://(127\.0\.0\.1:\d+)$`)

// serverCommand is `delayserver` running as a child process, with its
// stdout read line by line.
type serverCommand struct {
	cmd   *exec.Cmd
	lines chan string // closed when stdout ends
}

// startServerCommand runs the delay server binary with args; it is killed
// when the test ends if it is still running.
func startServerCommand(t *testing.T, args ...string) *serverCommand {
	t.Helper()
	bin := stageBinary(t, "delayserver")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 2 * time.Second
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	s := &serverCommand{cmd: cmd, lines: make(chan string, 64)}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	return s
}

// next is the server's next line of output; the test fails if none comes
// within 10 s.
func (s *serverCommand) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-s.lines:
		require.True(t, ok, "the server's output ended early")
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no output from the delay server within 10 s")
		return ""
	}
}

// rest is the output left until the server exits.
func (s *serverCommand) rest() string {
	var rest []string
	for l := range s.lines {
		rest = append(rest, l)
	}
	return strings.Join(rest, "\n")
}

func TestDelayServerCommandAnswersAndStopsOnInterrupt(t *testing.T) {
	srv := startServerCommand(t, "-addr", "127.0.0.1:0")
	cmd := srv.cmd
	next := func() string { return srv.next(t) }

	m := listeningLine.FindStringSubmatch(next())
	require.NotNil(t, m, "the first line says where the server listens")
	addr := m[1]
	assert.Contains(t, next(), "GET /{delay_ms}/{message}", "the start-up text says how requests are formed")

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	status := func(method, path string) (int, string) {
		req, err := http.NewRequest(method, "http://"+addr+path, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, body := status("GET", "/50/Hello%20there")
	assert.Equal(t, 200, code)
	assert.Equal(t, "Hello there", body)
	code, _ = status("GET", "/soon/x")
	assert.Equal(t, 400, code)
	code, _ = status("GET", "/nothing")
	assert.Equal(t, 404, code)
	code, _ = status("POST", "/1/x")
	assert.Equal(t, 405, code)

	// The request lines come before the shutdown lines.
	for {
		l := next()
		if strings.HasPrefix(l, "#") {
			assert.Equal(t, "#1 - 50ms: Hello there", l, "one line per accepted request")
			break
		}
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	rest := srv.rest()
	err := cmd.Wait()
	require.NoError(t, err, "Ctrl-C is a normal way to stop: exit 0\noutput after the signal:\n%s", rest)
	assert.Contains(t, rest, "stopped", "it says that it stopped")
}

func TestDelayServerCommandAnswersAStoppedRequest503(t *testing.T) {
	srv := startServerCommand(t, "-addr", "127.0.0.1:0")
	m := listeningLine.FindStringSubmatch(srv.next(t))
	require.NotNil(t, m, "the first line says where the server listens")
	addr := m[1]

	// A request that outlasts the grace period Ctrl-C gives.
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second)))
	_, err = io.WriteString(conn, "GET /60000/late HTTP/1.1\r\nHost: test\r\n\r\n")
	require.NoError(t, err)
	// Wait for the server's log line: the request is then waiting out its delay.
	for l := srv.next(t); !strings.HasPrefix(l, "#1 - 60000ms: late"); l = srv.next(t) {
	}

	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGINT))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the server answers the request it cuts short before it closes the connection")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a request cut short by the stop must not read as an answer; body %q", body)
	assert.Contains(t, string(body), "stopping", "the 503 says why")
	rest := srv.rest()
	require.NoError(t, srv.cmd.Wait(), "Ctrl-C is a normal way to stop: exit 0\n%s", rest)
	assert.Contains(t, rest, "answered 503", "it says what happened to the requests still waiting")
}

func TestDelayServerCommandRefusesAPublicAddress(t *testing.T) {
	bin := stageBinary(t, "delayserver")
	out, err := exec.Command(bin, "-addr", "0.0.0.0:0").CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "%s", out)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(string(out)), "\n")+1, "one line: %q", out)
	assert.Contains(t, string(out), "-public")
}
