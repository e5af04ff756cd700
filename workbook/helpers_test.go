// This file holds helpers shared by the runner's tests: a fresh copy of the
// fixture module for each test, and a way to run commands in-process.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtureDir is the small module the runner's tests work on.
const fixtureDir = "testdata/fixture"

// copyFixture copies the fixture module into a new temporary folder, so a
// test may change it and write state without touching the repository.
func copyFixture(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "fixture")
	require.NoError(t, copyTree(fixtureDir, dst))
	return dst
}

// loadFixture copies the fixture and loads it as a project.
func loadFixture(t *testing.T) *Project {
	t.Helper()
	p, err := loadProject(copyFixture(t))
	require.NoError(t, err)
	return p
}

// runApp runs one command line in dir and returns exit status and output.
func runApp(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut, dir: dir}
	code = a.run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// writeFiles writes files (slash path -> content) under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		require.NoError(t, writeFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644))
	}
}

// replaceInFile edits a file of a test's copy of the fixture.
func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "the fixture changed; update this test")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// mustRead reads a file or fails the test.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}
