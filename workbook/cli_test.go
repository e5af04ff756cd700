package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadCommandLinesAreOneLineAndExitTwo(t *testing.T) {
	root := copyFixture(t)
	cases := map[string]struct {
		args []string
		want string
	}{
		"unknown flag":       {[]string{"list", "--colour"}, "workbook: list: flag provided but not defined: -colour\n"},
		"unknown command":    {[]string{"chek"}, "workbook: unknown command \"chek\"; did you mean check? (go run ./workbook help lists them)\n"},
		"unknown exercise":   {[]string{"check", "sun"}, "workbook: unknown exercise \"sun\"; did you mean sum?\n"},
		"unknown hint id":    {[]string{"hint", "gret"}, "workbook: unknown exercise \"gret\"; did you mean greet?\n"},
		"too many arguments": {[]string{"check", "add", "sum"}, "workbook: check: unexpected argument \"sum\" (go run ./workbook help shows the usage)\n"},
		"missing argument":   {[]string{"export"}, "workbook: export: missing argument (go run ./workbook help shows the usage)\n"},
		"unknown stage":      {[]string{"check", "stage7"}, "workbook: stage 7 has no exercises (stages with exercises: 1, 2)\n"},
		"bad jobs":           {[]string{"verify", "--jobs", "0"}, "workbook: verify: --jobs must be at least 1\n"},
		"bad timeout":        {[]string{"verify", "--timeout", "0s"}, "workbook: verify: --timeout must be a positive duration, e.g. 2m\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runApp(t, root, c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, c.want, stderr)
		})
	}
}

func TestOutsideTheRepositoryTheRunnerSaysWhereToRunIt(t *testing.T) {
	code, _, stderr := runApp(t, t.TempDir(), "list")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not inside the asyncgo workbook: run this from the repository's root folder")
	assert.Equal(t, 1, strings.Count(stderr, "\n"))
}

func TestTheRunnerFindsTheRootFromASubfolder(t *testing.T) {
	root := copyFixture(t)
	got, err := findRoot(filepath.Join(root, "calc"))
	require.NoError(t, err)
	assert.Equal(t, root, got)

	repo, err := findRoot(".")
	require.NoError(t, err)
	assert.Equal(t, modulePath, mustModulePath(t, repo), "from workbook/ the repository root is found by its module path")
}

func TestHelpPrintsUsage(t *testing.T) {
	code, stdout, _ := runApp(t, copyFixture(t), "check", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "usage: go run ./workbook")
}

func TestCheckReportsNotDoneThenPassAndRemembersIt(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))

	code, stdout, stderr := runApp(t, dir, "check")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "· add  Add two numbers: not done yet")
	assert.Contains(t, stdout, "Replace the panic in Add in calc/calc.go")
	assert.Contains(t, stdout, "Hint 1/2: Use the + operator.")
	assert.NotContains(t, stdout, "goroutine", "no stack trace for an exercise not started")
	assert.Equal(t, "workbook: 1 of 1 checked exercises do not pass yet: add (not done yet)\n", stderr)

	// The learner writes a wrong answer: the assertion and the hint show.
	replaceInFile(t, filepath.Join(dir, "calc", "calc.go"),
		"\tpanic(\"workbook: exercise add is not done yet; run: go run ./workbook hint add\")\n", "\treturn a - b\n")
	code, stdout, _ = runApp(t, dir, "check", "add")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "✗ add  Add two numbers: calc:TestAddSmallNumbers failed")
	assert.Contains(t, stdout, "calc_test.go:7: Add(2, 3) = -1, want 5")
	assert.Contains(t, stdout, "Next hint: go run ./workbook hint add")

	replaceInFile(t, filepath.Join(dir, "calc", "calc.go"), "return a - b", "return a + b")
	code, stdout, stderr = runApp(t, dir, "check")
	assert.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "a passing check writes nothing to stderr (the classroom grader fails on any)")
	assert.Contains(t, stdout, "✓ add  Add two numbers")
	assert.Contains(t, stdout, "Next: greet")

	code, stdout, _ = runApp(t, dir, "list", "--json")
	require.Equal(t, 0, code)
	var entries []listEntry
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	require.Len(t, entries, 4)
	assert.Equal(t, "add", entries[0].ID)
	assert.Equal(t, 1, entries[0].Stage)
	assert.Equal(t, 2, entries[0].Points)
	assert.True(t, entries[0].Done)
	assert.False(t, entries[1].Done)
	assert.Equal(t, 1, entries[0].Shown, "the failed check showed the first hint")

	code, stdout, _ = runApp(t, dir, "list")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "Progress: 1/4 exercises, 2/8 points")
	assert.Contains(t, stdout, "✓ add")
	assert.Contains(t, stdout, "· greet")
	assert.Contains(t, stdout, "Add two numbers (2 points)")
	assert.Contains(t, stdout, "Greet by name (1 point)")
}

