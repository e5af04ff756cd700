package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addHole is the stand-in body export writes for the fixture's add.
const addHole = "\tpanic(\"workbook: exercise add is not done yet; run: go run ./workbook hint add\")\n"

func TestResetPutsTheHoleBackAndSavesTheLearnersCode(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	calc := filepath.Join(dir, "calc", "calc.go")
	exported := string(mustRead(t, calc))
	replaceInFile(t, calc, addHole, "\t// my attempt\n\treturn a - b\n")
	code, _, stderr := runApp(t, dir, "check", "add")
	require.Equal(t, 1, code, stderr)

	code, stdout, stderr := runApp(t, dir, "reset", "add")
	require.Equal(t, 0, code, stderr)

	assert.Equal(t, exported, string(mustRead(t, calc)), "the file must be exactly as export wrote it")
	m := regexp.MustCompile(`saved in (\.workbook/saved/add-\d{8}-\d{6}\.go)\.`).FindStringSubmatch(stdout)
	require.NotNil(t, m, "reset must say where the code went:\n%s", stdout)
	assert.Contains(t, stdout, "Reset add: Add back to the hole in calc/calc.go.")
	saved := string(mustRead(t, filepath.Join(dir, filepath.FromSlash(m[1]))))
	assert.Contains(t, saved, "func Add(a, b int) int {\n\t// my attempt\n\treturn a - b\n}")
	_, err := parser.ParseFile(token.NewFileSet(), "saved.go", saved, 0)
	assert.NoError(t, err, "the saved copy is Go an editor can read")

	st, err := loadState(filepath.Join(dir, ".workbook", "state.json"))
	require.NoError(t, err)
	assert.Equal(t, StatusNotDone, st.Of("add").Status, "progress must not claim a reset exercise is done")

	// A second reset has nothing to save.
	code, stdout, _ = runApp(t, dir, "reset", "add")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "add is not started")
}

func TestResetKeepsEveryResetOfTheSameSecond(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	sp, err := loadProject(dir)
	require.NoError(t, err)
	e := sp.Manifest.ByID("add")
	marks := homeStageMarkers(sp, e)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	first, err := saveBodies(sp, e, marks, now)
	require.NoError(t, err)
	second, err := saveBodies(sp, e, marks, now)
	require.NoError(t, err)
	assert.Equal(t, ".workbook/saved/add-20260102-030405.go", first)
	assert.Equal(t, ".workbook/saved/add-20260102-030405-2.go", second, "a second save must not overwrite the first")
}

func TestResetRefusesInTheReferenceUnlessForced(t *testing.T) {
	root := copyFixture(t)
	code, stdout, stderr := runApp(t, root, "reset", "add")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "workbook: reset: this is the reference repository, where add's body is the solution; reset it only in a student edition, or add --force to replace it with the hole anyway\n", stderr)
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "calc", "calc.go"))), "return a + b")

	code, stdout, stderr = runApp(t, root, "reset", "--force", "add")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "calc", "calc.go"))), addHole)
	assert.Contains(t, stdout, "Your code is saved in .workbook/saved/add-")
}

func TestResetTouchesOnlyTheExercisesOwnStage(t *testing.T) {
	root := copyFixture(t)
	// The exercise lives in stage 2 and is carried into stage 3 with the
	// same marker.
	body := "package %s\n\n// Twice doubles x.\n//\n//workbook:exercise twice\nfunc Twice(x int) int {\n\treturn 2 * x\n}\n"
	test := "package %s\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {\n\tif Twice(2) != 4 {\n\t\tt.Fatal(\"Twice(2) != 4\")\n\t}\n}\n"
	writeFiles(t, root, map[string]string{
		"stage02_two/twice.go":        fmt.Sprintf(body, "two"),
		"stage02_two/twice_test.go":   fmt.Sprintf(test, "two"),
		"stage03_three/twice.go":      fmt.Sprintf(body, "three"),
		"stage03_three/twice_test.go": fmt.Sprintf(test, "three"),
	})
	manifest := filepath.Join(root, filepath.FromSlash(manifestPath))
	writeFiles(t, root, map[string]string{manifestPath: string(mustRead(t, manifest)) + "\n[[exercise]]\nid = \"twice\"\nstage = 2\ntitle = \"Twice\"\nconcept = \"x.\"\nhints = [\"2 * x\"]\ntests = [\"stage02_two:TestTwice\"]\npoints = 1\n"})
	p, err := loadProject(root)
	require.NoError(t, err)

	marks := homeStageMarkers(p, p.Manifest.ByID("twice"))
	require.Len(t, marks, 1)
	assert.Equal(t, "stage02_two/twice.go", marks[0].File)
	code, _, stderr := runApp(t, root, "reset", "--force", "twice")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "stage03_three", "twice.go"))), "return 2 * x", "a later stage's copy is not the exercise's home")
	assert.NotContains(t, string(mustRead(t, filepath.Join(root, "stage02_two", "twice.go"))), "return 2 * x")
}
