package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradeFixture grades a copy of the fixture in which greet is still an
// exercise panic and the rest is solved: 7 of 8 points.
func gradeFixture(t *testing.T) *gradeReport {
	t.Helper()
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "graded")
	require.NoError(t, writeEdition(p, dir, func(id string) bool { return id == "greet" }))
	gp, err := loadProject(dir)
	require.NoError(t, err)
	r, err := grade(context.Background(), gp, io.Discard)
	require.NoError(t, err)
	return r
}

func TestGradeAwardsPointsPerPassingExercise(t *testing.T) {
	r := gradeFixture(t)
	assert.Equal(t, 7, r.Score)
	assert.Equal(t, 8, r.MaxScore)

	t.Run("text", func(t *testing.T) {
		out, err := gradeText(r)
		require.NoError(t, err)
		text := string(out)
		assert.Contains(t, text, "Grade: 7/8 points (3 of 4 exercises pass)")
		assert.Contains(t, text, "✗ greet    0/1  Greet by name: not done yet")
		assert.Contains(t, text, "✓ sum      3/3  Sum with Add")
	})

	t.Run("json", func(t *testing.T) {
		out, err := gradeJSON(r)
		require.NoError(t, err)
		var got jsonReport
		require.NoError(t, json.Unmarshal(out, &got))
		assert.Equal(t, 7, got.Score)
		require.Len(t, got.Exercises, 4)
		assert.Equal(t, "greet", got.Exercises[1].ID)
		assert.False(t, got.Exercises[1].Passed)
		assert.Equal(t, "notdone", got.Exercises[1].Status)
		assert.Equal(t, map[string]string{"calc:TestGreetTrimsName": "fail"}, got.Exercises[1].Tests)
	})

	t.Run("gradescope", func(t *testing.T) {
		out, err := gradeGradescope(r)
		require.NoError(t, err)
		// Decode into a plain map: the shape Gradescope reads, not ours.
		var got struct {
			Score float64 `json:"score"`
			Tests []struct {
				Name     string   `json:"name"`
				Score    *float64 `json:"score"`
				MaxScore *float64 `json:"max_score"`
				Output   string   `json:"output"`
				Status   string   `json:"status"`
			} `json:"tests"`
		}
		require.NoError(t, json.Unmarshal(out, &got))
		assert.Equal(t, 7.0, got.Score)
		require.Len(t, got.Tests, 4)
		greet := got.Tests[1]
		assert.Equal(t, "greet: Greet by name", greet.Name)
		require.NotNil(t, greet.Score)
		require.NotNil(t, greet.MaxScore)
		assert.Equal(t, 0.0, *greet.Score)
		assert.Equal(t, 1.0, *greet.MaxScore)
		assert.Equal(t, "failed", greet.Status)
		assert.Contains(t, greet.Output, "Not done yet")
		assert.Contains(t, greet.Output, "On your machine: go run ./workbook hint greet")
		assert.Equal(t, 3.0, *got.Tests[2].Score)
		assert.Equal(t, "passed", got.Tests[2].Status)
	})

	t.Run("junit", func(t *testing.T) {
		out, err := gradeJUnit(r)
		require.NoError(t, err)
		got := parseJUnit(t, out)
		s := got.Suites[0]
		assert.Equal(t, []int{4, 1, 0, 0}, []int{s.Tests, s.Failures, s.Skipped, s.Errors}, "tests, failures, skipped, errors")
		require.Len(t, s.Cases, 4)
		assert.Equal(t, "greet: Greet by name", s.Cases[1].Name)
		require.NotNil(t, s.Cases[1].Failure)
		assert.Equal(t, "not done yet", s.Cases[1].Failure.Message)
		assert.Nil(t, s.Cases[0].Failure)
		for _, xsd := range []string{antJUnitSchema, jenkinsJUnitSchema} {
			t.Run(xsd, func(t *testing.T) {
				assert.Empty(t, xmllintErrors(t, junitSchema(t, xsd), out))
			})
		}
	})
}

func TestGradeCommandWritesTheChosenFormatToAFile(t *testing.T) {
	root := copyFixture(t)
	out := filepath.Join(t.TempDir(), "results.json")
	code, stdout, stderr := runApp(t, root, "grade", "--format", "gradescope", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "8/8 points")
	var got gradescopeResults
	require.NoError(t, json.Unmarshal(mustRead(t, out), &got))
	assert.Equal(t, 8.0, got.Score)

	code, _, stderr = runApp(t, root, "grade", "--format", "yaml")
	assert.Equal(t, 2, code)
	assert.Equal(t, "workbook: grade: unknown format \"yaml\"; use text, json, gradescope or junit\n", stderr)
}

func TestGradeStillGradesWhenProgressCannotBeSaved(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "graded")
	require.NoError(t, writeEdition(p, dir, func(id string) bool { return id == "greet" }))
	gp, err := loadProject(dir)
	require.NoError(t, err)
	// The state's folder is a link to nowhere: there is no saved state to
	// read, and saving fails, as on a read-only checkout (chmod would not
	// stop a test run as root).
	stateDir := filepath.Dir(gp.statePath())
	require.NoError(t, os.RemoveAll(stateDir))
	require.NoError(t, os.Symlink(filepath.Join(t.TempDir(), "missing", "folder"), stateDir))

	var stderr strings.Builder
	r, err := grade(context.Background(), gp, &stderr)
	require.NoError(t, err)
	assert.Equal(t, 7, r.Score, "the grade does not depend on saving progress")
	assert.Contains(t, stderr.String(), "workbook: progress not saved:")
}
