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

// fixtureSubmission writes the fixture's student edition (every body a
// hole) into a new folder, as a learner's copy starts.
func fixtureSubmission(t *testing.T, p *Project) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "submission")
	require.NoError(t, writeEdition(p, dir, func(string) bool { return true }))
	return dir
}

// fillAdd writes a right answer into the submission's Add.
func fillAdd(t *testing.T, sub string) {
	t.Helper()
	replaceInFile(t, filepath.Join(sub, "calc/calc.go"),
		`panic("workbook: exercise add is not done yet; run: go run ./workbook hint add")`, "return a + b")
}

// resultOf finds one exercise's result in a report.
func resultOf(t *testing.T, r *gradeReport, id string) *ExerciseResult {
	t.Helper()
	for _, res := range r.Results {
		if res.Exercise.ID == id {
			return res
		}
	}
	require.Failf(t, "no result", "the report has no exercise %s", id)
	return nil
}

func TestGradeSubmissionCountsOnlyBodiesAgainstThePristineTestsAndPoints(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	fillAdd(t, sub)
	// The tricks of a learner who edits more than bodies: a test that
	// returns at once, another exercise's test gutted, and the points.
	replaceInFile(t, filepath.Join(sub, "calc/calc_test.go"),
		"func TestGreetTrimsName(t *testing.T) {\n", "func TestGreetTrimsName(t *testing.T) {\n\treturn\n")
	replaceInFile(t, filepath.Join(sub, "counter/counter_test.go"),
		"func TestCounterCountsConcurrentIncrements(t *testing.T) {\n", "func TestCounterCountsConcurrentIncrements(t *testing.T) {\n\treturn\n")
	replaceInFile(t, filepath.Join(sub, "workbook/exercises.toml"), "points = 2", "points = 200")

	r, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 2, r.Score, "only add passes, worth the pristine's 2 points")
	assert.Equal(t, 8, r.MaxScore)
	assert.True(t, resultOf(t, r, "add").Passed())
	for _, id := range []string{"greet", "sum", "counter"} {
		res := resultOf(t, r, id)
		assert.False(t, res.Passed(), "%s: the submission's edited test must not count", id)
	}
	greet := resultOf(t, r, "greet")
	assert.Equal(t, StatusNotDone, greet.Status)
	assert.Equal(t, []string{"Replace the starter's panic in Greet in calc/greet.go with your own code."}, greet.Advice)
	assert.NotContains(t, explanation(greet), "go run ./workbook", "a grading site cannot run commands")
	assert.Equal(t, StatusNotDone, resultOf(t, r, "sum").Status, "sum's body is the submission's hole")
}

func TestGradeSubmissionNeverFallsBackToTheReferenceBody(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	// The learner deleted Add, marker and all: the reference's Add must
	// not fill the gap.
	src := string(mustRead(t, filepath.Join(sub, "calc/calc.go")))
	start := strings.Index(src, "// Add returns")
	end := strings.Index(src, "// Sum adds")
	require.True(t, start >= 0 && end > start, "the fixture changed; update this test")
	require.NoError(t, os.WriteFile(filepath.Join(sub, "calc/calc.go"), []byte(src[:start]+src[end:]), 0o644))
	// Sum, written right, calls Add: it passes only if Add is the reference.
	replaceInFile(t, filepath.Join(sub, "calc/calc.go"),
		`panic("workbook: exercise sum is not done yet; run: go run ./workbook hint sum")`,
		"total := 0\n\tfor _, x := range xs {\n\t\ttotal = Add(total, x)\n\t}\n\treturn total")

	r, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	add := resultOf(t, r, "add")
	assert.False(t, add.Passed())
	assert.Equal(t, "calc/calc.go has no Add marked add", add.Reason)
	sum := resultOf(t, r, "sum")
	assert.Equal(t, "waits for exercise add, which is not done yet", sum.Reason, "Add is the hole, never the reference")
	assert.Equal(t, 0, r.Score)
}

