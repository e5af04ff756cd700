//go:build linux || darwin || freebsd

// These tests check the trace lines that exercise bodies write (rt.trace.…):
// what `-trace` shows of your runtime is what those lines record.

package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// scriptedFuture answers each poll with the next of its answers.
type scriptedFuture struct {
	answers []Poll[string]
	polls   int
}

// Poll implements Future.
func (s *scriptedFuture) Poll() Poll[string] {
	s.polls++
	return s.answers[min(s.polls, len(s.answers))-1]
}

func TestRegisterRecordsTheRegistrationForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	rt := newTestRuntime(t, &strings.Builder{})
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	tr := rec.Stop()

	assert.Equal(t, []string{fmt.Sprintf("runtime: register fd %d as registration %d (readable|writable)", r, r)},
		stagetest.Story(tr, stagetest.OfKind(trace.Register)),
		`Register records what it asks the poller for, before it asks: r.trace.Registers(fd, fd, "readable|writable") (in stage 02 the registration id is the fd)`)
}

func TestWaitRecordsEachWaitInThePollerForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	_, err := rt.Wait(0)
	require.NoError(t, err)
	_, err = unix.Write(w, []byte{1})
	require.NoError(t, err)
	_, err = rt.Wait(forever)
	require.NoError(t, err)
	tr := rec.Stop()

	assert.Equal(t, []string{"runtime: wait -> 0 events", "runtime: wait -> 1 events"}, stagetest.Story(tr, stagetest.OfKind(trace.Wait)),
		"each call of the poller's wait is one span of the trace: rt.trace.WaitBegins() just before it, rt.trace.WaitEnds(n, err) just after, with what it returned")
}

func TestBlockOnRecordsTheSpawnAndEachPollForTheTrace(t *testing.T) {
	rec := stagetest.RecordTrace(t, 0)
	rt := newTestRuntime(t, &strings.Builder{})
	r, w := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	_, err := unix.Write(w, []byte{1}) // the wait after the first poll returns at once
	require.NoError(t, err)
	f := &scriptedFuture{answers: []Poll[string]{Pending[string](), Ready("done")}}
	_, err = blockOnWithDeadline[string](t, rt, f)
	require.NoError(t, err)
	failing := &scriptedFuture{answers: []Poll[string]{Failed[string](errors.New("refused"))}}
	_, err = blockOnWithDeadline[string](t, rt, failing)
	require.Error(t, err)
	tr := rec.Stop()

	assert.Equal(t, []string{
		"runtime: spawn task 1",
		"runtime: poll task 1 -> pending",
		"runtime: poll task 1 -> ready",
		"runtime: spawn task 1",
		"runtime: poll task 1 -> error",
	}, stagetest.Story(tr, stagetest.OfKind(trace.Spawn, trace.Poll)),
		"BlockOn records the future it runs as task 1 (rt.trace.Spawns(1), once, before the loop), and every poll as a span: rt.trace.PollBegins(1) just before f.Poll(), rt.trace.PollEnds(p.Ready, p.Err) just after")
}
