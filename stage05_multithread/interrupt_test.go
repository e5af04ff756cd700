//go:build linux || darwin || freebsd

// Tests for Ctrl-C. A SIGINT ends the run's context (signal.NotifyContext
// in main); these tests end that context themselves, which is exactly what
// the signal handler does, and check what follows: every mode stops, every
// socket is closed, nothing unfinished is counted as failed, and the summary
// says the run was interrupted.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// runUntilInFlight starts mode on its own goroutine, waits until the server
// has accepted n connections (every request is in flight), then ends the
// context as Ctrl-C would, and returns how long the mode took to return
// after that, and its error.
func runUntilInFlight(t *testing.T, srv *silentServer, n int, mode func(ctx context.Context) error) (time.Duration, error) {
	t.Helper()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	done := make(chan error, 1)
	go func() { done <- mode(ctx) }()
	require.Eventually(t, func() bool { return srv.accepted.Load() == int32(n) }, generous, time.Millisecond,
		"all %d requests must be in flight before the interrupt; the server accepted %d", n, srv.accepted.Load())

	interrupt()
	start := time.Now()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(generous):
		t.Fatalf("the run did not stop within %s of the interrupt", generous)
		return 0, nil
	}
}

func TestInterruptStopsEveryInProcessModeAndClosesEverySocket(t *testing.T) {
	modes := map[string]func(context.Context, *silentServer, Plan, *Results) error{
		modeRuntime: func(ctx context.Context, srv *silentServer, p Plan, r *Results) error {
			return runRuntime(ctx, targetFor(t, srv.Addr()), p, r)
		},
		modeRuntime + ", shared reactor": func(ctx context.Context, srv *silentServer, p Plan, r *Results) error {
			p.SharedReactor = true
			return runRuntime(ctx, targetFor(t, srv.Addr()), p, r)
		},
		modeGoroutines: func(ctx context.Context, srv *silentServer, p Plan, r *Results) error {
			return runGoroutinesUntil(ctx, targetFor(t, srv.Addr()), p, r)
		},
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			srv := startSilentServer(t)
			leakcheck.CheckFDs(t)
			var out syncbuf.Buffer
			r := NewResults(&out, false)
			p := Plan{Executors: 2, Requests: 10, FixedDelay: true, Timeout: time.Hour}

			stopped, err := runUntilInFlight(t, srv, p.Total(), func(ctx context.Context) error { return mode(ctx, srv, p, r) })

			require.NoError(t, err, "an interrupted run is not a failed run")
			t.Logf("%s mode returned %v after the interrupt", name, stopped)
			assert.Zero(t, r.OK())
			assert.Zero(t, r.Failed(), "requests stopped by Ctrl-C are unfinished, not failed")
			assert.NotContains(t, out.String(), "FAILED", "no failure line for an interrupted request")
			require.Eventually(t, func() bool { return srv.closed.Load() == int32(p.Total()) }, generous, time.Millisecond,
				"the server must see every connection closed; it saw %d of %d", srv.closed.Load(), p.Total())
		})
	}
}

func TestInterruptRuntimeClosesTheReactorAndMarksTheRun(t *testing.T) {
	srv := startSilentServer(t)
	leakcheck.CheckFDs(t)
	reactor, err := NewReactor()
	require.NoError(t, err)
	client := &HTTPClient{Target: targetFor(t, srv.Addr()), Reactor: reactor}
	f := WithTimeout[string](client.Get("/0/x"), time.Hour, reactor)
	w := testWaker(1)
	require.False(t, f.Poll(w).Ready)
	report := &interruptibleReporter{Reporter: &fakeReporter{}}

	interruptRuntime(reactor, report)

	assert.True(t, report.interrupted.Load())
	assert.True(t, reactor.Stopped(), "the reactor must be closed")
	waitWoken(t, w, "closing the reactor must wake the waiting request")
	p := f.Poll(w)
	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, ErrReactorClosed)
	assert.Zero(t, reactor.PendingTimers(), "the request's timer went with the reactor")
	require.Eventually(t, func() bool { return srv.closed.Load() == 1 }, generous, time.Millisecond, "the request's socket must be closed")
}

func TestInterruptibleReporterDropsOnlyTheFailuresTheInterruptCaused(t *testing.T) {
	inner := &fakeReporter{}
	r := &interruptibleReporter{Reporter: inner}

	r.Fail(0, 1, fmt.Errorf("GET /x: %w", ErrReactorClosed))
	r.interrupted.Store(true)
	r.Fail(0, 2, fmt.Errorf("GET /x: %w", ErrReactorClosed))
	r.Fail(0, 3, errors.New("connection refused"))
	r.Done(0, 4, "body")

	assert.Equal(t, []string{
		"fail 0/1: GET /x: the reactor is closed",
		"fail 0/3: connection refused",
		"done 0/4: body",
	}, inner.outcomes, "before the interrupt a closed reactor is a failure; after it, only the unrelated failures count")
}

func TestRunInterruptedPrintsTheSummaryAndSaysHowManyWereUnfinished(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			srv := startSilentServer(t)
			leakcheck.CheckFDs(t)
			var stdout, stderr bytes.Buffer
			args := []string{"-mode", mode, "-executors", "2", "-requests", "3", "-delay", "0s", "-json", "-addr", srv.Addr()}

			stopped, err := runUntilInFlight(t, srv, 6, func(ctx context.Context) error { return run(ctx, args, &stdout, &stderr) })

			require.ErrorIs(t, err, errInterrupted, "an interrupted run exits with 130; stderr: %s", stderr.String())
			t.Logf("%s mode: run returned %v after the interrupt", mode, stopped)
			var summary Summary
			require.NoError(t, json.Unmarshal([]byte(lastLine(stdout.String())), &summary), "the summary is printed last: %q", stdout.String())
			assert.True(t, summary.Interrupted, "the summary must say the run was interrupted")
			assert.Equal(t, 6, summary.Unfinished, "every request was still waiting")
			assert.Zero(t, summary.OK)
			assert.Zero(t, summary.Failed)
			require.Eventually(t, func() bool { return srv.closed.Load() == 6 }, generous, time.Millisecond,
				"the server must see every connection closed; it saw %d of 6", srv.closed.Load())
		})
	}
}

func TestInterruptedSummaryLineSaysSo(t *testing.T) {
	s := Summary{Mode: "runtime", Executors: 2, Requests: 10, OK: 3, Failed: 1, Unfinished: 6, Interrupted: true}
	var out bytes.Buffer

	require.NoError(t, s.Print(&out, false))

	assert.Contains(t, out.String(), "runtime: 10 requests (2 executors × 5), INTERRUPTED (Ctrl-C): 3 ok, 1 failed, 6 unfinished in ")
}

func TestSummaryLineSaysUnknownPeaksRatherThanZero(t *testing.T) {
	stopped := Summary{Mode: "threads", Executors: 1, Requests: 10, Unfinished: 10, Interrupted: true, WallMS: 1500, CPUMS: 40}
	measured := stopped
	measured.PeakRSSKB, measured.OSThreads = 20480, 12
	var a, b bytes.Buffer

	require.NoError(t, stopped.Print(&a, false))
	require.NoError(t, measured.Print(&b, false))

	assert.Contains(t, a.String(), "peak RSS and OS threads unknown", "a child stopped by Ctrl-C never reported its peaks: 0 would read as a measurement")
	assert.NotContains(t, a.String(), "peak RSS 0.0 MB")
	assert.Contains(t, b.String(), "peak RSS 20.0 MB, peak OS threads 12")
	assert.Contains(t, a.String(), "threads: 10 requests (1 executor × 10),", "one executor, singular")
}