func TestGradeSubmissionWithAFileThatDoesNotParseGradesTheOthers(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	fillAdd(t, sub)
	replaceInFile(t, filepath.Join(sub, "counter/counter.go"),
		"func (c *Counter) Inc() {\n", "func (c *Counter) Inc() {\n\tc.n++ +\n")

	r, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	counter := resultOf(t, r, "counter")
	assert.False(t, counter.Passed())
	assert.Equal(t, "does not build: counter/counter.go:16 does not parse", counter.Reason)
	assert.True(t, resultOf(t, r, "add").Passed(), "a file of another package does not hold up add")
	assert.Equal(t, 2, r.Score)
}

func TestGradeSubmissionExplainsThatHelpersOutsideBodiesAreNotTaken(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	replaceInFile(t, filepath.Join(sub, "calc/calc.go"),
		`panic("workbook: exercise add is not done yet; run: go run ./workbook hint add")`, "return plus(a, b)")
	f, err := os.OpenFile(filepath.Join(sub, "calc/calc.go"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\nfunc plus(a, b int) int { return a + b }\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	r, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	add := resultOf(t, r, "add")
	assert.Equal(t, "does not compile", add.Reason)
	assert.Contains(t, explanation(add), "undefined: plus")
	assert.Contains(t, explanation(add), helpersNotTaken)
}

func TestGradeSubmissionTakesImportsTheBodyNeeds(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	// The hole dropped fmt from greet.go; the body needs it back, and
	// unicode, which the learner added to the file's imports and the
	// reference never had.
	replaceInFile(t, filepath.Join(sub, "calc/greet.go"),
		`panic("workbook: exercise greet is not done yet; run: go run ./workbook hint greet")`,
		`return fmt.Sprint("hello, ", strings.TrimFunc(name, unicode.IsSpace))`)
	replaceInFile(t, filepath.Join(sub, "calc/greet.go"), "\t\"strings\"\n", "\t\"strings\"\n\t\"unicode\"\n")

	r, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	assert.True(t, resultOf(t, r, "greet").Passed(), explanation(resultOf(t, r, "greet")))
}

func TestGradeSubmissionFindsTheWorkbookOneFolderDown(t *testing.T) {
	p := loadFixture(t)
	upload := t.TempDir()
	require.NoError(t, writeEdition(p, filepath.Join(upload, "my-repo"), func(string) bool { return true }))
	fillAdd(t, filepath.Join(upload, "my-repo"))

	out := filepath.Join(t.TempDir(), "results.json")
	code, stdout, stderr := runApp(t, p.Root, "grade", "--submission", upload, "--format", "json", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2/8 points")
	var got jsonReport
	require.NoError(t, json.Unmarshal(mustRead(t, out), &got))
	assert.Equal(t, 2, got.Score)
}

func TestGradeSubmissionThatIsNotAWorkbookIsOneLine(t *testing.T) {
	root := copyFixture(t)
	empty := t.TempDir()
	for name, dir := range map[string]string{"missing": filepath.Join(empty, "nowhere"), "not a workbook": empty} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runApp(t, root, "grade", "--submission", dir)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
			assert.Contains(t, stderr, "workbook: grade: the submission "+dir)
			assert.Contains(t, stderr, "go.mod and workbook/exercises.toml")
		})
	}
	code, _, stderr := runApp(t, root, "grade", "--hidden-visibility", "later")
	assert.Equal(t, 2, code)
	assert.Equal(t, "workbook: grade: unknown --hidden-visibility \"later\"; use visible, hidden, after_due_date, after_published\n", stderr)
}

func TestGradeSubmissionLeavesNoTemporaryFolder(t *testing.T) {
	p := loadFixture(t)
	sub := fixtureSubmission(t, p)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, err := gradeSubmission(context.Background(), p, sub, io.Discard)
	require.NoError(t, err)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "workbook-grade-"), "left behind: %s", e.Name())
	}
}
