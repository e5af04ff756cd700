//go:build linux || darwin || freebsd

// These tests check the trace lines that stage 04's exercise bodies write
// (e.trace.…, r.trace.…): what `-trace` shows of your runtime is what those
// lines record.

package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// ofKind keeps the events of the given kinds in a stagetest.Story.
func ofKind(kinds ...trace.Kind) func(trace.Event) bool {
	return func(e trace.Event) bool {
		for _, k := range kinds {
			if e.Kind == k {
				return true
			}
		}
		return false
	}
}

func TestSpawnAndBlockOnRecordEachSpawnAndParkForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	out := &syncBuffer{}
	e := NewExecutor("main", out)
	wakers := make(chan Waker, 1)
	done := blockOnWithDeadline(t, e, spawningMain(e, pendingUntilWoken(wakers)))
	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
	tr := rec.Stop()

	assert.Equal(t, []string{
		"executor main: spawn task 1",
		"executor main: poll task 1 -> ready",
		"executor main: spawn task 2",
		"executor main: poll task 2 -> pending",
		"executor main: park",
		"executor main: poll task 2 -> ready",
	}, stagetest.Story(tr, ofKind(trace.Spawn, trace.Poll, trace.Park)),
		"Spawn records each task joining the executor once it has its id (e.trace.Spawns(e.lastID)), main included; BlockOn records every park as a span: e.trace.Parks() just before e.parker.Park(), e.trace.Unparked() just after")
}

func TestReactorRecordsRegistrationsWaitsAndWakesForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	r := newTestReactor(t)
	fd, w := stagetest.NewPipe(t)
	id := r.NextID()
	waker := testWaker(4)
	require.NoError(t, r.SetWaker(id, waker))
	require.NoError(t, r.Register(fd, id))
	writeByte(t, w)
	waitWoken(t, waker)
	tr := rec.Stop()

	assert.Equal(t, []string{fmt.Sprintf("reactor: register fd %d as registration %d (readable|writable)", fd, id)},
		stagetest.Story(tr, ofKind(trace.Register)),
		`Register records what it asks the poller for: r.trace.Registers(fd, id, "readable|writable")`)
	story := stagetest.Story(tr, ofKind(trace.Wait, trace.Wake))
	woke := -1
	for i, line := range story {
		if line == "reactor: wake task 4" {
			woke = i
		}
	}
	require.NotEqual(t, -1, woke, "the reactor's wake of the task must be in the trace; got %q", story)
	require.Positive(t, woke, "a wait in the poller must come before the wake: r.trace.WaitBegins() and r.trace.WaitEnds(n, err) around the poller's wait in eventLoop; got %q", story)
	assert.Equal(t, "reactor: wait -> 1 events", story[woke-1],
		"the wake follows the wait that brought its event, with the number of events it returned; got %q", story)
}
