// This file reads the event stream of `go test -json` (test2json) and sorts
// it into one result per top-level test, keeping each test's own output so a
// failure can be explained with the test's words rather than a log dump.

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// testEvent is one line of `go test -json` output.
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string // set on build-output and build-fail events
	FailedBuild string // set on a package's fail event when it did not compile
}

// TestResult is the outcome of one top-level test.
type TestResult struct {
	// Status is "pass", "fail" or "skip". A test that started but never
	// finished (its binary died under it: a panic in another goroutine, a
	// timeout) counts as "fail".
	Status string
	// Finished is set when the test reported its own end (a pass, fail or
	// skip line). A test that was still running when its binary died may
	// be the victim of another test's crash rather than the culprit.
	Finished bool
	// Output holds the test's lines, its subtests' lines included.
	Output []string
}

// PackageResult is what one package's run produced.
type PackageResult struct {
	Tests map[string]*TestResult
	// BuildFailed is set when the package or its test binary did not compile;
	// BuildOutput then holds the compiler's messages.
	BuildFailed bool
	BuildOutput []string
	// Output holds lines printed outside any test (e.g. "FAIL pkg").
	Output []string
}

// TestRun is a whole `go test -json` stream, by import path.
type TestRun struct {
	Packages map[string]*PackageResult
	// Other holds lines that were not JSON events (the go command's own
	// complaints, written before any test ran).
	Other []string
	// BuildOutput holds the compiler's and vet's lines by the import path
	// the go command reported them under, e.g. "example.com/m/calc
	// [example.com/m/calc.test]". `go test -c -json` reports a failed
	// build only this way, with no package event to claim the lines.
	BuildOutput map[string][]string
}

// pkg returns (creating if needed) the result for an import path.
func (r *TestRun) pkg(path string) *PackageResult {
	p, ok := r.Packages[path]
	if !ok {
		p = &PackageResult{Tests: map[string]*TestResult{}}
		r.Packages[path] = p
	}
	return p
}

// parseTestJSON reads a test2json stream.
func parseTestJSON(r io.Reader) (*TestRun, error) {
	run := &TestRun{Packages: map[string]*PackageResult{}, BuildOutput: map[string][]string{}}
	// Build output arrives keyed by "pkg [pkg.test]" before the package's own
	// events; remember it until the package's fail event claims it.
	buildOutput := run.BuildOutput
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev testEvent
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			if s := strings.TrimSpace(string(line)); s != "" {
				run.Other = append(run.Other, string(line))
			}
			continue
		}
		switch ev.Action {
		case "build-output":
			buildOutput[ev.ImportPath] = append(buildOutput[ev.ImportPath], strings.TrimRight(ev.Output, "\n"))
			continue
		case "build-fail":
			continue
		}
		p := run.pkg(ev.Package)
		if ev.Test == "" {
			switch ev.Action {
			case "output":
				p.Output = append(p.Output, strings.TrimRight(ev.Output, "\n"))
			case "fail":
				if ev.FailedBuild != "" {
					p.BuildFailed = true
					p.BuildOutput = append(p.BuildOutput, buildOutput[ev.FailedBuild]...)
				}
			}
			continue
		}
		// Subtests report into their top-level test: the manifest lists
		// top-level tests, and a failing subtest fails its parent anyway.
		top, _, isSub := strings.Cut(ev.Test, "/")
		t, ok := p.Tests[top]
		if !ok {
			t = &TestResult{}
			p.Tests[top] = t
		}
		switch ev.Action {
		case "output":
			t.Output = append(t.Output, strings.TrimRight(ev.Output, "\n"))
		case "run":
			if !isSub && t.Status == "" {
				t.Status = "running"
			}
		case "pass", "fail", "skip":
			if !isSub {
				t.Status = ev.Action
				t.Finished = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, p := range run.Packages {
		for _, t := range p.Tests {
			if t.Status == "running" {
				t.Status = "fail"
			}
		}
	}
	return run, nil
}
