//go:build linux || darwin || freebsd

// These tests check the trace lines that exercise bodies write (e.trace.…,
// r.trace.…): what `-trace` shows of your runtime is what those lines
// record, and WhyPolled and the hazards read nothing else.

package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

func TestPollReadyRecordsEachPollForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	e := NewExecutor("main", &syncBuffer{})
	giveTask(e, 1, pendingTask())
	giveTask(e, 2, &funcTask{poll: func(int, Waker) Poll[struct{}] { return Ready(struct{}{}) }})
	giveTask(e, 3, &funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](errors.New("refused")) }})
	for id := 1; id <= 3; id++ {
		e.ready.Push(id)
	}
	require.Error(t, e.pollReady())
	tr := rec.Stop()

	assert.Equal(t, []string{
		"executor main: poll task 1 -> pending",
		"executor main: poll task 2 -> ready",
		"executor main: poll task 3 -> error",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Poll)),
		"every poll is a span of the trace with its answer: e.trace.PollBegins(id) just before the task's Poll, e.trace.PollEnds(p.Ready, p.Err) just after")
}

func TestBlockOnRecordsTheSpawnAndEachParkForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	task := pendingUntilWoken(wakers)
	done := blockOnWithDeadline(t, NewExecutor("main", out), task)
	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	go w.Wake()
	require.NoError(t, waitDone(t, done, out))
	tr := rec.Stop()

	assert.Equal(t, []string{
		"executor main: spawn task 1",
		"executor main: poll task 1 -> pending",
		"executor main: park",
		"executor main: poll task 1 -> ready",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Spawn, trace.Poll, trace.Park)),
		"BlockOn records main as task 1 joining the executor (e.trace.Spawns(e.lastID), once it has its id) and every park as a span: e.trace.Parks() just before e.parker.Park(), e.trace.Unparked() just after")
}

func TestRegisterAndSetWakerRecordForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	// An idle reactor (no event loop, which is another exercise) with the
	// lane NewReactor would give it.
	r := newIdleReactor(t)
	r.trace = trace.NewLane("reactor", "")
	fd, _ := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(4)))
	require.NoError(t, r.Register(fd, id))
	tr := rec.Stop()

	assert.Equal(t, []string{
		fmt.Sprintf("reactor: keep the waker of task 4 for registration %d", id),
		fmt.Sprintf("reactor: register fd %d as registration %d (readable|writable)", fd, id),
	}, stagetest.Story(tr, stagetest.OfKind(trace.KeepWaker, trace.Register)),
		`SetWaker records whose waker it keeps, under its lock once it has kept it: r.trace.KeepsWaker(id, w.traceTask()); Register records what it asks the poller for: r.trace.Registers(fd, id, "readable|writable")`)
}

func TestEventLoopRecordsItsWaitsAndWakesForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	r := newTestReactor(t)
	fd, w := stagetest.NewPipe(t)
	id := r.NextID()
	waker := testWaker(4)
	require.NoError(t, r.SetWaker(id, waker))
	require.NoError(t, r.Register(fd, id))
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
	waitWoken(t, waker)
	tr := rec.Stop()

	stagetest.WakeAfterItsWait(t, stagetest.Story(tr, stagetest.OfKind(trace.Wait, trace.Wake)), "reactor: wake task 4", "reactor: wait -> 1 events")
}
