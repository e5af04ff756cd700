//go:build linux || darwin || freebsd

// A test of what -trace records of this stage's runtime: executors side by
// side, each on its own thread, and the one reactor thread waking both.

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

func TestTraceOfTwoExecutorsShowsEachOnItsOwnLaneWokenByTheOneReactor(t *testing.T) {
	tgt, _ := startServer(t)
	rec := stagetest.StartTrace(t, time.Second)
	p := Plan{Executors: 2, Requests: 2, Delay: 30 * time.Millisecond, FixedDelay: true}
	tally := NewTally(io.Discard)
	_, err := runExecutorsWithin(t, 10*time.Second, p, tgt, tally, io.Discard)
	tr := rec.Stop()
	require.NoError(t, err)
	ok, _ := tally.Counts()
	require.Equal(t, 4, ok, "first failure: %v", tally.FirstError())

	for _, executor := range []string{"executor-0", "executor-1"} {
		ofIt := func(e trace.Event) bool { return e.Task.Executor != nil && e.Task.Executor.Name() == executor }
		stagetest.RequireSteps(t, tr,
			stagetest.Step{What: executor + "'s spawn of its async main", Match: func(e trace.Event) bool { return e.Kind == trace.Spawn && ofIt(e) }},
			stagetest.Step{What: "a poll on " + executor + " that answers pending", Match: func(e trace.Event) bool {
				return e.Kind == trace.Poll && ofIt(e) && e.Result == trace.Pending
			}},
			stagetest.Step{What: "the reactor's wake of a task of " + executor, Match: func(e trace.Event) bool {
				return e.Kind == trace.Wake && ofIt(e) && e.Lane.Name() == "reactor"
			}},
			stagetest.Step{What: "a poll on " + executor + " that answers ready", Match: func(e trace.Event) bool {
				return e.Kind == trace.Poll && ofIt(e) && e.Result == trace.Ready
			}},
		)
	}
	for _, ev := range tr.Events {
		if ev.Kind == trace.Poll {
			assert.Equal(t, ev.Task.Executor, ev.Lane, "a task is polled on its own executor's thread")
		}
	}
	assert.Len(t, tr.Lanes, 3, "two executors and one reactor, a lane each")
	assert.Empty(t, stagetest.HazardNotes(tr), "correct requests have no hazards")
	stagetest.CheckTraceWriters(t, tr, program,
		`executor-0  spawn task 1`,
		`executor-1  spawn task 1`,
		`reactor     wake task \d of executor-0`,
		`reactor     wake task \d of executor-1`,
	)
}
