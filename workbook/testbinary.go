// This file builds test binaries with `go test -c` and runs them directly.
//
// Going through `go test` for every run costs the go command's start-up,
// package loading and a link, about a second; a test binary that is already
// built starts in milliseconds. That difference decides how fast verify is,
// since it runs every listed test of every variant, often one test per
// process (see gotest.go). The binary is run the way go test runs it: in the
// package's folder, with -test.paniconexit0, and its output converted to
// JSON events by the go command's own test2json.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// testBinary is the result of building one package's tests.
type testBinary struct {
	Path   string   // the binary, or "" if the build failed
	Output []string // why the build failed
}

// buildTests compiles the test binaries of dirs into binDir with one go
// command (which builds the packages in parallel), or with as few as the
// binaries' names allow: go test -c names each binary after its package's
// folder, so two folders with the same last element go to separate runs.
func (tr *testRunner) buildTests(ctx context.Context, modPath, binDir string, dirs []string) (map[string]*testBinary, error) {
	var batches [][]string
	for _, d := range dirs {
		name := testBinaryName(importPathOf(modPath, d))
		placed := false
		for i, b := range batches {
			if !slices.ContainsFunc(b, func(o string) bool { return testBinaryName(importPathOf(modPath, o)) == name }) {
				batches[i] = append(b, d)
				placed = true
				break
			}
		}
		if !placed {
			batches = append(batches, []string{d})
		}
	}
	bins := map[string]*testBinary{}
	for _, batch := range batches {
		if err := tr.buildBatch(ctx, modPath, binDir, batch, bins); err != nil {
			return nil, err
		}
	}
	return bins, nil
}

// buildBatch runs one go test -c over dirs, whose binaries' names differ.
func (tr *testRunner) buildBatch(ctx context.Context, modPath, binDir string, dirs []string, bins map[string]*testBinary) error {
	args := []string{"test", "-c", "-json", "-o", binDir + string(filepath.Separator)}
	if tr.VetOff {
		args = append(args, "-vet=off")
	}
	if tr.Procs > 0 {
		args = append(args, fmt.Sprintf("-p=%d", tr.Procs))
	}
	for _, d := range dirs {
		// A binary left from an earlier build must not pass for this one.
		bin := filepath.Join(binDir, testBinaryName(importPathOf(modPath, d)))
		if err := os.Remove(bin); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old test binary: %w", err)
		}
		args = append(args, "./"+d)
	}
	if tr.OnInvoke != nil {
		tr.OnInvoke(args)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = tr.Dir
	cmd.Env = goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// A non-zero exit is how the go command says that a package did not
	// compile; which one is in its output.
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return fmt.Errorf("run go test -c: %w", runErr)
	}
	run, err := parseTestJSON(&stdout)
	if err != nil {
		return fmt.Errorf("read go test -c output: %w", err)
	}
	other := run.Other
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if l != "" {
			other = append(other, l)
		}
	}
	for _, d := range dirs {
		ip := importPathOf(modPath, d)
		bin := filepath.Join(binDir, testBinaryName(ip))
		if fileExists(bin) {
			bins[d] = &testBinary{Path: bin}
			continue
		}
		lines := buildLinesOf(run, ip, d)
		if len(lines) == 0 {
			// The failure was reported under another package (a
			// dependency that does not compile) or not as JSON at all.
			for _, key := range sortedKeys(run.BuildOutput) {
				lines = append(lines, run.BuildOutput[key]...)
			}
			lines = append(lines, other...)
		}
		if len(lines) == 0 {
			lines = []string{fmt.Sprintf("go %s wrote no test binary for ./%s", strings.Join(args, " "), d)}
		}
		bins[d] = &testBinary{Output: lines}
	}
	return nil
}

// buildLinesOf collects what the go command said about the package at ip
// (folder dir): its compile errors, those of its test files, and a setup
// failure such as a missing folder.
func buildLinesOf(run *TestRun, ip, dir string) []string {
	var lines []string
	for _, key := range sortedKeys(run.BuildOutput) {
		name, variant, _ := strings.Cut(key, " ")
		if name == ip || name == ip+"_test" || name == "./"+dir || variant == "["+ip+".test]" {
			lines = append(lines, run.BuildOutput[key]...)
		}
	}
	for _, key := range []string{ip, "./" + dir} {
		if p := run.Packages[key]; p != nil {
			lines = append(lines, p.Output...)
		}
	}
	return lines
}

// versionElement matches a major version suffix such as v2.
var versionElement = regexp.MustCompile(`^v[1-9][0-9]*$`)

