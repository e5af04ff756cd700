//go:build linux || darwin || freebsd

// Tests for Ctrl-C. A SIGINT ends the run's context (signal.NotifyContext
// in main); these tests end that context themselves, which is exactly what
// the signal handler does, and check what follows: the run stops with either
// placement of the reactor, every socket is closed, nothing unfinished is
// counted as failed, and the summary says the run was interrupted.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// runUntilInFlight starts run on its own goroutine, waits until the server
// has accepted n connections (every request is in flight), then ends the
// context as Ctrl-C would, and returns how long run took to return after
// that, and its error.
func runUntilInFlight(t *testing.T, srv *silentServer, n int, run func(ctx context.Context) error) (time.Duration, error) {
	t.Helper()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
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

func TestInterruptStopsTheRunAndClosesEverySocket(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(placementName(shared), func(t *testing.T) {
			srv := startSilentServer(t)
			leakcheck.CheckFDs(t)
			var out syncbuf.Buffer
			r := NewResults(&out, false)
			p := Plan{Executors: 2, Requests: 10, FixedDelay: true, Timeout: time.Hour, SharedReactor: shared}

			stopped, err := runUntilInFlight(t, srv, p.Total(), func(ctx context.Context) error {
				return runRuntime(ctx, stagetest.Target(t, srv.Addr()), p, r)
			})

			require.NoError(t, err, "an interrupted run is not a failed run")
			t.Logf("the run returned %v after the interrupt", stopped)
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
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	f := WithTimeout[string](client.Get("/0/x"), time.Hour, reactor)
	w := testWaker(1)
	require.False(t, f.Poll(w).Ready)
	report := &interruptibleReporter{Reporter: &fakeReporter{}}

	interruptRuntime(report, reactor)

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
	for _, shared := range []bool{false, true} {
		t.Run(placementName(shared), func(t *testing.T) {
			srv := startSilentServer(t)
			leakcheck.CheckFDs(t)
			var stdout, stderr bytes.Buffer
			args := []string{"-executors", "2", "-requests", "3", "-delay", "0s", "-addr", srv.Addr()}
			if shared {
				args = append(args, "-reactor", "shared")
			}

			stopped, err := runUntilInFlight(t, srv, 6, func(ctx context.Context) error { return run(ctx, args, &stdout, &stderr) })

			require.ErrorIs(t, err, errInterrupted, "an interrupted run exits with 130; stderr: %s", stderr.String())
			t.Logf("run returned %v after the interrupt", stopped)
			assert.Regexp(t, `^stage06_production: 6 requests \(2 executors × 3\), INTERRUPTED \(Ctrl-C\): 0 ok, 0 failed, 6 unfinished in \d`, lastLine(stdout.String()),
				"the summary is printed last and says that every request was still waiting")
			assert.NotContains(t, stdout.String(), ", request ", "no line for a request that did not finish")
			require.Eventually(t, func() bool { return srv.closed.Load() == 6 }, generous, time.Millisecond,
				"the server must see every connection closed; it saw %d of 6", srv.closed.Load())
		})
	}
}

func TestInterruptedSummaryLineSaysSo(t *testing.T) {
	s := Summary{Plan: Plan{Executors: 2, Requests: 5}, OK: 3, Failed: 1, Interrupted: true, Wall: 1503400 * time.Microsecond}

	assert.Equal(t, "stage06_production: 10 requests (2 executors × 5), INTERRUPTED (Ctrl-C): 3 ok, 1 failed, 6 unfinished in 1.503s", s.String())
}

// placementName names a subtest by where the reactor is.
func placementName(shared bool) string {
	if shared {
		return "shared reactor"
	}
	return "reactor per executor"
}

// markWatcher is a stand-in for a reactor: Close records whether the run was
// already marked as interrupted at that moment, and how often it was called.
type markWatcher struct {
	report       *interruptibleReporter
	closes       atomic.Int32
	markedBefore atomic.Bool
}

// Close implements io.Closer.
func (m *markWatcher) Close() error {
	m.markedBefore.Store(m.report.interrupted.Load())
	m.closes.Add(1)
	return nil
}

func TestInterruptMarksTheRunBeforeClosingAnyReactor(t *testing.T) {
	report := &interruptibleReporter{Reporter: &fakeReporter{}}
	a, b := &markWatcher{report: report}, &markWatcher{report: report}

	interruptRuntime(report, a, b)

	require.Equal(t, int32(1), a.closes.Load(), "interruptRuntime must close the first reactor")
	require.Equal(t, int32(1), b.closes.Load(), "interruptRuntime must close every reactor it is given, not only the first")
	assert.True(t, a.markedBefore.Load() && b.markedBefore.Load(),
		"the run must be marked interrupted before a reactor is closed: a request that fails because of the closing must find the mark, or it is counted as failed instead of unfinished")
	assert.True(t, report.interrupted.Load())
}

func TestInterruptWithNoReactorYetStillMarksTheRun(t *testing.T) {
	report := &interruptibleReporter{Reporter: &fakeReporter{}}

	interruptRuntime(report)

	assert.True(t, report.interrupted.Load(), "an executor that starts after Ctrl-C must find the run marked, and not start")
}

func TestInterruptWakesTheTasksOfEveryDrivenReactor(t *testing.T) {
	// Two executors, each driving its own reactor, each with a task that
	// waits on a Sleep of an hour: only the interrupt can end them.
	report := &interruptibleReporter{Reporter: &fakeReporter{}}
	var reactors []*Reactor
	var results [2]error
	done := make(chan int, 2)
	for i := range 2 {
		r, err := NewDrivenReactor()
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		reactors = append(reactors, r)
		go func() {
			e := NewDrivingExecutor(fmt.Sprintf("executor-%d", i), nil, r)
			sleep := Sleep(r, time.Hour)
			results[i] = e.BlockOn(&funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
				p := sleep.Poll(w)
				if p.Ready && p.Err != nil {
					report.Fail(i, 0, p.Err)
				}
				return p
			}})
			done <- i
		}()
	}
	require.Eventually(t, func() bool { return reactors[0].PendingTimers() == 1 && reactors[1].PendingTimers() == 1 }, generous, time.Millisecond,
		"both tasks must be waiting on their timers before the interrupt")

	interruptRuntime(report, reactors[0], reactors[1])

	for range 2 {
		select {
		case i := <-done:
			assert.Equal(t, ErrReactorClosed, results[i],
				"executor %d: its task must be woken and polled, and fail because its reactor closed (an executor that gives up with tasks left means the task was never woken)", i)
		case <-time.After(generous):
			t.Fatalf("an executor still waits %s after the interrupt: closing its reactor must wake every task waiting on it, timers included", generous)
		}
	}
	assert.Empty(t, report.Reporter.(*fakeReporter).outcomes, "a task stopped by the interrupt is unfinished, not failed")
}
