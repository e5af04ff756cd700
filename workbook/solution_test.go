package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSolutionInTheReferenceShowsTheBodyOnlyAfterAPass(t *testing.T) {
	root := copyFixture(t)
	code, stdout, stderr := runApp(t, root, "solution", "add")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "workbook: solution: add has not passed its last check; the reference is shown once your own answer passes (go run ./workbook check add)\n", stderr)

	code, _, stderr = runApp(t, root, "check", "add")
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = runApp(t, root, "solution", "add")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "The reference for add  Add two numbers")
	assert.Contains(t, stdout, "Add in calc/calc.go:\n{\n\t// The reference answer: one addition.\n\treturn a + b\n}\n")
}

func TestSolutionInAStudentEditionNeedsTheTeachersConsent(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	assert.NoFileExists(t, filepath.Join(dir, filepath.FromSlash(solutionsPath)), "without --solutions nothing of the reference goes out")
	replaceInFile(t, filepath.Join(dir, "calc", "calc.go"), addHole, "\treturn a + b\n")
	code, _, stderr := runApp(t, dir, "check", "add")
	require.Equal(t, 0, code, stderr)

	code, stdout, stderr := runApp(t, dir, "solution", "add")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "your teacher did not include the reference solutions in this edition")
	assert.Equal(t, 1, strings.Count(stderr, "\n"))
}

func TestExportWithSolutionsCarriesThemOnlyInTheSolutionsFile(t *testing.T) {
	root := copyFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	code, stdout, stderr := runApp(t, root, "export", "--solutions", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, solutionsPath)
	p, err := loadProject(root)
	require.NoError(t, err)

	var sf solutionsFile
	require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(dir, filepath.FromSlash(solutionsPath))), &sf))
	for _, m := range p.Markers {
		require.NotEmpty(t, sf.Exercises[m.ID], "no reference for %s", m.ID)
		assert.Contains(t, sf.Exercises[m.ID], referenceSaved{File: m.File, Func: m.Func, Body: m.Body})
	}
	// Every other file is as free of solutions as without the flag.
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(solutionsPath))))
	leaks, err := findLeaks(dir, p.Markers)
	require.NoError(t, err)
	assert.Empty(t, leaks)
	near, err := findNearCopies(dir, p.Markers)
	require.NoError(t, err)
	assert.Empty(t, near)
	writeFiles(t, dir, map[string]string{solutionsPath: string(mustJSON(t, sf))})

	// Not before the learner's answer passes; then the reference, as in
	// the reference repository.
	code, _, stderr = runApp(t, dir, "solution", "sum")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "sum has not passed its last check")
	replaceInFile(t, filepath.Join(dir, "calc", "calc.go"), addHole, "\treturn a + b\n")
	code, _, stderr = runApp(t, dir, "check", "add")
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = runApp(t, dir, "solution", "add")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Add in calc/calc.go:\n{\n\t// The reference answer: one addition.\n\treturn a + b\n}\n")
}

// mustJSON encodes v or fails the test.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}
