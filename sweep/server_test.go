//go:build linux || darwin || freebsd

// server_test.go checks starting and stopping the delay server process, with
// the test binary playing a fake server for each way it can behave.

package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseListenLineReadsTheAddress(t *testing.T) {
	addr, err := ParseListenLine("delay server listening on http://127.0.0.1:41234\n")

	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:41234", addr)
}

func TestParseListenLineRefusesOtherLines(t *testing.T) {
	cases := map[string]string{
		"another program": "expected \"delay server listening on http://\"",
		"delay server listening on http://127.0.0.1":      "the delay server's address",
		"delay server listening on http://127.0.0.1:http": "no valid port",
		"delay server listening on http://127.0.0.1:0":    "no valid port",
		// Only parsed, never dialled: 192.0.2.1 is TEST-NET-1.
		"delay server listening on http://192.0.2.1:8080": "only sends load to this machine",
	}
	for line, want := range cases {
		_, err := ParseListenLine(line)
		require.Error(t, err, line)
		assert.Contains(t, err.Error(), want, line)
	}
}

func TestFirstLineWriterHandsOnTheFirstLineOnly(t *testing.T) {
	w := newFirstLineWriter()
	for _, part := range []string{"delay server list", "ening on http://127.0.0.1:5\nask for", " GET\nCtrl-C\n"} {
		n, err := w.Write([]byte(part))
		require.NoError(t, err)
		assert.Equal(t, len(part), n, "the writer takes everything, so the server never blocks")
	}
	assert.Equal(t, "delay server listening on http://127.0.0.1:5", <-w.line)
	assert.Empty(t, w.line, "only the first line is handed on")
}

func TestStartServerReadsTheAddressAndStopStopsIt(t *testing.T) {
	s, err := StartServer(context.Background(), fakeServerOptions(t, fakeServerListen))
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:1", s.Addr)
	gone, _ := s.Exited()
	assert.False(t, gone)
	_, err = s.CPUTime()
	assert.NoError(t, err, "the CPU time of a running server can be read")

	_, err = s.Stop()
	require.NoError(t, err, "the server stops cleanly on SIGINT")
	gone, _ = s.Exited()
	assert.True(t, gone)
	assert.True(t, processGone(s.cmd.Process.Pid))
}

func TestStopKillsAServerThatIgnoresSIGINT(t *testing.T) {
	opts := fakeServerOptions(t, fakeServerStubborn)
	opts.Grace = 200 * time.Millisecond
	s, err := StartServer(context.Background(), opts)
	require.NoError(t, err)

	_, err = s.Stop()

	require.Error(t, err)
	assert.Contains(t, err.Error(), "killed by signal killed")
	assert.True(t, processGone(s.cmd.Process.Pid))
}

func TestStartServerExplainsAServerThatWillNotListen(t *testing.T) {
	// The fakes that say something get long enough to start on a busy
	// machine; the ones that never do, a short wait to run into.
	cases := map[string]struct {
		want string
		wait time.Duration
	}{
		fakeServerDie:       {"ended before it listened (exit status 1): delayserver: listen tcp 127.0.0.1:0: socket: too many open files", 20 * time.Second},
		fakeServerRemote:    {"only sends load to this machine", 20 * time.Second},
		fakeServerSilent:    {"did not say where it listens within 300ms", 300 * time.Millisecond},
		fakeServerNoNewline: {"did not say where it listens within 300ms", 300 * time.Millisecond},
	}
	for behaviour, c := range cases {
		t.Run(behaviour, func(t *testing.T) {
			want := c.want
			opts := fakeServerOptions(t, behaviour)
			opts.StartTimeout = c.wait
			opts.Grace = 5 * time.Second

			s, err := StartServer(context.Background(), opts)

			require.Error(t, err)
			assert.Nil(t, s)
			assert.Contains(t, err.Error(), want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestStartServerNamesAMissingBinary(t *testing.T) {
	_, err := StartServer(context.Background(), ServerOptions{Binary: "/nonexistent/delayserver", MaxConns: 10})

	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "start the delay server /nonexistent/delayserver"), err.Error())
}

func fakeServerOptions(t *testing.T, behaviour string) ServerOptions {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	return ServerOptions{Binary: self, MaxConns: 100, Env: []string{fakeServerEnv + "=" + behaviour}}
}
