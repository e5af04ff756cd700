// Tests for the catalogue of wrong answers (mutatecatalog.go), the mutant
// generator (mutategen.go) and `verify --wrong` (mutaterun.go), on the
// fixture module.

package main

import (
	"bytes"
	"context"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureWrong is a catalogue for every exercise of the fixture: each
// entry is a mistake its exercise's tests reject.
var fixtureWrong = map[string]string{
	"workbook/wrong/add.txt": `# Wrong answers for add.

== subtracts instead of adding
in calc/calc.go Add
- return a + b
+ return a - b
`,
	"workbook/wrong/greet.txt": `== keeps the spaces around the name
in calc/greet.go Greet
- return fmt.Sprintf("hello, %s", strings.TrimSpace(name))
+ return fmt.Sprintf("hello, %s", name)
`,
	"workbook/wrong/sum.txt": `== starts the total at one
in calc/calc.go Sum
- total := 0
+ total := 1
`,
	"workbook/wrong/counter.txt": `== never counts
in counter/counter.go (*Counter).Inc
- c.n++
`,
}

// fixtureWithWrong copies the fixture, writes files into it and loads it.
func fixtureWithWrong(t *testing.T, files map[string]string) *Project {
	t.Helper()
	dir := copyFixture(t)
	writeFiles(t, dir, files)
	p, err := loadProject(dir)
	require.NoError(t, err)
	return p
}

func TestParseWrongAnswersReadsEveryPartOfAnEntry(t *testing.T) {
	src := `# a comment
== drops the error
in pkg/file.go (*T).Run
- x := 1
-   return err
+ return nil
also later-one other-one

== deletes a line
in pkg/file.go Other
- y++
`
	was, probs := parseWrongAnswers("w/ex.txt", "ex", []byte(src))

	require.Empty(t, probs)
	require.Len(t, was, 2)
	assert.Equal(t, &WrongAnswer{
		Exercise: "ex", Desc: "drops the error", File: "pkg/file.go", Func: "(*T).Run",
		Old: []string{"x := 1", "return err"}, New: []string{"return nil"},
		Also: []string{"later-one", "other-one"}, Pos: "w/ex.txt:2",
	}, was[0])
	assert.Empty(t, was[1].New, "no + lines: the - lines are deleted")
	assert.Equal(t, "w/ex.txt:9", was[1].Pos)
}

func TestParseWrongAnswersNamesEachMistakeWithItsLine(t *testing.T) {
	src := `- orphan line
== no place
- x
== no change
in a.go F
== plus before minus
in a.go F
+ y
- x
== stray
in a.go F
- x
something else
`
	_, probs := parseWrongAnswers("w/ex.txt", "ex", []byte(src))

	assert.Equal(t, problems{
		`w/ex.txt:1: start each wrong answer with a line "== what the mistake is"`,
		`w/ex.txt:2: wrong answer "no place" does not say where: add a line "in FILE FUNC"`,
		`w/ex.txt:4: wrong answer "no change" changes nothing: add "- " lines to replace`,
		`w/ex.txt:9: put every "- " line of an entry before its "+ " lines`,
		`w/ex.txt:13: a line of a wrong answer starts with "in ", "also ", "- " or "+ "`,
	}, probs)
}

func TestApplyWrongAnswerKeepsTheIndentationOfTheReplacedLines(t *testing.T) {
	body := "\n\tfor {\n\t\tx++\n\t\ty++\n\t}\n"
	wa := &WrongAnswer{Func: "F", Old: []string{"x++", "y++"}, New: []string{"y++", "x++", "z++"}}

	got, err := applyWrongAnswer(body, wa)

	require.NoError(t, err)
	assert.Equal(t, "\n\tfor {\n\t\ty++\n\t\tx++\n\t\tz++\n\t}\n", got)
}

func TestApplyWrongAnswerRefusesLinesThatAreMissingOrAmbiguous(t *testing.T) {
	body := "\n\tx++\n\ty++\n\tx++\n"

	_, err := applyWrongAnswer(body, &WrongAnswer{Func: "F", Old: []string{"x++"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "occur more than once in F")

	_, err = applyWrongAnswer(body, &WrongAnswer{Func: "F", Old: []string{"z++"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "are not in the body of F")

	got, err := applyWrongAnswer(body, &WrongAnswer{Func: "F", Old: []string{"y++", "x++"}})
	require.NoError(t, err, "a neighbouring line tells the two apart")
	assert.Equal(t, "\n\tx++\n", got)
}

func TestLoadWrongAnswersReadsTheFixturesCatalogue(t *testing.T) {
	p := fixtureWithWrong(t, fixtureWrong)

	was, probs := loadWrongAnswers(p, "")

	require.Empty(t, probs)
	require.Len(t, was, 4)
	assert.Equal(t, "(*Counter).Inc", was[3].Func, "in the manifest's order")
}

func TestLoadWrongAnswersReportsCatalogueMistakes(t *testing.T) {
	files := map[string]string{
		// add.txt names a function of another exercise, and lines not in it.
		"workbook/wrong/add.txt": `== wrong place
in calc/calc.go Sum
- total := 0
== not there
in calc/calc.go Add
- return a * b
== unknown later exercise
in calc/calc.go Add
- return a + b
also nope
`,
		"workbook/wrong/greet.txt":   fixtureWrong["workbook/wrong/greet.txt"],
		"workbook/wrong/sum.txt":     fixtureWrong["workbook/wrong/sum.txt"],
		"workbook/wrong/unknown.txt": "",
		// counter.txt is missing.
	}
	p := fixtureWithWrong(t, files)

	_, probs := loadWrongAnswers(p, "")

	assert.Equal(t, problems{
		"workbook/wrong/add.txt:1: Sum in calc/calc.go belongs to exercise sum, not add: move this wrong answer to workbook/wrong/sum.txt",
		`workbook/wrong/add.txt:4: the lines to replace (starting "return a * b") are not in the body of Add: copy them from it`,
		`workbook/wrong/add.txt:7: also names "nope", which is not an exercise`,
		"workbook/wrong/counter.txt:0: exercise counter has no wrong answers listed: write two to five of its likely mistakes in this file (the format is in workbook/README.md)",
		`workbook/wrong/unknown.txt:0: no exercise "unknown" in workbook/exercises.toml: rename or remove this file`,
	}, probs)
}

func TestLoadWrongAnswersWithOnlyLooksAtOneExercise(t *testing.T) {
	p := fixtureWithWrong(t, map[string]string{"workbook/wrong/sum.txt": fixtureWrong["workbook/wrong/sum.txt"]})

	was, probs := loadWrongAnswers(p, "sum")

	require.Empty(t, probs, "the other exercises' missing files do not matter")
	require.Len(t, was, 1)
}

// descs lists the mutants' descriptions.
func descs(ms []*Mutant) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Desc
	}
	return out
}

func TestGenerateMutantsOfTheFixturesCounter(t *testing.T) {
	src := mustRead(t, filepath.Join(fixtureDir, "counter", "counter.go"))

	ms, err := generateMutants("counter/counter.go", src, func(*Marker) bool { return true })

	require.NoError(t, err)
	assert.Equal(t, []string{
		"delete `c.mu.Lock()`",
		"swap `c.mu.Lock()` and `defer c.mu.Unlock()`",
		"delete `defer c.mu.Unlock()`",
		"swap `defer c.mu.Unlock()` and `c.n++`",
		"delete `c.n++`",
		"delete `c.mu.Lock()`",
		"swap `c.mu.Lock()` and `defer c.mu.Unlock()`",
		"delete `defer c.mu.Unlock()`",
	}, descs(ms))
	assert.Equal(t, "(*Counter).Inc", ms[0].Func)
	assert.Equal(t, "counter", ms[0].Exercise)
	assert.Equal(t, "(*Counter).Value", ms[5].Func)
	assert.Equal(t, 18, ms[4].Line, "the line of c.n++")
	assert.NotContains(t, string(ms[4].Source), "c.n++")
}

func TestGenerateMutantsCoversEveryKindOfChange(t *testing.T) {
	src := []byte(`package p

import (
	"fmt"
	"time"
)

// F is marked.
//
//workbook:exercise ex
func F(xs []int, timeout time.Duration) error {
	for _, x := range xs {
		if x < 0 {
			continue
		}
		if x >= 10 {
			break
		}
		wait(timeout)
	}
	if len(xs) == 0 {
		return fmt.Errorf("empty")
	}
	return nil
}

// G is not marked: nothing in it changes.
func G(a int) bool { return a < 1 }

func wait(time.Duration) {}
`)
	ms, err := generateMutants("p/p.go", src, func(*Marker) bool { return true })

	require.NoError(t, err)
	assert.Equal(t, []string{
		"negate the condition `x < 0`",
		"`<` becomes `<=` in `x < 0`",
		"`continue` becomes `break`",
		"negate the condition `x >= 10`",
		"`>=` becomes `>` in `x >= 10`",
		"`break` becomes `continue`",
		"delete `wait(timeout)`",
		"pass 0 instead of `timeout` in `wait(timeout)`",
		"negate the condition `len(xs) == 0`",
		"return nil instead of `fmt.Errorf(\"empty\")`",
	}, descs(ms))
	for _, m := range ms {
		_, err := parser.ParseFile(token.NewFileSet(), "p.go", m.Source, 0)
		assert.NoError(t, err, "mutant %q must still parse", m.Desc)
	}
	again, err := generateMutants("p/p.go", src, func(*Marker) bool { return true })
	require.NoError(t, err)
	assert.Equal(t, ms, again, "the same source gives the same mutants")
}

func TestGenerateMutantsKeepsOnlyTheChosenMarkers(t *testing.T) {
	src := mustRead(t, filepath.Join(fixtureDir, "calc", "calc.go"))

	ms, err := generateMutants("calc/calc.go", src, func(mk *Marker) bool { return mk.ID == "add" })

	require.NoError(t, err)
	for _, m := range ms {
		assert.Equal(t, "Add", m.Func)
	}
}

func TestSpreadKeepsEvenlySpacedItemsInOrder(t *testing.T) {
	list := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

	assert.Equal(t, []int{0, 2, 5, 7}, spread(list, 4))
	assert.Equal(t, list, spread(list, 10))
	assert.Equal(t, list, spread(list, 0), "no cap")
}

func TestVerifyWrongRejectsTheCatalogueAndReportsLiveOnes(t *testing.T) {
	files := map[string]string{}
	for k, v := range fixtureWrong {
		files[k] = v
	}
	// A mistake the fixture's tests miss: Add is only tested with small
	// numbers, never with a result above 100.
	files["workbook/wrong/add.txt"] += `
== caps the result at 100
in calc/calc.go Add
- return a + b
+ return min(a+b, 100)
`
	p := fixtureWithWrong(t, files)
	var out bytes.Buffer

	// Only add's trials, one generated mutant: each costs a build.
	probs, err := verifyWrong(context.Background(), p, wrongOptions{Jobs: 2, Timeout: 20 * time.Second, PerStage: 1, Only: "add"}, &out)

	require.NoError(t, err)
	require.Len(t, probs, 1, out.String())
	assert.Contains(t, probs[0], `workbook/wrong/add.txt:8: every listed test of add in calc passes with the wrong answer "caps the result at 100"`)
	report := out.String()
	assert.Contains(t, report, "add                    1 of 2 rejected")
	assert.Contains(t, report, "rejected  subtracts instead of adding (TestAddNegative, TestAddSmallNumbers)")
	assert.Contains(t, report, "LIVES     caps the result at 100")
	assert.NotContains(t, report, "counter", "--only leaves the other exercises out")
	assert.Regexp(t, `calc +[01] of 1 killed`, report, "generated mutants are reported by package folder")
}
