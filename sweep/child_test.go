//go:build linux

// child_test.go checks that every way a stage 05 child can end becomes the
// right Run: figures when it measured itself, otherwise the one-line reason.
// The child is this test binary playing a fake stage 05 (fake_test.go).

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChildArgsAskStage05ForOneRunWithJSON(t *testing.T) {
	c := ChildRunner{ServerAddr: "127.0.0.1:4000", Delay: time.Second, Executors: 2}

	assert.Equal(t,
		[]string{"-mode", "goroutines", "-executors", "2", "-requests", "500", "-delay", "1s", "-quiet", "-json", "-addr", "127.0.0.1:4000"},
		c.Args(Job{Mode: "goroutines", Requests: 1000}))
}

func TestChildArgsRaiseGosThreadLimitOnlyWhenTheThreadsModeNeedsIt(t *testing.T) {
	c := ChildRunner{ServerAddr: "127.0.0.1:4000", Delay: time.Second, Executors: 2}

	assert.NotContains(t, c.Args(Job{Mode: "threads", Requests: 5000}), "-max-threads", "5,000 threads fit Go's default limit")
	args := c.Args(Job{Mode: "threads", Requests: 10000})
	require.Contains(t, args, "-max-threads")
	limit, err := strconv.Atoi(args[len(args)-1])
	require.NoError(t, err)
	assert.GreaterOrEqual(t, limit, 10000+20, "one thread per request and the runtime's own (stage 05 estimates 2 per CPU + 16)")
	assert.NotContains(t, c.Args(Job{Mode: "goroutines", Requests: 10000}), "-max-threads", "only the threads mode takes -max-threads")

	c.MaxThreads = 300
	assert.Equal(t, []string{"-max-threads", "300"}, c.Args(Job{Mode: "threads", Requests: 100})[12:], "an explicit -max-threads is passed as given")
}

func TestChildRunRecordsTheFiguresOfAGoodRun(t *testing.T) {
	run, err := fakeRunner(t, fakeOK).Run(context.Background(), Job{Mode: "goroutines", Requests: 100, Round: 2})

	require.NoError(t, err)
	assert.Equal(t, StatusOK, run.Status)
	assert.True(t, run.Measured)
	assert.Equal(t, Job{Mode: "goroutines", Requests: 100, Round: 2}, run.Job)
	assert.Equal(t, 2, run.Executors)
	assert.Equal(t, time.Second, run.Delay)
	assert.Equal(t, int64(1100), run.WallMS, "the fake reports 1000 + requests")
	assert.Equal(t, int64(10), run.CPUMS)
	assert.Equal(t, int64(8100), run.PeakRSSKB)
	assert.Equal(t, 6, run.OSThreads)
	assert.Equal(t, 100, run.OK)
	assert.Zero(t, run.Failed)
	assert.Empty(t, run.Error)
}

func TestChildRunRecordsARefusalWithStage05sReason(t *testing.T) {
	run, err := fakeRunner(t, fakeRefuseThreads).Run(context.Background(), Job{Mode: "threads", Requests: 100, Round: 1})

	require.NoError(t, err, "a refused run is a result, not an error of the sweep")
	assert.Equal(t, StatusError, run.Status)
	assert.False(t, run.Measured)
	assert.Equal(t, "threads mode: 100 requests need about 120 OS threads but Go's thread limit is 10000; pass -max-threads 120, or lower -requests/-executors", run.Error,
		"the reason is stage 05's own line, without its program name")
}

func TestChildRunKeepsTheFiguresOfARunWithFailedRequests(t *testing.T) {
	run, err := fakeRunner(t, fakeFailRequests).Run(context.Background(), Job{Mode: "runtime", Requests: 100, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusFailed, run.Status)
	assert.True(t, run.Measured, "the child measured the run although some requests failed")
	assert.Equal(t, 98, run.OK)
	assert.Equal(t, 2, run.Failed)
	assert.Equal(t, "2 of 100 requests failed; first: connect 127.0.0.1:1: connection refused", run.Error)
}

func TestChildRunExplainsACrashByItsFirstLine(t *testing.T) {
	run, err := fakeRunner(t, fakeCrash).Run(context.Background(), Job{Mode: "threads", Requests: 100, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusError, run.Status)
	assert.Equal(t, "exit status 2: runtime: program exceeds 10000-thread limit", run.Error,
		"a Go crash puts its reason first; the stack after it is not the reason")
}

func TestChildRunRefusesASummaryOfSomethingElse(t *testing.T) {
	for behaviour, want := range map[string]string{
		fakeWrongMode: `summary is for mode "elsewhere"`,
		fakeGarbage:   "exit status 0 without a summary or a message",
	} {
		run, err := fakeRunner(t, behaviour).Run(context.Background(), Job{Mode: "goroutines", Requests: 10, Round: 1})

		require.NoError(t, err)
		assert.Equal(t, StatusError, run.Status, behaviour)
		assert.False(t, run.Measured, behaviour)
		assert.Contains(t, run.Error, want, behaviour)
	}
}

func TestChildRunNamesAMissingProgram(t *testing.T) {
	c := fakeRunner(t, fakeOK)
	c.Stage05 = "/nonexistent/stage05"

	run, err := c.Run(context.Background(), Job{Mode: "goroutines", Requests: 10, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusError, run.Status)
	assert.Contains(t, run.Error, "run /nonexistent/stage05")
}

func TestChildRunKillsAHungChildAndItsChildAtTheTimeout(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	c := fakeRunner(t, fakeHang)
	c.Env = append(c.Env, fakePIDFileEnv+"="+pidFile)
	c.Timeout = 2 * time.Second // time to start a process and its child on a busy machine

	run, err := c.Run(context.Background(), Job{Mode: "threads", Requests: 10, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusTimeout, run.Status)
	assert.Equal(t, "killed after -timeout 2s without finishing", run.Error)
	assertAllGone(t, pidFile)
}

func TestChildRunStopsAtOnceWhenTheSweepIsInterrupted(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	c := fakeRunner(t, fakeHang)
	c.Env = append(c.Env, fakePIDFileEnv+"="+pidFile)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan error, 1)
	go func() {
		_, err := c.Run(ctx, Job{Mode: "threads", Requests: 10, Round: 1})
		done <- err
	}()
	require.Eventually(t, func() bool { _, err := os.Stat(pidFile); return err == nil }, 30*time.Second, 10*time.Millisecond,
		"the fake child must start and write its pid file")
	cancel()

	select {
	case err := <-done:
		assert.True(t, errors.Is(err, context.Canceled), "an interrupt is the sweep's error, got %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after the interrupt")
	}
	assertAllGone(t, pidFile)
}

// assertAllGone checks that the processes listed in pidFile (the fake and
// its own child) have ended.
func assertAllGone(t *testing.T, pidFile string) {
	t.Helper()
	data, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pids := strings.Fields(string(data))
	require.Len(t, pids, 2, "the fake writes its pid and its child's")
	for _, p := range pids {
		pid, err := strconv.Atoi(p)
		require.NoError(t, err)
		assert.Eventually(t, func() bool { return processGone(pid) }, 10*time.Second, 10*time.Millisecond,
			"process %d must be killed with its process group", pid)
	}
}
