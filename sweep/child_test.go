//go:build linux || darwin || freebsd

// child_test.go checks that every way a child can end becomes the right
// Run: the figures measured from outside when it ran the requests,
// otherwise the one-line reason. The child is this test binary playing a
// fake program (fake_test.go).

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChildArgsAskForOneQuietRunOfTheCommonPlan(t *testing.T) {
	c := ChildRunner{ServerAddr: "127.0.0.1:4000", Delay: time.Second, Executors: 2}

	assert.Equal(t,
		[]string{"-executors", "2", "-requests", "500", "-delay", "1s", "-quiet", "-addr", "127.0.0.1:4000"},
		c.Args(Job{Approach: "goroutines", Requests: 1000}))
}

func TestChildArgsPassMaxThreadsOnlyToTheThreadsBaselineAndOnlyWhenGiven(t *testing.T) {
	c := ChildRunner{ServerAddr: "127.0.0.1:4000", Delay: time.Second, Executors: 2}
	assert.NotContains(t, c.Args(Job{Approach: "threads", Requests: 10000}), "-max-threads", "the baseline raises its own limit as far as the run needs")

	c.MaxThreads = 300
	assert.Equal(t, []string{"-max-threads", "300"}, c.Args(Job{Approach: "threads", Requests: 100})[9:], "an explicit -max-threads is passed as given")
	assert.NotContains(t, c.Args(Job{Approach: "stage06_production", Requests: 100}), "-max-threads", "only the threads baseline takes -max-threads")
}

func TestChildRunMeasuresAGoodRunFromOutside(t *testing.T) {
	run, err := fakeRunner(t, fakeOK).Run(context.Background(), Job{Approach: "stage05_multithread", Requests: 100, Round: 2})

	require.NoError(t, err)
	assert.Equal(t, StatusOK, run.Status, run.Error)
	assert.True(t, run.Measured)
	assert.Equal(t, Job{Approach: "stage05_multithread", Requests: 100, Round: 2}, run.Job)
	assert.Equal(t, 2, run.Executors)
	assert.Equal(t, time.Second, run.Delay)
	assert.Equal(t, 100, run.OK)
	assert.Zero(t, run.Failed)
	assert.Empty(t, run.Error)
	// The fake holds its threads for fakeRunFor and touches fakeHeapBytes:
	// the sweep must see both from outside.
	assert.GreaterOrEqual(t, run.WallMS, fakeRunFor.Milliseconds(), "wall time from start to exit")
	assert.GreaterOrEqual(t, run.PeakRSSKB, int64(fakeHeapBytes/1024), "peak RSS from the child's rusage")
	assert.Less(t, run.PeakRSSKB, int64(1<<20), "peak RSS in KiB, not bytes")
	assert.Positive(t, run.CPUMS, "touching 32 MiB takes CPU time")
	if runtime.GOOS == "darwin" {
		assert.False(t, run.ThreadsMeasured, "macOS cannot count another process's threads without cgo")
	} else {
		assert.True(t, run.ThreadsMeasured)
		assert.GreaterOrEqual(t, run.OSThreads, fakeExtraThreads+1, "the sampler sees the fake's locked threads")
	}
}

func TestChildRunRecordsARefusalWithTheProgramsOwnReason(t *testing.T) {
	run, err := fakeRunner(t, fakeRefuseThreads).Run(context.Background(), Job{Approach: "threads", Requests: 100, Round: 1})

	require.NoError(t, err, "a refused run is a result, not an error of the sweep")
	assert.Equal(t, StatusError, run.Status)
	assert.False(t, run.Measured)
	assert.Equal(t, "100 requests need about 120 OS threads, but Go's thread limit (-max-threads) is 10000: pass -max-threads 120 (or 0), or lower -requests or -executors", run.Error,
		"the reason is the program's own line, without its name")
}

func TestChildRunKeepsTheFiguresOfARunWithFailedRequests(t *testing.T) {
	run, err := fakeRunner(t, fakeFailRequests).Run(context.Background(), Job{Approach: "stage06_production", Requests: 100, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusFailed, run.Status)
	assert.True(t, run.Measured, "the run was made although some requests failed")
	assert.Equal(t, 98, run.OK)
	assert.Equal(t, 2, run.Failed)
	assert.Equal(t, "2 of 100 requests failed; 2 of 100 requests failed; the first: executor 0, request 1: connect 127.0.0.1:1: connection refused", run.Error)
}

func TestChildRunExplainsACrashByItsFirstLine(t *testing.T) {
	run, err := fakeRunner(t, fakeCrash).Run(context.Background(), Job{Approach: "threads", Requests: 100, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusError, run.Status)
	assert.Equal(t, "exit status 2: runtime: failed to create new OS thread (have 9000 already; errno=11)", run.Error,
		"a Go crash puts its reason first; the stack after it is not the reason")
}

func TestChildRunRefusesASummaryOfSomethingElse(t *testing.T) {
	for behaviour, want := range map[string]string{
		fakeWrongName: `the summary is of "elsewhere", the run asked for goroutines`,
		fakeGarbage:   "exit status 0 without a summary or a message",
	} {
		run, err := fakeRunner(t, behaviour).Run(context.Background(), Job{Approach: "goroutines", Requests: 10, Round: 1})

		require.NoError(t, err)
		assert.Equal(t, StatusError, run.Status, behaviour)
		assert.False(t, run.Measured, behaviour)
		assert.Contains(t, run.Error, want, behaviour)
	}
}

func TestChildRunNamesAMissingProgram(t *testing.T) {
	c := fakeRunner(t, fakeOK)
	c.Programs["goroutines"] = "/nonexistent/goroutines"

	run, err := c.Run(context.Background(), Job{Approach: "goroutines", Requests: 10, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusError, run.Status)
	assert.Contains(t, run.Error, "start /nonexistent/goroutines")
}

func TestChildRunKillsAHungChildAndItsChildAtTheTimeout(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("telling a zombie from a live process takes Linux's /proc")
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	c := fakeRunner(t, fakeHang)
	c.Env = append(c.Env, fakePIDFileEnv+"="+pidFile)
	c.Timeout = 2 * time.Second // time to start a process and its child on a busy machine

	run, err := c.Run(context.Background(), Job{Approach: "threads", Requests: 10, Round: 1})

	require.NoError(t, err)
	assert.Equal(t, StatusTimeout, run.Status)
	assert.Equal(t, "killed after -run-timeout 2s without finishing", run.Error)
	assertAllGone(t, pidFile)
}

func TestChildRunStopsAtOnceWhenTheSweepIsInterrupted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("telling a zombie from a live process takes Linux's /proc")
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	c := fakeRunner(t, fakeHang)
	c.Env = append(c.Env, fakePIDFileEnv+"="+pidFile)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan error, 1)
	go func() {
		_, err := c.Run(ctx, Job{Approach: "threads", Requests: 10, Round: 1})
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

func TestHeadTailBufferKeepsBothEndsOfALongOutput(t *testing.T) {
	b := &headTailBuffer{limit: 20}
	for _, chunk := range []string{"fatal error: x\n", strings.Repeat("stack\n", 1000), "the summary\n"} {
		n, err := b.Write([]byte(chunk))
		require.NoError(t, err)
		assert.Equal(t, len(chunk), n, "the writer never blocks or fails")
	}
	assert.Equal(t, "fatal erro", string(b.Head()))
	assert.Equal(t, "summary\n", string(b.Tail())[2:])
	assert.Len(t, b.Tail(), 10)
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
