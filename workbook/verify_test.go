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
