package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runMainEnv makes the test binary run the command's main instead of the
// tests, so a test can check the exit status and stderr of the real thing.
const runMainEnv = "TIMELINE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	leakcheck.Main(m)
}

// fixture is the path of a trace in testdata.
func fixture(name string) string { return filepath.Join("testdata", name) }

// writeTrace writes text as a trace file in a fresh directory.
func writeTrace(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.json")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// runCommand runs the built command (the test binary as main) with args and
// returns its exit status, stdout and stderr.
func runCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "the command did not finish within 30 s")
	status := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		status = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return status, stdout.String(), stderr.String()
}

func TestCommandWritesSVGAndHTMLNextToTheTrace(t *testing.T) {
	data, err := os.ReadFile(fixture("two_executors.json"))
	require.NoError(t, err)
	path := writeTrace(t, string(data))

	status, stdout, stderr := runCommand(t, path)

	require.Equal(t, 0, status, "stderr: %s", stderr)
	assert.Empty(t, stderr)
	dir := filepath.Dir(path)
	assert.Contains(t, stdout, "3 threads, 9 slices, 2 wakes")
	for _, name := range []string{"run.svg", "run.html"} {
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, "%s should be written next to the trace", name)
		assert.Positive(t, info.Size())
		assert.Equal(t, os.FileMode(0o644), info.Mode().Perm(), "%s should be readable by all, like any file a program writes", name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "only the trace and the two outputs: no temporary file left behind")
}

func TestFlagsAfterTheTraceFileAndExplicitOutputs(t *testing.T) {
	dir := t.TempDir()
	svg, page := filepath.Join(dir, "pic.svg"), filepath.Join(dir, "page.html")
	err := run([]string{fixture("two_executors.json"), "-svg", svg, "-html", page, "-width", "800"}, &bytes.Buffer{}, &bytes.Buffer{})
	require.NoError(t, err)
	data, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(data), `width="800"`)
	_, err = os.Stat(page)
	assert.NoError(t, err)
}

func TestBadInputsEndWithOneLineAndStatus1(t *testing.T) {
	cases := []struct {
		name, trace, want string
	}{
		{"not JSON", `{"traceEvents": [ {"ph": "X",, ]}`, "not JSON: invalid character ',' looking for beginning of object key string at line 1, column"},
		{"empty file", "  \n", "the file is empty"},
		{"no traceEvents", `{"events": []}`, `no "traceEvents" list; a Chrome trace is {"traceEvents":[...]}`},
		{"traceEvents not a list", `{"traceEvents": 3}`, "traceEvents is a JSON number, not a list"},
		{"top level a string", `"hello"`, "the top level is a JSON string"},
		{"no events", `{"traceEvents": []}`, "traceEvents is empty; nothing to draw"},
		{"only metadata", `{"traceEvents": [{"ph":"M","name":"thread_name","tid":1,"args":{"name":"x"}}]}`, "none of its 1 events is a slice, an instant or a flow"},
		{"ts of the wrong type", `{"traceEvents": [{"ph":"X","name":"p","ts":"soon","dur":1}]}`, `event 0: field "ts" is a JSON string`},
		{"no ts", `{"traceEvents": [{"ph":"X","name":"p","dur":1}]}`, `event 0 (ph "X", "p") has no ts`},
		{"event not an object", `{"traceEvents": [7]}`, "event 0 is not an event object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeTrace(t, c.trace)
			status, stdout, stderr := runCommand(t, path)
			assert.Equal(t, 1, status)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, c.want)
			assert.True(t, strings.HasPrefix(stderr, "timeline: "+path), "the error names the program and the file: %q", stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line, no panic trace: %q", stderr)
			_, err := os.Stat(filepath.Join(filepath.Dir(path), "run.svg"))
			assert.ErrorIs(t, err, os.ErrNotExist, "nothing is written for a bad trace")
		})
	}
}

func TestMissingFileSaysHowToMakeOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothere.json")
	status, _, stderr := runCommand(t, path)
	assert.Equal(t, 1, status)
	assert.Equal(t, "timeline: "+path+" does not exist; write a trace with a stage's -trace flag, e.g. go run ./stage05_multithread -trace "+path+"\n", stderr)
}

func TestUsageErrorsExit2(t *testing.T) {
	trace := fixture("two_executors.json")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no file", nil, "no trace file given"},
		{"two files", []string{trace, trace}, "one trace file at a time, got 2"},
		{"unknown flag", []string{"-colour", "red", trace}, "flag provided but not defined: -colour"},
		{"width too small", []string{"-width", "10", trace}, "-width 10: want 480 to 20000 pixels"},
		{"to before from", []string{"-from", "2", "-to", "1", trace}, "-to must be later than -from"},
		{"negative from", []string{"-from", "-1", trace}, "-from -1: want milliseconds since the trace began"},
		{"from past the end", []string{"-from", "50", trace}, "-from 50: the trace spans only 0 to 2.1 ms"},
		{"negative max-arrows", []string{"-max-arrows", "-3", trace}, "-max-arrows -3"},
		{"output is the input", []string{"-svg", trace, trace}, "is the trace itself"},
		{"same output twice", []string{"-svg", "x.out", "-html", "x.out", trace}, "-svg and -html both name x.out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, stderr := runCommand(t, c.args...)
			assert.Equal(t, 2, status, "stderr: %s", stderr)
			assert.Contains(t, stderr, c.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		})
	}
}

func TestHelpPrintsUsageAndExits0(t *testing.T) {
	var stderr bytes.Buffer
	err := run([]string{"-h"}, &bytes.Buffer{}, &stderr)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, 0, target.ExitStatus(err))
	assert.Contains(t, stderr.String(), "usage: go run ./timeline")
	assert.Contains(t, stderr.String(), "-max-arrows")
}

func TestUnwritableOutputIsAnError(t *testing.T) {
	dir := t.TempDir()
	err := run([]string{"-svg", filepath.Join(dir, "missing", "x.svg"), fixture("two_executors.json")}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write "+filepath.Join(dir, "missing", "x.svg"))
	assert.Equal(t, 1, target.ExitStatus(err))
}

func TestAtomicWriteReplacesTheOldFileWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.svg")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	require.NoError(t, writeAtomically(path, []byte("new picture")))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new picture", string(data))
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the temporary file was renamed, not left beside")
}
