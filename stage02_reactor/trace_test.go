//go:build linux || darwin || freebsd

// A test of what -trace records of this stage's runtime: one thread that
// polls its one future and sleeps in the poller between polls.

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

func TestTraceOfOneRequestShowsTheOneThreadPollingAndWaitingInTurn(t *testing.T) {
	srv := stagetest.StartDelayServer(t)
	rec := stagetest.StartTrace(t, time.Second)
	var out strings.Builder
	rt := newTestRuntime(t, &out)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Registry: rt.Registry(), Out: &out}
	_, err := BlockOn[string](rt, client.Get("/50/hello"))
	tr := rec.Stop()
	require.NoError(t, err)

	stagetest.RequireSteps(t, tr,
		stagetest.Step{What: "the spawn of task 1", Match: func(e trace.Event) bool { return e.Kind == trace.Spawn && e.Task.ID == 1 }},
		stagetest.Step{What: "a poll that answers pending", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Pending }},
		stagetest.Step{What: "the socket's registration", Match: func(e trace.Event) bool { return e.Kind == trace.Register }},
		stagetest.Step{What: "a wait that returns an event", Match: func(e trace.Event) bool { return e.Kind == trace.Wait && e.N > 0 }},
		stagetest.Step{What: "a poll that answers ready", Match: func(e trace.Event) bool { return e.Kind == trace.Poll && e.Result == trace.Ready }},
	)
	require.Len(t, tr.Lanes, 1, "stage 02 has one thread: it polls and it waits")
	assert.Empty(t, stagetest.HazardNotes(tr), "a correct request has no hazards")
	stagetest.CheckTraceWriters(t, tr, program,
		`runtime  spawn task 1`,
		`runtime  register fd \d+ as registration \d+ \(readable\|writable\)`,
		`runtime  poll task 1 -> pending \(waits for fd \d+ readable\|writable\)`,
		`runtime  wait in the poller`,
		`runtime  the wait returned 1 event after \d+\.\d{3}ms`,
		`runtime  deregister fd \d+ \(registration \d+\)`,
		`runtime  poll task 1 -> ready`,
	)
}
