// This file grades the fixture in the four states a report must tell apart:
// an exercise that passes, one that fails, one not done yet, and one that
// waits for that unfinished one; the failing one fails only its test kept
// for grading, so that the reports' handling of hidden tests is seen too.

package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// keptGreetTest is greet's hidden test: inner spaces survive the trimming.
// Its name and its expected text are what a visible report must not show.
const keptGreetTest = `package calc

import "testing"

func TestGreetKeepsInnerSpaces(t *testing.T) {
	if got := Greet(" ada lovelace "); got != "hello, ada lovelace" {
		t.Errorf("Greet(%q) = %q, want %q", " ada lovelace ", got, "hello, ada lovelace")
	}
}
`

// gradeFourStates grades the fixture with add left as the exercise panic
// (not done), so sum, which calls Add, waits for it (blocked); greet
// answered by deleting every space, which passes its visible test and
// fails the hidden one (failed); counter solved (passed).
func gradeFourStates(t *testing.T) *gradeReport {
	t.Helper()
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "graded")
	require.NoError(t, writeEdition(p, dir, func(id string) bool { return id == "add" }))
	writeFiles(t, dir, map[string]string{"calc/greet_hidden_test.go": keptGreetTest})
	replaceInFile(t, filepath.Join(dir, manifestPath),
		`tests = ["calc:TestGreetTrimsName"]`,
		`tests = ["calc:TestGreetTrimsName"]`+"\nhidden = [\"calc:TestGreetKeepsInnerSpaces\"]")
	replaceInFile(t, filepath.Join(dir, "calc", "greet.go"),
		`strings.TrimSpace(name)`, `strings.ReplaceAll(name, " ", "")`)
	gp, err := loadProject(dir)
	require.NoError(t, err)
	r, err := grade(context.Background(), gp, io.Discard)
	require.NoError(t, err)
	require.Len(t, r.Results, 4)
	// The states this file's tests rely on; if the fixture changes, say so
	// here rather than in a puzzling assertion later.
	byID := resultsByID(r)
	require.Equal(t, StatusNotDone, byID["add"].Status, byID["add"].Reason)
	require.Equal(t, StatusFailed, byID["greet"].Status, byID["greet"].Reason)
	require.Equal(t, "calc:TestGreetKeepsInnerSpaces", byID["greet"].FailedTest)
	require.Equal(t, []string{"add"}, byID["sum"].Blocked, byID["sum"].Reason)
	require.True(t, byID["counter"].Passed(), byID["counter"].Reason)
	return r
}

func resultsByID(r *gradeReport) map[string]*ExerciseResult {
	m := map[string]*ExerciseResult{}
	for _, res := range r.Results {
		m[res.Exercise.ID] = res
	}
	return m
}
