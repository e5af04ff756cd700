//go:build linux || darwin || freebsd

// These tests check the trace lines that stage 06's exercise bodies write
// (e.trace.…, r.trace.…): what `-trace` shows of your runtime is what those
// lines record.

package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

func TestSpawnAndPollReadyRecordTheirStepsForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	e := NewExecutor("main", &syncBuffer{})
	e.Spawn(&funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }})
	e.Spawn(&funcTask{poll: func(int, Waker) Poll[struct{}] { return Ready(struct{}{}) }})
	e.Spawn(&funcTask{poll: func(int, Waker) Poll[struct{}] { return Failed[struct{}](fmt.Errorf("refused")) }})
	require.Error(t, e.pollReady())
	tr := rec.Stop()

	assert.Equal(t, []string{
		"executor main: spawn task 1",
		"executor main: spawn task 2",
		"executor main: spawn task 3",
		"executor main: poll task 1 -> pending",
		"executor main: poll task 2 -> ready",
		"executor main: poll task 3 -> error",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Spawn, trace.Poll)),
		"Spawn records the spawn with the id the slab gave (e.trace.Spawns(id)), and every poll is a span of the trace with its answer: e.trace.PollBegins(id) just before the task's Poll, e.trace.PollEnds(p.Ready, p.Err) just after")
}

func TestBlockOnRecordsEachParkForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	done := blockOnWithDeadline(t, NewExecutor("main", out), pendingUntilWoken(wakers))
	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
	tr := rec.Stop()

	assert.Equal(t, []string{
		"executor main: poll task 1 -> pending",
		"executor main: park",
		"executor main: poll task 1 -> ready",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Poll, trace.Park)),
		"an executor without a reactor of its own parks, and BlockOn records every park as a span: e.trace.Parks() just before e.parker.Park(), e.trace.Unparked() just after")
}

func TestSetWakerAndWakeRecordTheirStepsForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	r := newIdleReactor(t)
	r.traceOn(trace.NewLane("reactor", ""))
	id := r.NextID()
	w := testWaker(7)
	require.NoError(t, r.SetWaker(id, w))
	r.wake(id)
	tr := rec.Stop()

	assert.Equal(t, []string{
		fmt.Sprintf("reactor: keep the waker of task 7 for registration %d", id),
		"reactor: wake task 7",
	}, stagetest.Story(tr, stagetest.OfKind(trace.KeepWaker, trace.Wake)),
		"SetWaker records the waker it keeps (r.trace.KeepsWaker(id, w.traceTask()), under its lock, once kept), and wake records each wake just before it calls the waker (r.trace.Wakes(w.traceTask()))")
	assert.Equal(t, []int{7}, w.ready.TakeAll(nil), "wake must call the waker")
}

func TestTurnRecordsItsRegistrationsWaitsAndWakesForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	r := newDrivenTestReactor(t)
	// A driven reactor records on the lane of the executor that drives it
	// (NewDrivingExecutor); here the test drives it.
	r.traceOn(trace.NewLane("executor", "main"))
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(7)))
	require.NoError(t, r.Register(fds[0], id, Readable))
	_, err = unix.Write(fds[1], []byte("x"))
	require.NoError(t, err)
	assert.True(t, turnWithin(t, r, nil))
	require.NoError(t, r.AddTimer(new(Timer), time.Now().Add(-time.Millisecond), testWaker(3)))
	assert.True(t, turnWithin(t, r, func() bool { return true }))
	tr := rec.Stop()

	assert.Equal(t, []string{fmt.Sprintf("executor main: register fd %d as registration %d (readable)", fds[0], id)},
		stagetest.Story(tr, stagetest.OfKind(trace.Register)),
		"Register records what it asks the poller for, with the interest in words: r.trace.Registers(fd, id, interest.String())")
	assert.Equal(t, []string{
		"executor main: wait -> 1 events",
		"executor main: wake task 7",
		"executor main: wake task 3",
		"executor main: wait -> 0 events",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Wait, trace.Wake)),
		"Turn records the poller's wait as a span (r.trace.WaitBegins() just before it, r.trace.WaitEnds(n, err) just after) and the wake of every fired timer (r.trace.Wakes(w.traceTask()) before each w.Wake()); the first Turn's event wakes task 7 through r.wake, the second fires task 3's timer and only looks")
}
