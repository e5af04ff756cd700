package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// brokenCalc is a copy of the fixture whose calc/calc.go, the home of the
// exercises add and sum, does not parse: the learner is halfway through Add.
func brokenCalc(t *testing.T) string {
	t.Helper()
	root := copyFixture(t)
	replaceInFile(t, filepath.Join(root, "calc", "calc.go"), "return a + b", "return a +")
	return root
}

const brokenCalcMessage = "calc/calc.go:10:1: syntax error: expected operand, found '}'; fix it and run again"

func TestAFileThatDoesNotParseStillHasItsMarkers(t *testing.T) {
	p, err := loadProject(brokenCalc(t))
	require.NoError(t, err, "a syntax error is not a manifest mistake")
	require.Len(t, p.Broken, 1)
	assert.Equal(t, brokenCalcMessage, p.Broken[0].Message())
	var found []string
	for _, mk := range p.Markers {
		found = append(found, mk.ID+" "+mk.Func+" "+mk.Pos())
	}
	assert.ElementsMatch(t, []string{
		"add Add calc/calc.go:6",
		"sum Sum calc/calc.go:14",
		"greet Greet calc/greet.go:13",
		"counter (*Counter).Inc counter/counter.go:14",
		"counter (*Counter).Value counter/counter.go:23",
	}, found)
}

func TestMarkerLinesAreFoundWithoutParsing(t *testing.T) {
	src := "package x\n\n// Wake wakes.\n//\n//workbook:exercise s03-wake\nfunc (w *Waker) Wake() {\n\tbroken(\n}\n\n//workbook:exercise s03-park\nfunc Park[T any](x T) {\n"
	var got []string
	for _, mk := range scanMarkerLines("x/x.go", []byte(src)) {
		got = append(got, mk.ID+" "+mk.Func+" "+mk.Pos())
	}
	assert.Equal(t, []string{"s03-wake (*Waker).Wake x/x.go:5", "s03-park Park x/x.go:10"}, got)
}

func TestListShowsWhichExercisesDoNotBuild(t *testing.T) {
	code, stdout, stderr := runApp(t, brokenCalc(t), "list")
	assert.Equal(t, 0, code, stderr)
	assert.Regexp(t, `add\s+Add two numbers \(2 points; does not build: calc/calc.go:10\)`, stdout)
	assert.Regexp(t, `greet\s+Greet by name \(1 point; does not build: calc/calc.go:10\)`, stdout, "greet's tests build the calc package too")
	assert.Regexp(t, `counter\s+A counter safe for goroutines \(2 points\)\n`, stdout)
	assert.Equal(t, 1, strings.Count(stdout, brokenCalcMessage), "the message once")

	_, js, _ := runApp(t, brokenCalc(t), "list", "--json")
	assert.Contains(t, js, `"does_not_build": "calc/calc.go:10"`)
}

func TestCheckOfAnotherPackageWorksWhileAFileDoesNotParse(t *testing.T) {
	code, stdout, stderr := runApp(t, brokenCalc(t), "check", "counter")
	assert.Equal(t, 0, code, stdout+stderr)
	assert.Contains(t, stdout, "✓ counter")
}

func TestCheckOfTheBrokenPackageGivesTheSyntaxErrorOnce(t *testing.T) {
	code, stdout, _ := runApp(t, brokenCalc(t), "check", "add")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "✗ add  Add two numbers: does not build: calc/calc.go:10\n    "+brokenCalcMessage+"\n")
	assert.Equal(t, 1, strings.Count(stdout, "syntax error"))
	assert.NotContains(t, stdout, "has no marker")
}

func TestHintWorksWhileAFileDoesNotParse(t *testing.T) {
	code, stdout, stderr := runApp(t, brokenCalc(t), "hint", "add")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Hint 1/2: Use the + operator.")
}

func TestExportRefusesAFileThatDoesNotParse(t *testing.T) {
	code, _, stderr := runApp(t, brokenCalc(t), "export", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "workbook: "+brokenCalcMessage+"\n", stderr)
}
