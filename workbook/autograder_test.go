package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradescopeFile is results.json as Gradescope reads it.
type gradescopeFile struct {
	Score  float64 `json:"score"`
	Output string  `json:"output"`
	Tests  []struct {
		Name       string  `json:"name"`
		Score      float64 `json:"score"`
		MaxScore   float64 `json:"max_score"`
		Status     string  `json:"status"`
		Output     string  `json:"output"`
		Visibility string  `json:"visibility"`
	} `json:"tests"`
}

// unzip unpacks archive into dir, keeping permission bits.
func unzip(t *testing.T, archive, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	require.NoError(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		require.False(t, strings.Contains(f.Name, ".."), f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.NoError(t, writeFile(filepath.Join(dir, filepath.FromSlash(f.Name)), data, f.Mode().Perm()))
	}
}

// runAutograder runs the bundle's run_autograder with bash, /autograder
// being root, and returns the results.json it wrote.
func runAutograder(t *testing.T, root string) gradescopeFile {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "source", "run_autograder"))
	cmd.Env = append(os.Environ(), "WORKBOOK_AUTOGRADER_ROOT="+root)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "run_autograder must exit 0 whatever the submission:\n%s", out)
	var got gradescopeFile
	require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(root, "results", "results.json")), &got), string(out))
	return got
}

func TestTheAutograderBundleGradesASubmissionOnlyByItsBodies(t *testing.T) {
	root := copyFixture(t)
	addHiddenTest(t, root)
	archive := filepath.Join(t.TempDir(), "autograder.zip")
	code, stdout, stderr := runApp(t, root, "autograder", archive)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Wrote the Gradescope autograder")

	ag := filepath.Join(t.TempDir(), "autograder")
	unzip(t, archive, filepath.Join(ag, "source"))
	for _, script := range []string{"setup.sh", "run_autograder"} {
		info, err := os.Stat(filepath.Join(ag, "source", script))
		require.NoError(t, err, "%s is at the bundle's root", script)
		assert.NotZero(t, info.Mode().Perm()&0o100, "%s is executable", script)
	}
	setup := string(mustRead(t, filepath.Join(ag, "source", "setup.sh")))
	assert.Contains(t, setup, "go_release=go1.26.0\n", "the release the fixture's go.mod names")
	assert.Contains(t, setup, "set -euo pipefail")
	assert.NotContains(t, string(mustRead(t, filepath.Join(ag, "source/edition/calc/calc.go"))), "return a + b", "the bundle holds no reference body")
	assert.FileExists(t, filepath.Join(ag, "source/edition/calc/calc_hidden_test.go"), "the bundle is the grading edition, hidden tests in")

	// setup.sh builds the grader; the fixture's edition has no runner of
	// its own, so the test puts this package's build where setup.sh would.
	build := exec.Command("go", "build", "-o", filepath.Join(ag, "source", "workbook-grader"), ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	// The upload: the learner's copy, one folder down, with add written
	// and greet's test made to pass by returning at once.
	p, err := loadProject(root)
	require.NoError(t, err)
	sub := filepath.Join(ag, "submission", "asyncgo-main")
	require.NoError(t, exportStudentEdition(p, sub))
	fillAdd(t, sub)
	replaceInFile(t, filepath.Join(sub, "calc/calc_test.go"),
		"func TestGreetTrimsName(t *testing.T) {\n", "func TestGreetTrimsName(t *testing.T) {\n\treturn\n")

	got := runAutograder(t, ag)
	assert.Equal(t, 2.0, got.Score)
	require.Len(t, got.Tests, 5, "one entry per exercise, and one for add's hidden test")
	add, greet := got.Tests[0], got.Tests[1]
	assert.Equal(t, "add: Add two numbers", add.Name)
	assert.Equal(t, "passed", add.Status)
	assert.Equal(t, "visible", add.Visibility)
	assert.Equal(t, "add: tests kept for grading", got.Tests[1].Name)
	assert.Equal(t, "after_published", got.Tests[1].Visibility, "the details of add's hidden test")
	assert.Contains(t, got.Tests[1].Output, "calc:TestAddLargeNumbers: pass", "the hidden test ran at grading")
	greet = got.Tests[2]
	assert.Equal(t, "greet: Greet by name", greet.Name)
	assert.Equal(t, "failed", greet.Status, "the submission's edited test changes nothing")
	assert.Equal(t, "visible", greet.Visibility)
	// Gradescope has no shell: a command is offered only as something to
	// run on the learner's own machine.
	for _, test := range got.Tests {
		for _, line := range strings.Split(test.Output, "\n") {
			if strings.Contains(line, "go run ./workbook") {
				assert.True(t, strings.HasPrefix(line, "On your machine: "), "%s: %q offers a command as if it could run on Gradescope", test.Name, line)
			}
		}
	}
	assert.Contains(t, greet.Output, "Replace the starter's panic in Greet in calc/greet.go")

	// An upload that is not the workbook still gets a results.json that
	// says what to upload.
	require.NoError(t, os.RemoveAll(filepath.Join(ag, "submission")))
	writeFiles(t, ag, map[string]string{"submission/main.go": "package main\n"})
	bad := runAutograder(t, ag)
	assert.Equal(t, 0.0, bad.Score)
	assert.Empty(t, bad.Tests)
	assert.Contains(t, bad.Output, "Your submission could not be graded: workbook: grade: the submission ")
	assert.Contains(t, bad.Output, "Upload your whole copy of the workbook: the folder with go.mod and workbook/exercises.toml in it")
}

func TestTheAutograderNeedsAZipName(t *testing.T) {
	code, _, stderr := runApp(t, copyFixture(t), "autograder", "out.tar")
	assert.Equal(t, 2, code)
	assert.Equal(t, "workbook: autograder: out.tar does not end in .zip; name the file to write, e.g. autograder.zip\n", stderr)
}

func TestGoReleaseReadsGoMod(t *testing.T) {
	dir := t.TempDir()
	for gomod, want := range map[string]string{
		"module m\n\ngo 1.26.0\n":                       "go1.26.0",
		"module m\n\ngo 1.26\n":                         "go1.26.0",
		"module m\n\ngo 1.26.0\n\ntoolchain go1.26.3\n": "go1.26.3",
	} {
		path := filepath.Join(dir, "go.mod")
		require.NoError(t, os.WriteFile(path, []byte(gomod), 0o644))
		got, err := goRelease(path)
		require.NoError(t, err)
		assert.Equal(t, want, got, gomod)
	}
}

func TestTheAutograderBundlesOnlyTheSelectedExercises(t *testing.T) {
	root := copyFixture(t)
	archive := filepath.Join(t.TempDir(), "autograder.zip")
	code, _, stderr := runApp(t, root, "autograder", "--only", "add", "--points", "add=7", archive)
	require.Equal(t, 0, code, stderr)
	dir := t.TempDir()
	unzip(t, archive, dir)
	m, err := readManifest(filepath.Join(dir, "edition"))
	require.NoError(t, err)
	assert.Equal(t, []string{"add"}, m.IDs())
	assert.Equal(t, 7, m.Exercises[0].Points)

	code, _, stderr = runApp(t, root, "autograder", "--only", "ad", archive)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown exercise "ad"`)
}
