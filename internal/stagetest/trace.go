package stagetest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// StartTrace starts a recording for one test, stopped when the test ends
// if the test has not stopped it: a failed test must not leave it running
// for the next. The stages make their lanes as they build executors and
// reactors, so start it before them.
//
// In a student edition it skips the test instead: these tests follow a
// whole run, which needs every exercise of the stage in place, and belong
// to no exercise. Each trace line an exercise body writes is checked by
// that exercise's own tests, which record with RecordTrace.
func StartTrace(t testing.TB, slowPoll time.Duration) *trace.Recorder {
	t.Helper()
	if inStudentEdition() {
		t.Skip("this test follows a whole run of the reference; each exercise's own tests check its trace lines")
	}
	return RecordTrace(t, slowPoll)
}

// RecordTrace starts a recording for one test, in every edition, stopped
// when the test ends if the test has not stopped it. Start it before the
// executors and reactors the test builds: they make their lanes when they
// are built.
func RecordTrace(t testing.TB, slowPoll time.Duration) *trace.Recorder {
	t.Helper()
	rec, err := trace.Start(slowPoll)
	require.NoError(t, err)
	t.Cleanup(func() { rec.Stop() })
	return rec
}

// Step is one event a test expects in a trace: What names it in the
// failure message, Match recognises it.
type Step struct {
	What  string
	Match func(trace.Event) bool
}

// RequireSteps fails the test unless tr's events hold steps in this order,
// other events allowed between them; the message names the first step
// missing.
func RequireSteps(t testing.TB, tr *trace.Trace, steps ...Step) {
	t.Helper()
	next := 0
	for _, e := range tr.Events {
		if next < len(steps) && steps[next].Match(e) {
			next++
		}
	}
	if next < len(steps) {
		var narrative bytes.Buffer
		_ = tr.WriteNarrative(&narrative)
		t.Fatalf("the trace lacks %s after the steps before it; the trace:\n%s", steps[next].What, narrative.String())
	}
}

// Story is tr's events, those keep accepts (all when keep is nil), each
// in a few words after its thread's name, as a test compares them and a
// learner reads them in its failure:
//
//	executor main: poll task 1 -> pending
//	reactor: keep the waker of task 1 for registration 1
func Story(tr *trace.Trace, keep func(trace.Event) bool) []string {
	var out []string
	for _, e := range tr.Events {
		if keep != nil && !keep(e) {
			continue
		}
		line := e.Lane.Name() + ": " + storyLine(e)
		if e.Open {
			// A span whose end was never recorded: a missing
			// e.trace.Unparked(), say, or a poll that never returned.
			line += " (never ended)"
		}
		out = append(out, line)
	}
	return out
}

// OfKind keeps, in a Story, the events of the given kinds.
func OfKind(kinds ...trace.Kind) func(trace.Event) bool {
	return func(e trace.Event) bool {
		for _, k := range kinds {
			if e.Kind == k {
				return true
			}
		}
		return false
	}
}

// WakeAfterItsWait fails the test unless story (Story's lines of Wait and
// Wake events) holds wake, the line of a reactor's wake, right after the
// wait that brought its event: "reactor: wait -> 1 events".
func WakeAfterItsWait(t testing.TB, story []string, wake, wait string) {
	t.Helper()
	woke := -1
	for i, line := range story {
		if line == wake {
			woke = i
		}
	}
	require.NotEqual(t, -1, woke, "the reactor's wake of the task must be in the trace (%q): r.trace.Wakes(w.traceTask()) just before w.Wake(); got %q", wake, story)
	require.Positive(t, woke, "a wait in the poller must come before the wake: r.trace.WaitBegins() and r.trace.WaitEnds(n, err) around the poller's wait; got %q", story)
	assert.Equal(t, wait, story[woke-1], "the wake follows the wait that brought its event, with the number of events it returned; got %q", story)
}

// storyLine is the few words of Story for e.
func storyLine(e trace.Event) string {
	switch e.Kind {
	case trace.Spawn:
		return fmt.Sprintf("spawn task %d", e.Task.ID)
	case trace.Poll:
		return fmt.Sprintf("poll task %d -> %s", e.Task.ID, e.Result)
	case trace.Park:
		return "park"
	case trace.Wait:
		if e.Err != "" {
			return "wait -> error"
		}
		return fmt.Sprintf("wait -> %d events", e.N)
	case trace.Wake:
		return fmt.Sprintf("wake task %d", e.Task.ID)
	case trace.Register:
		return fmt.Sprintf("register fd %d as registration %d (%s)", e.FD, e.Reg, e.Interest)
	case trace.Deregister:
		return fmt.Sprintf("deregister fd %d (registration %d)", e.FD, e.Reg)
	case trace.KeepWaker:
		return fmt.Sprintf("keep the waker of task %d for registration %d", e.Task.ID, e.Reg)
	case trace.TimerSet:
		return fmt.Sprintf("set a timer for task %d", e.Task.ID)
	case trace.TimerFired:
		return fmt.Sprintf("timer of task %d fires", e.Task.ID)
	case trace.TimerCancel:
		return fmt.Sprintf("cancel the timer of task %d", e.Task.ID)
	case trace.Interrupt:
		return "Ctrl-C"
	}
	return fmt.Sprintf("event of kind %d", e.Kind)
}

// HazardNotes is what tr's hazards say, in order.
func HazardNotes(tr *trace.Trace) []string {
	var out []string
	for _, h := range tr.Hazards {
		out = append(out, h.Note)
	}
	return out
}

// CheckTraceWriters writes tr both ways and checks them: the narrative
// holds each of lines (regular expressions for what follows the time
// stamp, "executor main  poll task 1 -> ready"), and the JSON follows the
// trace event format (trace.Validate). It returns the narrative.
func CheckTraceWriters(t testing.TB, tr *trace.Trace, process string, lines ...string) string {
	t.Helper()
	var narrative bytes.Buffer
	require.NoError(t, tr.WriteNarrative(&narrative))
	for _, line := range lines {
		assert.Regexp(t, regexp.MustCompile(`(?m)^\+\s*\d+\.\d{3}ms  `+line+`$`), narrative.String())
	}
	var chrome bytes.Buffer
	require.NoError(t, tr.WriteChrome(&chrome, process))
	assert.NoError(t, trace.Validate(&chrome), "the JSON must follow the trace event format")
	return narrative.String()
}

// inStudentEdition reports whether the repository holding the current
// directory is a student edition: `workbook export` marks one with the
// file workbook/EDITION next to go.mod.
func inStudentEdition() bool {
	dir, err := os.Getwd()
	if err != nil {
		return false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			_, err := os.Stat(filepath.Join(dir, "workbook", "EDITION"))
			return err == nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}
