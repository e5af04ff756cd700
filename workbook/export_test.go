package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportWritesABuildableStudentEditionWithoutSolutions(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))

	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		out, err := runGo(context.Background(), dir, args...)
		require.NoError(t, err, "go %v in the export:\n%s", args, out)
	}
	for _, m := range p.Markers {
		got := string(mustRead(t, filepath.Join(dir, filepath.FromSlash(m.File))))
		assert.Contains(t, got, notDoneMessage(m.ID), "%s in %s is not stubbed", m.Func, m.File)
	}
	greet := string(mustRead(t, filepath.Join(dir, "calc", "greet.go")))
	assert.NotContains(t, greet, `"fmt"`, "the unused import was not dropped")
	leaks, err := findLeaks(dir, p.Markers)
	require.NoError(t, err)
	assert.Empty(t, leaks)

	tests := string(mustRead(t, filepath.Join(dir, "calc", "calc_test.go")))
	assert.Equal(t, string(mustRead(t, filepath.Join(p.Root, "calc", "calc_test.go"))), tests, "tests travel intact")
	assert.Equal(t, string(mustRead(t, filepath.Join(p.Root, "README.md"))), string(mustRead(t, filepath.Join(dir, "ABOUT.md"))))
	readme := string(mustRead(t, filepath.Join(dir, "README.md")))
	assert.Contains(t, readme, "student edition")
	assert.Contains(t, readme, "go run ./workbook hint ID")
	assert.Contains(t, readme, "| 3 | 2 | `sum` | Sum with Add | 3 | add |")
	assert.True(t, isStudentEdition(dir))
	assert.FileExists(t, filepath.Join(dir, ".github", "workflows", "classroom.yml"))

	// The student edition is itself a workbook the runner can load.
	sp, err := loadProject(dir)
	require.NoError(t, err)
	assert.True(t, sp.Student)
}

func TestExportFindsLeftoverSolutions(t *testing.T) {
	p := loadFixture(t)
	// A test double that repeats the solution gives it away too.
	writeFiles(t, p.Root, map[string]string{"calc/double_test.go": "package calc\n\nfunc addDouble(xs ...int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal = Add(total, x)\n\t}\n\treturn total\n}\n"})
	p, err := loadProject(p.Root)
	require.NoError(t, err)
	parent := t.TempDir()
	err = exportStudentEdition(p, filepath.Join(parent, "student"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "calc/double_test.go: contains the solution of exercise sum (Sum, calc/calc.go:14)")
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	assert.Empty(t, entries, "a refused export leaves no folder behind, not even a partial one")
}

func TestExportFillsAnEmptyFolderAndLeavesNothingElse(t *testing.T) {
	p := loadFixture(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "student")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, exportStudentEdition(p, dir))
	assert.FileExists(t, filepath.Join(dir, "calc", "calc.go"))
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary folder left next to the export")
	assert.Equal(t, "student", entries[0].Name())
	info, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), info.Mode().Perm())
}

func TestExportRefusesAFolderInUseOrInsideTheRepository(t *testing.T) {
	p := loadFixture(t)
	busy := t.TempDir()
	writeFiles(t, busy, map[string]string{"x.txt": "mine"})
	err := exportStudentEdition(p, busy)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not empty")

	err = exportStudentEdition(p, filepath.Join(p.Root, "student"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "inside the repository")
}

func TestExportCopiesWhatGitWouldCommitAndNoHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		".gitignore":           "/.workbook/\n/.notes/\n*.log\n",
		".notes/plan.md":       "maintainers only",
		"debug.log":            "ignored",
		"new/untracked.md":     "not yet committed, not ignored",
		".workbook/state.json": "{}",
	})
	for _, args := range [][]string{{"init", "-q"}, {"add", "calc", "counter", "go.mod", "README.md", "workbook", ".gitignore"}} {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
	p, err := loadProject(root)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	assert.FileExists(t, filepath.Join(dir, "new", "untracked.md"))
	assert.FileExists(t, filepath.Join(dir, ".gitignore"))
	for _, absent := range []string{".git", ".notes", "debug.log", ".workbook"} {
		_, err := os.Stat(filepath.Join(dir, absent))
		assert.True(t, os.IsNotExist(err), "%s must not be exported", absent)
	}
}
