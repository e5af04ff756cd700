package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyPassesOnTheFixture(t *testing.T) {
	p := loadFixture(t)
	var out bytes.Buffer
	probs, err := verify(context.Background(), p, verifyOptions{Jobs: 2}, &out)
	require.NoError(t, err)
	assert.Empty(t, probs, out.String())
	text := out.String()
	assert.Contains(t, text, "student edition: ok: 0 must pass, 5 must fail")
	assert.Contains(t, text, "restore sum (with add): ok: 3 must pass, 2 must fail")
	assert.Contains(t, text, "reference: ok: 5 must pass, 0 must fail")
	assert.Contains(t, text, "verify: OK")
	// Restoring counter changes nothing calc is built from, and the other
	// way round: those outcomes are the student edition's.
	assert.Regexp(t, `restore counter: ok: 1 must pass, 4 must fail \([0-9.]+s; calc as in the student edition\)`, text)
	assert.Regexp(t, `restore add: ok: 2 must pass, 3 must fail \([0-9.]+s; counter as in the student edition\)`, text)
	assert.Regexp(t, `reference: ok: 5 must pass, 0 must fail \([0-9.]+s\)`, text, "the reference runs everything")
}

func TestPackageDepsFollowImportsAndFolderNames(t *testing.T) {
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		// Imports calc: restoring calc's exercises can change its tests.
		"user/user.go":      "// Package user uses calc.\npackage user\n\nimport \"example.com/fixture/calc\"\n\n// Twice doubles x.\nfunc Twice(x int) int { return calc.Add(x, x) }\n",
		"user/user_test.go": "package user\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {\n\tif Twice(2) != 4 {\n\t\tt.Error(\"Twice(2) != 4\")\n\t}\n}\n",
		// Imports nothing, but reads calc's source at run time.
		"reader/reader.go":      "// Package reader reads other folders.\npackage reader\n",
		"reader/reader_test.go": "package reader\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestReadsCalc(t *testing.T) {\n\tif _, err := os.ReadFile(\"../calc/calc.go\"); err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n",
	})
	deps, err := loadPackageDeps(context.Background(), root, []string{"calc", "counter", "user", "reader"}, []string{"calc", "counter"})
	require.NoError(t, err)
	calc := map[string]bool{"calc": true}
	counter := map[string]bool{"counter": true}
	assert.True(t, deps.affected("calc", calc))
	assert.False(t, deps.affected("calc", counter))
	assert.True(t, deps.affected("user", calc), "user imports calc")
	assert.False(t, deps.affected("user", counter))
	assert.True(t, deps.affected("reader", calc), "reader names calc's folder")
	assert.False(t, deps.affected("counter", calc))
	assert.True(t, deps.affected("elsewhere", counter), "a folder go list did not describe depends on everything")
}

func TestVerifyReportsDefectiveExercises(t *testing.T) {
	root := copyFixture(t)
	// A test that passes against the panic: it recovers and asserts nothing.
	replaceInFile(t, filepath.Join(root, "calc", "calc_test.go"),
		"func TestAddNegative(t *testing.T) {\n",
		"func TestAddNegative(t *testing.T) {\n\tdefer func() { _ = recover() }()\n")
	// An exercise that forgot to declare what it requires.
	replaceInFile(t, filepath.Join(root, manifestPath), "requires = [\"add\"]\n", "")
	p, err := loadProject(root)
	require.NoError(t, err)
	var out bytes.Buffer
	probs, err := verify(context.Background(), p, verifyOptions{Jobs: 2}, &out)
	require.NoError(t, err)
	all := strings.Join(probs, "\n")
	assert.Contains(t, all, "student edition: calc:TestAddNegative (exercise add) passes against the stand-in panics")
	assert.Contains(t, all, "restore sum: calc:TestSumOfThree (exercise sum) should pass but failed")
	assert.Contains(t, all, "restore greet: calc:TestAddNegative (exercise add) passes although its exercise is still a panic here")
	assert.NotContains(t, all, "reference:", "the reference itself is fine")
	assert.NotContains(t, out.String(), "verify: OK")
}

func TestVerifyCommandRefusesTheStudentEdition(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	code, _, stderr := runApp(t, dir, "verify")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "verify is for the reference repository")
}

func TestRequiredClosureFollowsRequiresTransitively(t *testing.T) {
	m := &Manifest{Exercises: []*Exercise{
		{ID: "a"}, {ID: "b", Requires: []string{"a"}}, {ID: "c"}, {ID: "d", Requires: []string{"b"}},
	}}
	assert.Equal(t, []string{"d", "a", "b"}, requiredClosure(m, "d"))
	assert.Equal(t, []string{"c"}, requiredClosure(m, "c"))
}
