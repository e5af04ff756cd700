package main

import (
	"go/format"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStubSourceReplacesBodiesAndDropsUnusedImports(t *testing.T) {
	path := filepath.Join(fixtureDir, "calc", "greet.go")
	src := mustRead(t, path)
	out, changed, err := stubSource(path, src, func(string) bool { return true })
	require.NoError(t, err)
	require.True(t, changed)
	text := string(out)
	assert.Contains(t, text, `panic("workbook: exercise greet is not done yet; run: go run ./workbook hint greet")`)
	assert.NotContains(t, text, "fmt", "fmt was only used by the replaced body")
	assert.Contains(t, text, `"strings"`, "Shout still uses strings")
	assert.NotContains(t, text, "Sprintf")
	assert.Contains(t, text, "//workbook:exercise greet", "the marker stays so the student edition can be checked")
	formatted, err := format.Source(out)
	require.NoError(t, err)
	assert.Equal(t, string(formatted), text, "the stubbed file must be gofmt-clean")
}

func TestStubSourceRemovesCommentsInsideTheBody(t *testing.T) {
	path := filepath.Join(fixtureDir, "calc", "calc.go")
	out, _, err := stubSource(path, mustRead(t, path), func(string) bool { return true })
	require.NoError(t, err)
	assert.NotContains(t, string(out), "The reference answer", "a comment in the body may give the answer away")
	assert.Contains(t, string(out), "// Add returns the sum of a and b.", "doc comments stay")
}

func TestStubSourceStubsOnlyTheChosenExercises(t *testing.T) {
	path := filepath.Join(fixtureDir, "calc", "calc.go")
	src := mustRead(t, path)
	out, changed, err := stubSource(path, src, func(id string) bool { return id == "sum" })
	require.NoError(t, err)
	require.True(t, changed)
	assert.Contains(t, string(out), "return a + b", "add is not stubbed")
	assert.Contains(t, string(out), "exercise sum is not done yet")

	same, changed, err := stubSource(path, src, func(string) bool { return false })
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, src, same, "a file with nothing to stub comes back byte for byte")
}