func TestCheckNamesOnlyTheFunctionsThatAreStillAPanic(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	code, stdout, _ := runApp(t, dir, "check", "counter")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "Replace the panic in (*Counter).Inc in counter/counter.go and (*Counter).Value in counter/counter.go with your own code.")

	// The learner has written Inc; only Value is left.
	replaceInFile(t, filepath.Join(dir, "counter", "counter.go"),
		"\tpanic(\"workbook: exercise counter is not done yet; run: go run ./workbook hint counter\")\n",
		"\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n++\n")
	code, stdout, _ = runApp(t, dir, "check", "counter")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "· counter  A counter safe for goroutines: not done yet")
	assert.Contains(t, stdout, "Replace the panic in (*Counter).Value in counter/counter.go with your own code.")
	assert.NotContains(t, stdout, "Inc in", "Inc is written: it is not the learner's to-do any more")
}

func TestHintGivesHintsOneAtATime(t *testing.T) {
	root := copyFixture(t)
	steps := []string{"Hint 1/3: Loop over xs.", "Hint 2/3: Call Add for each x.", "Hint 3/3: total = Add(total, x)", "That was the last hint."}
	for _, want := range steps {
		code, stdout, stderr := runApp(t, root, "hint", "sum")
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, want)
	}
	code, stdout, _ := runApp(t, root, "hint", "--all", "greet")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "Hint 1/1: fmt.Sprintf formats")

	st, err := loadState(filepath.Join(root, ".workbook", "state.json"))
	require.NoError(t, err)
	assert.Equal(t, 3, st.Of("sum").HintsShown)
	assert.Equal(t, 1, st.Of("greet").HintsShown)
}

func TestStateFileRoundTripsAndExplainsCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".workbook", "state.json")
	st, err := loadState(path)
	require.NoError(t, err)
	st.Of("add").Status = StatusPassed
	st.Of("sum").HintsShown = 2
	require.NoError(t, st.save(path))
	again, err := loadState(path)
	require.NoError(t, err)
	assert.True(t, again.Done("add"))
	assert.False(t, again.Done("sum"))
	assert.Equal(t, 2, again.Of("sum").HintsShown)

	writeFiles(t, filepath.Dir(path), map[string]string{"state.json": "{not json"})
	_, err = loadState(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "delete the file to start over")
}

func TestClosestSuggestsPlausibleTypos(t *testing.T) {
	ids := []string{"s01-http-get", "s01-coroutine", "s03-waker-wake"}
	assert.Equal(t, []string{"s01-http-get"}, closest("s01-htp-get", ids))
	assert.Equal(t, []string{"s03-waker-wake"}, closest("wake", ids))
	assert.Empty(t, closest("zzzzzz", ids))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
}

// mustModulePath reads the module path of the go.mod in dir.
func mustModulePath(t *testing.T, dir string) string {
	t.Helper()
	p, err := readModulePath(dir)
	require.NoError(t, err)
	return p
}
