// This file runs tests with the go command and returns one outcome per test.
//
// A panic in a Go test ends the whole test binary, so the tests after it
// never run and never report. An unfinished exercise panics by design, so
// the runner cannot treat "did not report" as "failed": it runs again the
// tests that did not report, until each has an outcome of its own.

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// Outcome statuses besides the test2json ones (pass, fail, skip).
const (
	outcomeBuild  = "build"  // the package or its tests did not compile
	outcomeNotRun = "notrun" // the test never ran (wrong name, build tags)
)

// TestOutcome is the result of one listed test.
type TestOutcome struct {
	Status string   // pass, fail, skip, build or notrun
	Output []string // the test's own lines, or the compiler's for build
}

// testRunner runs go test in one module folder.
type testRunner struct {
	Dir     string        // module root
	Timeout time.Duration // go test -timeout for each invocation
	// Procs limits how many packages one go test builds at once (-p); zero
	// leaves the go command's default. verify sets it so that its parallel
	// workers share the machine instead of each assuming it has all of it.
	Procs int
	// OnInvoke, when set, is told about each go test command line (tests
	// use it to count invocations).
	OnInvoke func(args []string)
}

// run runs every ref and returns its outcome. The error is only for the go
// command itself failing to start or the context being cancelled; test
// failures and compile errors are outcomes.
func (tr *testRunner) run(ctx context.Context, refs []TestRef) (map[TestRef]*TestOutcome, error) {
	modPath, err := readModulePath(tr.Dir)
	if err != nil {
		return nil, err
	}
	remaining := map[string]map[string]bool{} // dir -> test names
	for _, r := range refs {
		if remaining[r.Dir] == nil {
			remaining[r.Dir] = map[string]bool{}
		}
		remaining[r.Dir][r.Name] = true
	}
	outcomes := map[TestRef]*TestOutcome{}
	// The first round runs every package in one go test (the go command then
	// builds them in parallel); later rounds rerun, per package, only the
	// tests that a crash kept from reporting.
	first := true
	for len(remaining) > 0 {
		var batches [][]string
		if first {
			batches = [][]string{sortedKeys(remaining)}
			first = false
		} else {
			for _, d := range sortedKeys(remaining) {
				batches = append(batches, []string{d})
			}
		}
		for _, dirs := range batches {
			names := map[string]bool{}
			for _, d := range dirs {
				for n := range remaining[d] {
					names[n] = true
				}
			}
			run, err := tr.invoke(ctx, dirs, sortedKeys(names))
			if err != nil {
				return nil, err
			}
			for _, d := range dirs {
				p := run.Packages[importPathOf(modPath, d)]
				progress := false
				for _, name := range sortedKeys(remaining[d]) {
					ref := TestRef{Dir: d, Name: name}
					switch {
					case p == nil:
						// The go command refused the package outright (no
						// such folder, a broken go.mod): its own words are
						// in the non-JSON lines.
						outcomes[ref] = &TestOutcome{Status: outcomeBuild, Output: run.Other}
					case p.BuildFailed:
						outcomes[ref] = &TestOutcome{Status: outcomeBuild, Output: p.BuildOutput}
					case p.Tests[name] != nil:
						t := p.Tests[name]
						outcomes[ref] = &TestOutcome{Status: t.Status, Output: t.Output}
						progress = true
					default:
						continue
					}
					delete(remaining[d], name)
				}
				if len(remaining[d]) > 0 && !progress {
					// Nothing new reported: these tests will not run here.
					for name := range remaining[d] {
						outcomes[TestRef{Dir: d, Name: name}] = &TestOutcome{Status: outcomeNotRun, Output: p.packageLines()}
					}
					delete(remaining, d)
				}
				if len(remaining[d]) == 0 {
					delete(remaining, d)
				}
			}
		}
	}
	return outcomes, nil
}

// packageLines is the package-level output, or nothing for a nil package.
func (p *PackageResult) packageLines() []string {
	if p == nil {
		return nil
	}
	return p.Output
}

// invoke runs one go test command over dirs for the named tests.
func (tr *testRunner) invoke(ctx context.Context, dirs, names []string) (*TestRun, error) {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	timeout := tr.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	args := []string{"test", "-count=1", "-json", "-timeout=" + timeout.String()}
	if tr.Procs > 0 {
		args = append(args, fmt.Sprintf("-p=%d", tr.Procs))
	}
	args = append(args, "-run=^("+strings.Join(quoted, "|")+")$")
	for _, d := range dirs {
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
	// A non-zero exit is the normal way to say "a test failed"; only a
	// command that could not start, or a cancelled run, is an error here.
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if runErr != nil {
		if _, exited := runErr.(*exec.ExitError); !exited {
			return nil, fmt.Errorf("run go test: %w", runErr)
		}
	}
	run, err := parseTestJSON(&stdout)
	if err != nil {
		return nil, fmt.Errorf("read go test output: %w", err)
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if l != "" {
			run.Other = append(run.Other, l)
		}
	}
	return run, nil
}

// goEnv is the environment for go commands the runner starts. GOWORK=off
// makes a workspace file in some parent folder unable to change what gets
// built: the learner's check must build what CI's check builds.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off")
}

// readModulePath reads the module path from dir/go.mod.
func readModulePath(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	p := modfile.ModulePath(data)
	if p == "" {
		return "", fmt.Errorf("%s has no module line", filepath.Join(dir, "go.mod"))
	}
	return p, nil
}

// importPathOf is the import path of the package in folder dir.
func importPathOf(modPath, dir string) string {
	if dir == "." {
		return modPath
	}
	return modPath + "/" + dir
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
