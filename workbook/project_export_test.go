package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same scans verify runs on the student edition, on this repository's
// own: no file of the export, test helpers included, may hold an answer or
// repeat the kernel calls of one. Run here, a test that gives an answer away
// fails in seconds under go test rather than at the end of verify. The
// grading edition is scanned: it is the student edition plus the hidden
// tests, which must not repeat an answer either.
func TestTheRepositorysStudentEditionGivesNoAnswerAway(t *testing.T) {
	p, err := loadProject("..")
	require.NoError(t, err)
	require.NotEmpty(t, p.Markers)
	dir := filepath.Join(t.TempDir(), "grading")
	require.NoError(t, exportEdition(p, dir, exportOptions{Grading: true}))
	assert.FileExists(t, filepath.Join(dir, "stage03_waker", "parker_hidden_test.go"))

	leaks, err := findLeaks(dir, p.Markers)
	require.NoError(t, err)
	assert.Empty(t, leaks)
	near, err := findNearCopies(dir, p.Markers)
	require.NoError(t, err)
	assert.Empty(t, near)
}
