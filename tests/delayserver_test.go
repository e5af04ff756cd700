// End-to-end tests of `go run ./delayserver`: it says how to use it, answers
// the documented statuses, and stops cleanly on Ctrl-C.

package tests

import (
	"bufio"
	"context"
	"io"
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

func TestDelayServerCommandAnswersAndStopsOnInterrupt(t *testing.T) {
	bin := stageBinary(t, "delayserver")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0")
	cmd.WaitDelay = 2 * time.Second
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()

	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() string {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the server's output ended early")
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("no output from the delay server within 10 s")
			return ""
		}
	}

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
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	err = cmd.Wait()
	require.NoError(t, err, "Ctrl-C is a normal way to stop: exit 0\noutput after the signal:\n%s", strings.Join(rest, "\n"))
	assert.Contains(t, strings.Join(rest, "\n"), "stopped", "it says that it stopped")
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
