package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordings makes empty files standing for perf.data files (the fake
// perf script of each test decides what they hold) and returns their
// directory.
func recordings(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o600))
	}
	return dir
}

// scriptOf is a fake perf script that prints text for every file.
func scriptOf(text string) func(string) ([]byte, error) {
	return func(string) ([]byte, error) { return []byte(text), nil }
}

func TestRunPrintsTheTableOfEveryProgram(t *testing.T) {
	dir := recordings(t, "s06.1.data", "s06.2.data", "gor.1.data")
	var out, errOut strings.Builder
	status := run([]string{"-detail", "garbage", "stage06=" + filepath.Join(dir, "s06.*.data"), "goroutines=" + filepath.Join(dir, "gor.1.data")},
		&out, &errOut, scriptOf(threeSamples))
	require.Equal(t, 0, status, errOut.String())
	assert.Empty(t, errOut.String())
	// threeSamples: a read, a collector sample, the loader: a third each.
	assert.Contains(t, out.String(), "| TCP: write the request, read the answer | 33.3 % (33.3–33.3), 1 | 33.3 % (33.3–33.3), 1 |")
	assert.Contains(t, out.String(), "| Go: garbage collector (mark, sweep) | 33.3 % (33.3–33.3), 1 | 33.3 % (33.3–33.3), 1 |")
	assert.Contains(t, out.String(), "stage06: 2 runs, samples per run 3, 3\n")
	assert.Contains(t, out.String(), "goroutines: 1 runs, samples per run 3\n")
	assert.Contains(t, out.String(), "stage06, Go: garbage collector (mark, sweep): 2 samples over 2 runs\n       2  100.0 %  runtime.scanObject\n")
}

func TestRunRefusesBadArgumentsWithOneLine(t *testing.T) {
	dir := recordings(t, "s06.1.data")
	good := "stage06=" + filepath.Join(dir, "s06.1.data")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no argument", nil, "usage: go run ./sweep/perfgroups"},
		{"a file without a name", []string{filepath.Join(dir, "s06.1.data")}, "want NAME=FILES"},
		{"an empty name", []string{"=" + filepath.Join(dir, "s06.1.data")}, "want NAME=FILES"},
		{"a glob that matches nothing", []string{"stage06=" + filepath.Join(dir, "nope.*.data")}, "no file matches"},
		{"a malformed glob", []string{"stage06=" + filepath.Join(dir, "[")}, "syntax error in pattern"},
		{"a -detail that is no group", []string{"-detail", "nothing like it", good}, "no group's name contains \"nothing like it\"; the groups:"},
		{"a -detail in two groups' names", []string{"-detail", "TCP", good}, "is in more than one group's name"},
		{"a -top below one", []string{"-top", "0", good}, "-top 0: want at least 1"},
		{"an unknown flag", []string{"-nope", good}, "flag provided but not defined: -nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut strings.Builder
			status := run(c.args, &out, &errOut, scriptOf(threeSamples))
			assert.Equal(t, 2, status)
			assert.Contains(t, errOut.String(), c.want)
			assert.Empty(t, out.String(), "no table after a mistake")
		})
	}
}

func TestRunSaysWhichRecordingItCouldNotRead(t *testing.T) {
	dir := recordings(t, "s06.1.data")
	arg := "stage06=" + filepath.Join(dir, "s06.1.data")
	cases := []struct {
		name   string
		script func(string) ([]byte, error)
		want   string
	}{
		{"perf script fails", func(f string) ([]byte, error) {
			return nil, errors.New("perf script -i " + f + ": exit status 255: failed to open")
		}, "s06.1.data: exit status 255"},
		{"a recording made without -g", scriptOf("s06 1 \n\ns06 2 \n"), "s06.1.data: line 2: a sample without a call chain"},
		{"a recording with no samples", scriptOf(""), "s06.1.data: no samples"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut strings.Builder
			status := run([]string{arg}, &out, &errOut, c.script)
			assert.Equal(t, 1, status)
			assert.Contains(t, errOut.String(), c.want)
			assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line: %q", errOut.String())
			assert.Empty(t, out.String())
		})
	}
}
