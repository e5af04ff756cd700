//go:build linux || darwin || freebsd

// A test of what -trace records of this stage's runtime: many tasks on one
// executor thread, woken by one reactor thread.

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

// bodyTask turns a GET future into a task: its body is not wanted here.
type bodyTask struct{ f Future[string] }

// Poll implements Future.
func (b bodyTask) Poll(w Waker) Poll[struct{}] {
	p := b.f.Poll(w)
	if !p.Ready {
		return Pending[struct{}]()
	}
	return Poll[struct{}]{Ready: true, Err: p.Err}
}

func TestTraceOfThreeRequestsShowsManyTasksOnOneExecutorThread(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	rec := stagetest.StartTrace(t, time.Second)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: newTestReactor(t), Out: io.Discard}
	e := NewExecutor("main", io.Discard)
	main := &funcTask{poll: func(int, Waker) Poll[struct{}] {
		for range 3 {
			e.Spawn(bodyTask{client.Get("/30/hello")})
		}
		return Ready(struct{}{})
	}}
	err := waitDone(t, blockOnWithDeadline(t, e, main), &syncBuffer{})
	tr := rec.Stop()
	require.NoError(t, err)

	stagetest.RequireSteps(t, tr,
		stagetest.Step{What: "the spawn of task 4, the last request", Match: func(e trace.Event) bool { return e.Kind == trace.Spawn && e.Task.ID == 4 }},
		stagetest.Step{What: "task 4's poll that answers pending", Match: func(e trace.Event) bool {
			return e.Kind == trace.Poll && e.Task.ID == 4 && e.Result == trace.Pending
		}},
		stagetest.Step{What: "the executor's park", Match: func(e trace.Event) bool { return e.Kind == trace.Park }},
		stagetest.Step{What: "the reactor's wake of task 4", Match: func(e trace.Event) bool {
			return e.Kind == trace.Wake && e.Task.ID == 4 && e.Lane.Name() == "reactor"
		}},
		stagetest.Step{What: "task 4's poll that answers ready", Match: func(e trace.Event) bool {
			return e.Kind == trace.Poll && e.Task.ID == 4 && e.Result == trace.Ready
		}},
	)
	ready := map[int]bool{}
	for _, ev := range tr.Events {
		if ev.Kind == trace.Poll {
			assert.Equal(t, "executor main", ev.Lane.Name(), "every poll runs on the one executor thread")
			ready[ev.Task.ID] = ready[ev.Task.ID] || ev.Result == trace.Ready
		}
	}
	assert.Equal(t, map[int]bool{1: true, 2: true, 3: true, 4: true}, ready, "the main task and its 3 requests each finish")
	assert.Empty(t, stagetest.HazardNotes(tr), "correct requests have no hazards")
	stagetest.CheckTraceWriters(t, tr, program,
		`executor main  spawn task 2`,
		`executor main  poll task 1 -> ready`,
		`executor main  poll task 3 -> pending \(waits for fd \d+ readable\|writable\)`,
		`reactor        wake task 3 of main`,
	)
}
