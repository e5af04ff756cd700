//go:build linux || darwin || freebsd

// sweep_test.go checks the loop over the runs: a failing point is recorded
// and the sweep goes on, the server's CPU is charged to each run, medians
// are printed as each count completes, and the sweep stops when the server
// goes away.

package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServerWatch is a delay server whose CPU time grows by 30 ms each time
// it is read, and which can be made to disappear.
type fakeServerWatch struct {
	mu    sync.Mutex
	cpu   time.Duration
	reads int
	// goneAfter makes Exited say true once CPUTime was read this often
	// (0: never).
	goneAfter int
}

func (f *fakeServerWatch) CPUTime() (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	f.cpu += 30 * time.Millisecond
	return f.cpu, nil
}

func (f *fakeServerWatch) Exited() (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goneAfter > 0 && f.reads >= f.goneAfter {
		return true, "exit status 2: delayserver: out of memory"
	}
	return false, ""
}

func TestSweepRecordsWhereThreadsBreakDownAndGoesOn(t *testing.T) {
	var progress, tables bytes.Buffer
	s := Sweeper{Runner: fakeRunner(t, fakeRefuseThreads), Server: &fakeServerWatch{}, Progress: &progress, Tables: &tables, SettleMax: time.Nanosecond}
	jobs := Schedule([]int{10, 20}, []Approach{{Name: "threads"}, {Name: "goroutines"}}, 1)

	runs, err := s.Sweep(context.Background(), jobs)

	require.NoError(t, err, "a refused run must not stop the sweep")
	require.Len(t, runs, 4, "every job is run")
	for i, r := range runs {
		assert.Equal(t, jobs[i], r.Job, "runs come back in the order of the schedule")
		assert.True(t, r.ServerMeasured)
		assert.Equal(t, int64(30), r.ServerCPUMS, "the server's CPU between the reads before and after the run")
		if r.Approach == "threads" {
			assert.Equal(t, StatusError, r.Status)
			assert.Contains(t, r.Error, "Go's thread limit")
		} else {
			assert.Equal(t, StatusOK, r.Status)
		}
	}
	progressLines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	require.Len(t, progressLines, 4, "one progress line per run:\n%s", progress.String())
	assert.True(t, strings.HasPrefix(progressLines[0], "[1/4] threads, 10 requests, round 1: error"), progressLines[0])
	assert.Contains(t, progressLines[0], "Go's thread limit")
	assert.True(t, strings.HasPrefix(progressLines[1], "[2/4] goroutines, 10 requests, round 1: ok, 10 ok, wall "), progressLines[1])

	out := tables.String()
	assert.Contains(t, out, "10 requests, medians:")
	assert.Contains(t, out, "20 requests, medians:")
	assert.Contains(t, out, "| threads | 20 | — |", "the table shows the refused point without figures")
	assert.Less(t, strings.Index(out, "10 requests, medians:"), strings.Index(out, "20 requests, medians:"))
}

func TestSweepPrintsRatiosToTheGoroutines(t *testing.T) {
	var tables bytes.Buffer
	s := Sweeper{Runner: fakeRunner(t, fakeOK), Server: &fakeServerWatch{}, Progress: &bytes.Buffer{}, Tables: &tables, SettleMax: time.Nanosecond}

	_, err := s.Sweep(context.Background(), Schedule([]int{10}, []Approach{{Name: "stage06_production"}, {Name: "goroutines"}}, 1))

	require.NoError(t, err)
	assert.Regexp(t, `\| stage06_production \| 10 \| \d\.\d\d\d \| \d\.\d\d\d \| \d\.\d\d\d \|  \|`, tables.String(), "a ratio row for each approach but the goroutines")
}

func TestSweepStopsWhenTheServerIsGone(t *testing.T) {
	s := Sweeper{Runner: fakeRunner(t, fakeOK), Server: &fakeServerWatch{goneAfter: 2}, Progress: &bytes.Buffer{}, Tables: &bytes.Buffer{}, SettleMax: time.Nanosecond}

	runs, err := s.Sweep(context.Background(), Schedule([]int{10}, []Approach{{Name: "stage06_production"}, {Name: "goroutines"}}, 2))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "the delay server stopped during the sweep (exit status 2: delayserver: out of memory); 1 of 4 runs were made")
	assert.Len(t, runs, 1, "the runs made before are kept, to be written out")
}

func TestSweepStopsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := Sweeper{Runner: fakeRunner(t, fakeOK), Server: &fakeServerWatch{}, Progress: &bytes.Buffer{}, Tables: &bytes.Buffer{}, SettleMax: time.Nanosecond}

	runs, err := s.Sweep(ctx, Schedule([]int{10}, []Approach{{Name: "goroutines"}}, 1))

	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, runs)
}

// busyThenQuietServer is a delay server whose CPU time grows by 10 ms on
// each of its first busyReads reads and then stays put.
type busyThenQuietServer struct {
	mu        sync.Mutex
	reads     int
	busyReads int
}

func (f *busyThenQuietServer) CPUTime() (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return time.Duration(min(f.reads, f.busyReads)) * 10 * time.Millisecond, nil
}

func (f *busyThenQuietServer) Exited() (bool, string) { return false, "" }

func TestSettleWaitsUntilTheServersCPUStopsMoving(t *testing.T) {
	server := &busyThenQuietServer{busyReads: 5}
	s := Sweeper{Server: server}

	cpu, err := s.settle(context.Background())

	require.NoError(t, err)
	assert.Equal(t, 50*time.Millisecond, cpu, "the reading once the server is quiet")
	assert.Greater(t, server.reads, 5, "it kept reading until the CPU time stood still")
}

func TestSettleGivesUpOnAServerThatNeverGoesQuiet(t *testing.T) {
	s := Sweeper{Server: &fakeServerWatch{}, SettleMax: 300 * time.Millisecond}
	start := time.Now()

	_, err := s.settle(context.Background())

	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "bounded by SettleMax")
}
