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
	}, stagetest.Story(tr, stagetest.OfKind(trace.Spawn, trace.Poll, trace.Park)),
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
		stagetest.Story(tr, stagetest.OfKind(trace.Register)),
		`Register records what it asks the poller for: r.trace.Registers(fd, id, "readable|writable")`)
	stagetest.WakeAfterItsWait(t, stagetest.Story(tr, stagetest.OfKind(trace.Wait, trace.Wake)), "reactor: wake task 4", "reactor: wait -> 1 events")
}
