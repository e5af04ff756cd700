package stagetest

import (
	"bytes"
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
// In a student edition it skips the test instead. The trace's call sites
// (e.trace.PollBegins(id), ...) sit partly inside exercise bodies, where
// writing them is optional: they show the run, they are not the lesson. So
// what a learner's runtime records is the learner's choice, and these tests,
// which check the reference's call sites, run in the reference only.
func StartTrace(t testing.TB, slowPoll time.Duration) *trace.Recorder {
	t.Helper()
	if inStudentEdition() {
		t.Skip("the trace lines inside exercise bodies are optional in the student edition; this test checks the reference's")
	}
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
