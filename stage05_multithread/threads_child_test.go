//go:build linux || darwin || freebsd

package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// shellChild is a Command that runs a shell script instead of the real
// child, to play a child that dies in a chosen way.
func shellChild(script string) func([]byte) (*exec.Cmd, error) {
	return func([]byte) (*exec.Cmd, error) { return exec.Command("sh", "-c", script), nil }
}

func TestThreadsChildRunsThePlanAndReportsItsFigures(t *testing.T) {
	tgt, srv := startServer(t)
	p := Plan{Executors: 2, Requests: 5, Delay: 300 * time.Millisecond, FixedDelay: true}
	var out syncbuf.Buffer
	r := NewResults(&out, false)
	var stderr bytes.Buffer
	launcher := ThreadsLauncher{Command: reexecCommand, Stderr: &stderr, Timeout: time.Minute}

	f, err := launcher.Run(tgt, p, goDefaultMaxThreads, r)

	require.NoError(t, err)
	assert.Equal(t, 10, r.OK(), "first failure: %v", r.FirstError())
	assert.EqualValues(t, 10, srv.Requests())
	assert.Contains(t, out.String(), "executor 1, request 4: HelloWorld4\n", "the parent prints what the child relays")
	assert.GreaterOrEqual(t, f.Wall, 300*time.Millisecond, "no response can come before its delay")
	assert.Positive(t, f.CPU)
	assert.Positive(t, f.PeakRSSKB)
	assert.GreaterOrEqual(t, f.OSThreads, p.Total(), "the child blocks one thread per request")
	assert.Empty(t, stderr.String())
}

func TestThreadsChildThatExceedsGosThreadLimitIsReportedInOneLine(t *testing.T) {
	// A real crash, cheaply: the child's Go thread limit is set below what
	// ten blocked requests need, so its runtime dies with "thread exhaustion".
	tgt, _ := startServer(t)
	p := Plan{Executors: 2, Requests: 5, Delay: 300 * time.Millisecond, FixedDelay: true}
	launcher := ThreadsLauncher{Command: reexecCommand, Timeout: time.Minute}

	_, err := launcher.Run(tgt, p, 6, NewResults(nil, true))

	requireOneLine(t, err, "threads mode: the child process died", "program exceeds 6-thread limit", "-max-threads")
	assert.NotContains(t, err.Error(), "goroutine ", "no stack trace in the message")
}

func TestThreadsChildRefusedAThreadNamesThisSystemsLimits(t *testing.T) {
	launcher := ThreadsLauncher{
		Command: shellChild(`printf 'runtime: failed to create new OS thread (have 77 already; errno=35)\nfatal error: newosproc\n' >&2
exit 2`),
		Timeout: time.Minute,
	}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "the OS refused more threads", osThreadSuspects())
}

func TestThreadsChildRefusedAThreadByPthreadCreate(t *testing.T) {
	launcher := ThreadsLauncher{
		Command: shellChild(`echo 'runtime/cgo: pthread_create failed: Resource temporarily unavailable' >&2
echo 'SIGABRT: abort' >&2
kill -ABRT $$`),
		Timeout: time.Minute,
	}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "pthread_create failed: Resource temporarily unavailable", "the OS refused more threads")
	assert.NotContains(t, err.Error(), "SIGABRT")
}

func TestThreadsChildKilledBySignalSaysSo(t *testing.T) {
	launcher := ThreadsLauncher{Command: shellChild(`kill -KILL $$`), Timeout: time.Minute}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "the child process died", "killed by signal killed", "out of memory")
}

func TestThreadsChildResponsesBeforeItDiedAreCounted(t *testing.T) {
	launcher := ThreadsLauncher{
		Command: shellChild(`echo '{"kind":"done","executor":0,"index":0,"body":"HelloWorld0"}'
echo '{"kind":"fail","executor":0,"index":1,"err":"connect: connection refused"}'
echo 'something odd happened' >&2
exit 3`),
		Timeout: time.Minute,
	}
	r := NewResults(nil, true)

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 5}, goDefaultMaxThreads, r)

	requireOneLine(t, err, "the child process died", "exit status 3", "something odd happened")
	assert.Equal(t, 1, r.OK())
	assert.Equal(t, 1, r.Failed())
}

func TestThreadsChildThatReportsTooFewResponsesIsAnError(t *testing.T) {
	launcher := ThreadsLauncher{
		Command: shellChild(`echo '{"kind":"done","executor":0,"index":0,"body":"x"}'
echo '{"kind":"figures","figures":{"wall":1,"cpu":1,"peak_rss_kb":1,"os_threads":1}}'`),
		Timeout: time.Minute,
	}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 2}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "reported 1 of 2 responses")
}

func TestThreadsChildThatExitsWithoutFiguresIsAnError(t *testing.T) {
	launcher := ThreadsLauncher{Command: shellChild(`exit 0`), Timeout: time.Minute}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "exited without reporting its figures")
}

func TestThreadsChildThatHangsIsKilled(t *testing.T) {
	// exec, so that killing the shell kills the sleep that holds the pipe.
	launcher := ThreadsLauncher{Command: shellChild(`exec sleep 60`), Timeout: 200 * time.Millisecond}

	start := time.Now()
	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err, "did not finish within 200ms and was killed")
	assert.Less(t, time.Since(start), 30*time.Second)
}

func TestThreadsChildWithABadJobExplains(t *testing.T) {
	var out bytes.Buffer
	status := threadsChildMain("{not json", &out)
	assert.Equal(t, 1, status)
	assert.Contains(t, out.String(), `"kind":"error"`)
	assert.Contains(t, out.String(), "bad job")
}

func TestHeadBufferKeepsOnlyTheHead(t *testing.T) {
	h := &headBuffer{limit: 10}
	n, err := h.Write([]byte("0123456"))
	assert.NoError(t, err)
	assert.Equal(t, 7, n)
	n, err = h.Write([]byte("789abcdef"))
	assert.NoError(t, err)
	assert.Equal(t, 9, n, "a write is never refused, so the child never blocks")
	assert.Equal(t, "0123456789", string(h.Bytes()))
	assert.False(t, strings.Contains(string(h.Bytes()), "a"))
}
