package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradescopeSchemaFile is the JSON Schema of Gradescope's results.json,
// written from its autograder specification.
const gradescopeSchemaFile = "testdata/gradescope-results.schema.json"

// validateGradescope checks data against the results.json schema.
func validateGradescope(t *testing.T, data []byte) error {
	t.Helper()
	path, err := filepath.Abs(gradescopeSchemaFile)
	require.NoError(t, err)
	schema, err := jsonschema.NewCompiler().Compile(path)
	require.NoError(t, err, "the schema itself")
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err, "results.json is JSON")
	return schema.Validate(doc)
}

// gsEntry is one test entry read back from results.json.
type gsEntry struct {
	Name       string   `json:"name"`
	Number     string   `json:"number"`
	Score      float64  `json:"score"`
	MaxScore   float64  `json:"max_score"`
	Status     string   `json:"status"`
	Output     string   `json:"output"`
	Tags       []string `json:"tags"`
	Visibility string   `json:"visibility"`
}

func TestGradescopeResultsOfAGradingRun(t *testing.T) {
	out, err := gradeGradescope(gradeFourStates(t))
	require.NoError(t, err)
	require.NoError(t, validateGradescope(t, out))

	var got struct {
		Score            float64   `json:"score"`
		Output           string    `json:"output"`
		StdoutVisibility string    `json:"stdout_visibility"`
		Tests            []gsEntry `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(out, &got))
	entries := map[string]gsEntry{}
	var total float64
	for _, e := range got.Tests {
		entries[e.Name] = e
		total += e.Score
	}
	require.Len(t, entries, 5, "four exercises and greet's tests kept for grading")
	assert.Equal(t, 2.0, got.Score)
	assert.Equal(t, got.Score, total, "the entries add up to the score")
	assert.Equal(t, "fixture workbook: 2/8 points. 1 of 4 exercises pass, 1 fail, 1 not done yet, 1 wait for an exercise not done yet.", got.Output)
	assert.Equal(t, "hidden", got.StdoutVisibility, "the harness's log holds hidden tests' output")

	t.Run("an exercise whose kept test fails says only that", func(t *testing.T) {
		greet := entries["greet: Greet by name"]
		assert.Equal(t, "visible", greet.Visibility)
		assert.Equal(t, []float64{0, 1}, []float64{greet.Score, greet.MaxScore})
		assert.Equal(t, "failed", greet.Status)
		assert.Equal(t, "A test kept for grading fails.", greet.Output)
	})

	t.Run("the kept tests' details wait for publication", func(t *testing.T) {
		kept := entries["greet: tests kept for grading"]
		assert.Equal(t, "after_published", kept.Visibility)
		assert.Equal(t, []float64{0, 0}, []float64{kept.Score, kept.MaxScore}, "the exercise's visible entry holds its points")
		assert.Equal(t, "failed", kept.Status)
		assert.Equal(t, "1.2.1", kept.Number, "listed right after the exercise's own entry, 1.2")
		assert.Contains(t, kept.Output, "calc:TestGreetKeepsInnerSpaces: fail")
		assert.Contains(t, kept.Output, `"hello, adalovelace"`)
	})

	t.Run("nothing visible reveals a kept test", func(t *testing.T) {
		for _, e := range got.Tests {
			if e.Visibility == "after_published" {
				continue
			}
			assert.Equal(t, "visible", e.Visibility, e.Name)
			for _, secret := range []string{"KeepsInnerSpaces", "lovelace", hiddenTestSuffix} {
				assert.NotContains(t, e.Output, secret, e.Name)
			}
		}
	})

	t.Run("not done gives the hint itself", func(t *testing.T) {
		add := entries["add: Add two numbers"]
		assert.Equal(t, "failed", add.Status)
		assert.Contains(t, add.Output, "Not done yet")
		assert.Contains(t, add.Output, "First hint: Use the + operator.")
		assert.NotContains(t, add.Output, "return a + b", "only the first hint")
	})

	t.Run("blocked names what it waits for", func(t *testing.T) {
		sum := entries["sum: Sum with Add"]
		assert.Equal(t, []float64{0, 3}, []float64{sum.Score, sum.MaxScore})
		assert.Contains(t, sum.Output, "waits for exercise add, which is not done yet")
		assert.NotContains(t, sum.Output, "First hint", "sum's own hints are not the next step")
	})

	t.Run("passed", func(t *testing.T) {
		counter := entries["counter: A counter safe for goroutines"]
		assert.Equal(t, []float64{2, 2}, []float64{counter.Score, counter.MaxScore})
		assert.Equal(t, "passed", counter.Status)
		assert.Equal(t, []string{"stage 2"}, counter.Tags)
	})

	t.Run("commands are offered only for the student's machine", func(t *testing.T) {
		assertCommandsOnlyOnYourMachine(t, got.Output)
		for _, e := range got.Tests {
			assertCommandsOnlyOnYourMachine(t, e.Output)
		}
	})
}

// assertCommandsOnlyOnYourMachine fails on a line that tells a student on
// Gradescope to run a command there.
func assertCommandsOnlyOnYourMachine(t *testing.T, text string) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "go run") || strings.Contains(l, "go test") {
			assert.True(t, strings.HasPrefix(l, "On your machine: "), "a command not marked for the student's machine: %q", l)
		}
	}
}

// oneExercise is a graded run of one exercise, by hand.
func oneExercise(res *ExerciseResult) *gradeReport {
	return &gradeReport{Project: "asyncgo", MaxScore: res.Exercise.Points, Results: []*ExerciseResult{res}}
}

func TestGradescopeVisibleFailureShowsWhyAndTheFirstHint(t *testing.T) {
	e := &Exercise{ID: "s03-wake", Stage: 3, Title: "Wake a task", Points: 2,
		Hints: []string{"Send the task's id.", "ready <- id"}, Tests: []string{"stage03_waker:TestWake"},
		Hidden: []string{"stage03_waker:TestWakeTwiceKept"}}
	res := &ExerciseResult{Exercise: e, Status: StatusFailed,
		Reason: "stage03_waker:TestWake failed", FailedTest: "stage03_waker:TestWake",
		Excerpt: []string{"waker_test.go:12: the task was not woken"},
		Tests:   map[string]string{"stage03_waker:TestWake": "fail", "stage03_waker:TestWakeTwiceKept": "pass"}}
	out, err := gradeGradescope(oneExercise(res))
	require.NoError(t, err)
	require.NoError(t, validateGradescope(t, out))
	var got struct{ Tests []gsEntry }
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got.Tests, 2)
	visible := got.Tests[0].Output
	assert.Equal(t, strings.Join([]string{
		"stage03_waker:TestWake failed",
		"    waker_test.go:12: the task was not woken",
		"First hint: Send the task's id.",
		"On your machine: go run ./workbook check s03-wake --verbose shows the test's whole output.",
	}, "\n"), visible)
	kept := got.Tests[1]
	assert.Equal(t, "passed", kept.Status, "the kept test passed; only the visible one failed")
	assert.Equal(t, "Tests kept for grading:\n  stage03_waker:TestWakeTwiceKept: pass", kept.Output, "the visible failure's lines are not repeated")
}

func TestGradescopeKeptFailureNamesOnlyTheVisibleTestsThatFail(t *testing.T) {
	e := &Exercise{ID: "s04-spawn", Stage: 4, Title: "Spawn", Points: 3, Hints: []string{"h"},
		Tests: []string{"stage04_executor:TestSpawnRuns", "stage04_executor:TestSpawnOrder"}, Hidden: []string{"stage04_executor:TestSpawnManyKept"}}
	// The kept test hung: a hang explains the rest, so it is the one the
	// result describes, though a visible test failed too.
	res := &ExerciseResult{Exercise: e, Status: StatusFailed,
		Reason: "stage04_executor:TestSpawnManyKept hung", FailedTest: "stage04_executor:TestSpawnManyKept",
		Excerpt: []string{"executor.go:40: blocked in chan receive"},
		Tests: map[string]string{"stage04_executor:TestSpawnRuns": "pass", "stage04_executor:TestSpawnOrder": "fail",
			"stage04_executor:TestSpawnManyKept": "fail"}}
	out, err := gradeGradescope(oneExercise(res))
	require.NoError(t, err)
	require.NoError(t, validateGradescope(t, out))
	var got struct{ Tests []gsEntry }
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got.Tests, 2)
	assert.Equal(t, "A test kept for grading fails.\n"+
		"These tests fail too: stage04_executor:TestSpawnOrder.\n"+
		"On your machine: go run ./workbook check s04-spawn --verbose shows why.", got.Tests[0].Output)
	assert.Contains(t, got.Tests[1].Output, "stage04_executor:TestSpawnManyKept hung\n    executor.go:40: blocked in chan receive")
	assert.Equal(t, "after_published", got.Tests[1].Visibility)
}

// TestGradescopeSchemaRejectsWhatGradescopeWouldNot checks the schema
// itself: each edit is a mistake a writer of results.json could make.
func TestGradescopeSchemaRejectsWhatGradescopeWouldNot(t *testing.T) {
	valid := `{"score": 1, "output": "o", "visibility": "visible", "stdout_visibility": "hidden",
		"tests": [{"name": "n", "number": "1.1", "score": 1, "max_score": 1, "status": "passed",
		"output": "x", "output_format": "text", "tags": ["stage 1"], "visibility": "after_published"}]}`
	require.NoError(t, validateGradescope(t, []byte(valid)))
	mistakes := map[string][2]string{
		"status spelt fail":        {`"status": "passed"`, `"status": "fail"`},
		"visibility with a dash":   {`"visibility": "after_published"`, `"visibility": "after-published"`},
		"stdout visibility public": {`"stdout_visibility": "hidden"`, `"stdout_visibility": "public"`},
		"score as a string":        {`"score": 1, "output"`, `"score": "1", "output"`},
		"unknown output format":    {`"output_format": "text"`, `"output_format": "markdown"`},
		"misspelt key":             {`"max_score": 1`, `"max_points": 1`},
		"tags as one string":       {`"tags": ["stage 1"]`, `"tags": "stage 1"`},
		"no score anywhere":        {`"score": 1, "output"`, `"output"`},
		"number as a number":       {`"number": "1.1"`, `"number": 1.1`},
	}
	for name, m := range mistakes {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, valid, m[0])
			doc := strings.Replace(valid, m[0], m[1], 1)
			if name == "no score anywhere" {
				doc = strings.Replace(doc, `"score": 1, "max_score"`, `"max_score"`, 1)
			}
			assert.Error(t, validateGradescope(t, []byte(doc)))
		})
	}
}
