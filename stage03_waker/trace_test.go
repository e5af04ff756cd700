//go:build linux || darwin || freebsd

package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// bodyTask turns the GET future into a task: its body is not wanted here.
type bodyTask struct{ f Future[string] }

// Poll implements Future.
func (b bodyTask) Poll(w Waker) Poll[struct{}] {
	p := b.f.Poll(w)
	if !p.Ready {
		return Pending[struct{}]()
	}
	return Poll[struct{}]{Ready: true, Err: p.Err}
}

func TestTraceOfOneRequestTellsSpawnPollRegisterWaitWakePollInOrder(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	rec := stagetest.StartTrace(t, time.Second)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: newTestReactor(t), Out: io.Discard}
	executor := NewExecutor("main", io.Discard)
	err := executor.BlockOn(bodyTask{client.Get("/50/hello")})
	tr := rec.Stop()
	require.NoError(t, err)

	// The story a reader expects, as a subsequence of the trace.
	stagetest.RequireSteps(t, tr,
		stagetest.Step{What: "the spawn of task 1", Match: func(e trace.Event) bool { return e.Kind == trace.Spawn && e.Task.ID == 1 }},
		stagetest.Step{What: "a poll that answers pending", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Pending }},
		stagetest.Step{What: "the socket's registration", Match: func(e trace.Event) bool { return e.Kind == trace.Register }},
		stagetest.Step{What: "a wait in the poller", Match: func(e trace.Event) bool { return e.Kind == trace.Wait }},
		stagetest.Step{What: "the reactor's wake of task 1", Match: func(e trace.Event) bool {
			return e.Kind == trace.Wake && e.Task.ID == 1 && e.Lane.Name() == "reactor"
		}},
		stagetest.Step{What: "a poll that answers ready", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Ready }},
	)
	assert.Empty(t, stagetest.HazardNotes(tr), "a correct request has no hazards")
	require.NotEmpty(t, tr.Flows, "the reactor's wake must become an arrow to the poll it caused")
	stagetest.CheckTraceWriters(t, tr, program,
		`executor main  spawn task 1`,
		`reactor        register fd \d+ as registration 1 \(readable\|writable\)`,
		`executor main  poll task 1 -> pending \(waits for fd \d+ readable\|writable\)`,
		`executor main  park: sleep until a waker unparks the executor`,
		`reactor        the wait returned 1 event after \d+\.\d{3}ms`,
		`reactor        wake task 1 of main`,
		`executor main  unparked after \d+\.\d{3}ms`,
		`executor main  poll task 1 -> ready`,
	)
}

func TestTraceReportsATaskPendingWithNothingThatCanWakeIt(t *testing.T) {
	out := &syncBuffer{}
	wakers := make(chan Waker, 1)
	// The mistake: pending, with the waker handed to nobody the runtime
	// knows (here, the test), so no registration or timer holds it.
	task := pendingUntilWoken(wakers)
	rec := stagetest.StartTrace(t, time.Second)
	done := blockOnWithDeadline(t, NewExecutor("main", out), task)
	w := waitForWaker(t, wakers, done, out)
	out.waitForLines(t, parkLine, 1)
	w.Wake()
	require.NoError(t, waitDone(t, done, out))
	tr := rec.Stop()

	notes := stagetest.HazardNotes(tr)
	require.NotEmpty(t, notes)
	assert.Contains(t, notes[0], "task 1 of main answered pending with nothing that can wake it")
}

func TestTraceReportsAPollThatBlocks(t *testing.T) {
	task := &funcTask{poll: func(int, Waker) Poll[struct{}] {
		time.Sleep(20 * time.Millisecond) // the mistake: blocking inside Poll
		return Ready(struct{}{})
	}}
	rec := stagetest.StartTrace(t, 5*time.Millisecond)
	err := NewExecutor("main", io.Discard).BlockOn(task)
	tr := rec.Stop()
	require.NoError(t, err)

	notes := stagetest.HazardNotes(tr)
	require.Len(t, notes, 1, "%q", notes)
	assert.Contains(t, notes[0], "something blocks inside Poll")
}

func TestTraceReportsAWakeOfAFinishedTask(t *testing.T) {
	rec := stagetest.StartTrace(t, time.Second)
	reactor := newTestReactor(t)
	r, w := stagetest.NewPipe(t)
	id := reactor.NextID()
	t.Cleanup(func() { _ = reactor.Deregister(r, id) })
	// The mistake: the task finishes and leaves its registration, with its
	// waker, in the reactor.
	task := &funcTask{poll: func(_ int, wk Waker) Poll[struct{}] {
		if err := reactor.SetWaker(id, wk); err != nil {
			return Failed[struct{}](err)
		}
		if err := reactor.Register(r, id); err != nil {
			return Failed[struct{}](err)
		}
		return Ready(struct{}{})
	}}
	executor := NewExecutor("main", io.Discard)
	require.NoError(t, executor.BlockOn(task))
	// The register's first event, or this byte, reaches the finished task.
	writeByte(t, w)
	require.Eventually(t, func() bool { return executor.ready.Len() > 0 }, 5*time.Second, time.Millisecond,
		"the reactor should wake the finished task's waker it still holds")
	tr := rec.Stop()

	notes := stagetest.HazardNotes(tr)
	require.NotEmpty(t, notes)
	assert.Contains(t, notes[0], "reactor woke task 1 of main, which has finished")
}