// testBinaryName is the file go test -c -o DIR/ writes for a package: the
// last element of its import path (skipping a major version suffix) plus
// ".test", the go command's own rule.
func testBinaryName(importPath string) string {
	elem := path.Base(importPath)
	if elem != importPath && versionElement.MatchString(elem) {
		elem = path.Base(path.Dir(importPath))
	}
	return elem + ".test"
}

// killGrace is how long past its own timeout a test binary may take to
// print its goroutine dump and exit before the runner kills it.
const killGrace = 10 * time.Second

// testKilledPrefix starts the line the runner adds to the output of a test
// binary it had to kill, as go test does.
const testKilledPrefix = "*** Test killed: ran too long"

// timeout is the bound for one run of a test binary.
func (tr *testRunner) timeout() time.Duration {
	if tr.Timeout > 0 {
		return tr.Timeout
	}
	return defaultTestTimeout
}

// execTests runs the test binary bin of the package in dir for exactly the
// named tests and returns what the package reported.
func (tr *testRunner) execTests(ctx context.Context, dir, importPath, bin string, names []string) (*PackageResult, error) {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	timeout := tr.timeout()
	args := []string{
		"-test.run=^(" + strings.Join(quoted, "|") + ")$",
		"-test.count=1",
		// Framing lines the go command's test2json reads without guessing.
		"-test.v=test2json",
		// As under go test: a test calling os.Exit(0) has not passed.
		"-test.paniconexit0",
		"-test.timeout=" + timeout.String(),
	}
	if tr.OnInvoke != nil {
		tr.OnInvoke(append([]string{bin}, args...))
	}
	// The binary stops itself at its timeout; this is the backstop for one
	// too wedged even for that, as go test has.
	runCtx, cancel := context.WithTimeout(ctx, timeout+killGrace)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin, args...)
	cmd.Dir = filepath.Join(tr.Dir, filepath.FromSlash(dir))
	// A stage's binary says what its runtime is stuck on before the
	// deadline (stagetest.ReportStuckBeforeTheDeadline); other binaries
	// ignore the variable.
	cmd.Env = append(goEnv(), "PWD="+cmd.Dir, stuckEnv+"="+stuckAfter(timeout).String())
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// A test that leaves a child process holding the output open must not
	// keep the runner waiting for ever.
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) && !errors.Is(runErr, exec.ErrWaitDelay) {
		return nil, fmt.Errorf("run the tests of ./%s: %w", dir, runErr)
	}
	// Finish the output the way go test does. A binary that died (a
	// panic) never printed its final FAIL line, and test2json holds back
	// the last test's result until it sees one.
	if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
		out.WriteByte('\n')
	}
	elapsed := fmt.Sprintf("%.3fs", time.Since(start).Seconds())
	if runErr == nil {
		fmt.Fprintf(&out, "ok  \t%s\t%s\n", importPath, elapsed)
	} else {
		if runCtx.Err() != nil {
			fmt.Fprintf(&out, "%s (%v).\n", testKilledPrefix, timeout+killGrace)
		}
		fmt.Fprintf(&out, "%v\n\x16FAIL\t%s\t%s\n", runErr, importPath, elapsed)
	}

	conv, err := test2jsonCommand(tr.Dir)
	if err != nil {
		return nil, err
	}
	t2j := exec.CommandContext(ctx, conv[0], append(conv[1:], "-p", importPath)...)
	t2j.Stdin = &out
	var events, t2jErr bytes.Buffer
	t2j.Stdout = &events
	t2j.Stderr = &t2jErr
	if err := t2j.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("convert test output with test2json: %w: %s", err, strings.TrimSpace(t2jErr.String()))
	}
	run, err := parseTestJSON(&events)
	if err != nil {
		return nil, fmt.Errorf("read test2json output: %w", err)
	}
	if p := run.Packages[importPath]; p != nil {
		return p, nil
	}
	return &PackageResult{Tests: map[string]*TestResult{}}, nil
}

// test2json is the go command's converter from test output to JSON events,
// found once per run of the runner.
var test2json struct {
	once sync.Once
	cmd  []string
	err  error
}

// test2jsonCommand returns the command line that starts test2json. `go
// tool -n` names the built tool, so each conversion starts it directly
// instead of through the go command.
func test2jsonCommand(dir string) ([]string, error) {
	test2json.once.Do(func() {
		cmd := exec.Command("go", "tool", "-n", "test2json")
		cmd.Dir = dir
		cmd.Env = goEnv()
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				stderr = strings.TrimSpace(string(exitErr.Stderr))
			}
			test2json.err = fmt.Errorf("find the go command's test2json (go tool -n test2json): %w %s", err, stderr)
			return
		}
		if p := strings.TrimSpace(string(out)); fileExists(p) {
			test2json.cmd = []string{p}
		} else {
			test2json.cmd = []string{"go", "tool", "test2json"}
		}
	})
	return test2json.cmd, test2json.err
}
