//go:build linux || darwin || freebsd

// Tests of what -trace records of this stage's runtime: one request on an
// executor that drives its own reactor (its waits are on its own lane),
// and a Sleep's timer from set to fired.

package main

import (
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

func TestTraceOfOneRequestOnADrivingExecutorKeepsItsWaitsOnItsOwnLane(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	rec := stagetest.StartTrace(t, time.Second)
	r := newDrivenTestReactor(t)
	e := NewDrivingExecutor("main", nil, r)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: r}
	err := e.BlockOn(bodyTask{client.Get("/20/hello")})
	tr := rec.Stop()
	require.NoError(t, err)

	onMain := func(e trace.Event) bool { return e.Lane.Name() == "executor main" }
	stagetest.RequireSteps(t, tr,
		stagetest.Step{What: "the spawn of task 1", Match: func(e trace.Event) bool { return e.Kind == trace.Spawn && e.Task.ID == 1 }},
		stagetest.Step{What: "a poll that answers pending", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Pending }},
		stagetest.Step{What: "the socket's registration", Match: func(e trace.Event) bool { return e.Kind == trace.Register && e.Interest != "" }},
		stagetest.Step{What: "the executor's own wait in its reactor", Match: func(e trace.Event) bool { return e.Kind == trace.Wait && onMain(e) && e.N > 0 }},
		stagetest.Step{What: "the wake of task 1 on the executor's thread", Match: func(e trace.Event) bool { return e.Kind == trace.Wake && e.Task.ID == 1 && onMain(e) }},
		stagetest.Step{What: "a poll that answers ready", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Ready }},
	)
	assert.Empty(t, stagetest.HazardNotes(tr), "a correct request has no hazards")
	for _, ev := range tr.Events {
		assert.NotEqual(t, trace.Park, ev.Kind, "a driving executor waits in its reactor; it never parks")
	}
	stagetest.CheckTraceWriters(t, tr, program,
		`executor main  spawn task 1`,
		`executor main  poll task 1 -> pending \(waits for fd \d+ (readable|writable)\)`,
		`executor main  the wait returned 1 event after \d+\.\d{3}ms`,
		`executor main  wake task 1 of main`,
		`executor main  poll task 1 -> ready`,
	)
}

func TestTraceOfASleepTellsItsTimerSetFiredAndTheWake(t *testing.T) {
	rec := stagetest.StartTrace(t, time.Second)
	r := newTestReactor(t)
	e := NewExecutor("main", nil)
	done := make(chan string, 1)
	err := waitDone(t, blockOnWithDeadline(t, e, sleepTask("sleep", Sleep(r, 10*time.Millisecond), done)), &syncBuffer{})
	tr := rec.Stop()
	require.NoError(t, err)

	var timer any
	stagetest.RequireSteps(t, tr,
		stagetest.Step{What: "a poll that answers pending", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Pending }},
		stagetest.Step{What: "the timer set for task 1", Match: func(e trace.Event) bool {
			timer = e.Timer
			return e.Kind == trace.TimerSet && e.Task.ID == 1
		}},
		stagetest.Step{What: "the same timer firing on the reactor's thread", Match: func(e trace.Event) bool {
			return e.Kind == trace.TimerFired && e.Timer == timer && e.Lane.Name() == "reactor"
		}},
		stagetest.Step{What: "the wake of task 1", Match: func(e trace.Event) bool { return e.Kind == trace.Wake && e.Task.ID == 1 }},
		stagetest.Step{What: "a poll that answers ready", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Ready }},
	)
	assert.Empty(t, stagetest.HazardNotes(tr))
	stagetest.CheckTraceWriters(t, tr, program,
		`executor main  poll task 1 -> pending \(waits for a timer\)`,
		`reactor        timer of task 1 of main fires`,
		`reactor        wake task 1 of main`,
	)
}
