package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readRecording parses a stream recorded from a real `go test -json` run
// (see testdata/testjson: calc.jsonl mixes testify and plain failures, a
// skip, a subtest and an exercise panic that ends the binary).
func readRecording(t *testing.T, name string) *TestRun {
	t.Helper()
	run, err := parseTestJSON(bytes.NewReader(mustRead(t, filepath.Join("testdata", "testjson", name))))
	require.NoError(t, err)
	return run
}

func TestParseTestJSONSortsEventsPerTest(t *testing.T) {
	p := readRecording(t, "calc.jsonl").Packages["example.com/rec/calc"]
	require.NotNil(t, p)
	status := map[string]string{}
	for name, r := range p.Tests {
		status[name] = r.Status
	}
	assert.Equal(t, map[string]string{
		"TestAddSmallNumbers": "pass",
		"TestMulMultiplies":   "fail",
		"TestMulPlain":        "fail",
		"TestSkipped":         "skip",
		"TestSubTable":        "fail",
		// TestAfterPanic never ran: the panic in TestSubTable ended the binary.
	}, status)
	assert.Contains(t, strings.Join(p.Tests["TestSubTable"].Output, "\n"), "=== RUN   TestSubTable/two",
		"a subtest's output belongs to its top-level test")
}

func TestParseTestJSONReportsBuildFailures(t *testing.T) {
	p := readRecording(t, "broken.jsonl").Packages["example.com/rec/broken"]
	require.NotNil(t, p)
	assert.True(t, p.BuildFailed)
	assert.Contains(t, strings.Join(p.BuildOutput, "\n"), `cannot use "x" (untyped string constant) as int value`)
}

func TestParseTestJSONCountsATestThatNeverFinishedAsFailed(t *testing.T) {
	for _, name := range []string{"gpanic.jsonl", "timeout.jsonl"} {
		run := readRecording(t, name)
		p := run.Packages["example.com/rec/hang"]
		require.NotNil(t, p, name)
		for test, r := range p.Tests {
			if test != "TestFirst" {
				assert.Equal(t, "fail", r.Status, "%s: %s died with its binary", name, test)
			}
		}
	}
}

func TestFailureExcerptKeepsTestifysMessageAndDropsTheTrace(t *testing.T) {
	p := readRecording(t, "calc.jsonl").Packages["example.com/rec/calc"]
	ex := strings.Join(failureExcerpt(p.Tests["TestMulMultiplies"].Output), "\n")
	assert.Contains(t, ex, "Error:")
	assert.Contains(t, ex, "expected: 6")
	assert.Contains(t, ex, "actual  : 5")
	assert.Contains(t, ex, "Messages:    Mul(2, 3) should multiply; look at the operator")
	assert.NotContains(t, ex, "Error Trace")
	assert.NotContains(t, ex, "expected: 12", "only the first failing assertion")
}

func TestFailureExcerptShowsThePlainErrorMessage(t *testing.T) {
	p := readRecording(t, "calc.jsonl").Packages["example.com/rec/calc"]
	ex := failureExcerpt(p.Tests["TestMulPlain"].Output)
	assert.Equal(t, []string{"calc_test.go:22: Mul(2, 3) = 5, want 6", "  (the operator)"}, ex)
}

func TestFailureExcerptShowsThePanicAndTheLearnersLine(t *testing.T) {
	lines := []string{
		"=== RUN   TestX",
		"panic: runtime error: invalid memory address or nil pointer dereference [recovered]",
		"",
		"goroutine 7 [running]:",
		"testing.tRunner.func1.2({0x1, 0x2})",
		"\t/usr/local/go/src/testing/testing.go:1974 +0x232",
		"panic({0x1?, 0x2?})",
		"\t/usr/local/go/src/runtime/panic.go:860 +0x13a",
		"example.com/m/stage03.(*Waker).Wake(...)",
		"\t/src/stage03/waker.go:42",
	}
	assert.Equal(t, []string{
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"at example.com/m/stage03.(*Waker).Wake(...)",
		"   /src/stage03/waker.go:42",
	}, failureExcerpt(lines))
}

func TestEvaluateRecognisesTheNotDonePanic(t *testing.T) {
	p := readRecording(t, "calc.jsonl").Packages["example.com/rec/calc"]
	outcomes := map[TestRef]*TestOutcome{}
	for name, r := range p.Tests {
		outcomes[TestRef{"calc", name}] = &TestOutcome{Status: r.Status, Output: r.Output}
	}
	sub := &Exercise{ID: "sub", Tests: []string{"calc:TestAddSmallNumbers", "calc:TestSubTable"}}
	res := evaluate(sub, outcomes)
	assert.Equal(t, StatusNotDone, res.Status)
	assert.Equal(t, "not done yet", res.Reason)
	assert.Empty(t, res.Excerpt, "no stack trace for an exercise not started")

	// The same panic seen from another exercise's test: it waits for sub.
	other := &Exercise{ID: "table", Tests: []string{"calc:TestSubTable"}}
	res = evaluate(other, outcomes)
	assert.Equal(t, StatusFailed, res.Status)
	assert.Equal(t, "waits for exercise sub, which is not done yet", res.Reason)

	mul := &Exercise{ID: "mul", Tests: []string{"calc:TestAddSmallNumbers", "calc:TestMulMultiplies"}}
	res = evaluate(mul, outcomes)
	assert.Equal(t, StatusFailed, res.Status)
	assert.Equal(t, "calc:TestMulMultiplies failed", res.Reason)
	assert.Contains(t, strings.Join(res.Excerpt, "\n"), "look at the operator")

	add := &Exercise{ID: "add", Tests: []string{"calc:TestAddSmallNumbers"}}
	assert.True(t, evaluate(add, outcomes).Passed())

	skipped := &Exercise{ID: "skip", Tests: []string{"calc:TestSkipped"}}
	assert.Equal(t, "calc:TestSkipped was skipped", evaluate(skipped, outcomes).Reason, "a skipped test earns nothing")
}

func TestEvaluateReportsACompileError(t *testing.T) {
	p := readRecording(t, "broken.jsonl").Packages["example.com/rec/broken"]
	outcomes := map[TestRef]*TestOutcome{{"broken", "TestF"}: {Status: outcomeBuild, Output: p.BuildOutput}}
	res := evaluate(&Exercise{ID: "f", Tests: []string{"broken:TestF"}}, outcomes)
	assert.Equal(t, "does not compile", res.Reason)
	assert.Contains(t, strings.Join(res.Excerpt, "\n"), "cannot use")
}

func TestRunnerRerunsTestsThatAPanicKeptFromReporting(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, writeStudentEdition(p, dir))
	var builds, runs atomic.Int32
	tr := &testRunner{Dir: dir, OnInvoke: func(args []string) {
		if args[0] == "test" {
			builds.Add(1)
		} else {
			runs.Add(1)
		}
	}}
	refs, _ := allTests(p.Manifest)
	outcomes, err := tr.run(context.Background(), refs)
	require.NoError(t, err)
	for _, r := range refs {
		require.Contains(t, outcomes, r)
		assert.Equal(t, "fail", outcomes[r].Status, "%s must fail on its own panic", r)
		assert.Equal(t, []string{exerciseOfTest(r)}, notDoneIDs(outcomes[r].Output), "%s must show its own exercise's panic", r)
	}
	assert.Equal(t, int32(1), builds.Load(), "one go test -c builds both packages")
	// Each of the four calc tests ends the calc binary: one run of all
	// four, whose first test reports its panic, then each of the other
	// three in a process of its own; counter's single test runs once.
	assert.Equal(t, int32(5), runs.Load())
}

// exerciseOfTest names the fixture exercise whose panic a test of the
// student edition meets first.
func exerciseOfTest(r TestRef) string {
	return map[string]string{
		"TestAddSmallNumbers": "add", "TestAddNegative": "add", "TestSumOfThree": "sum",
		"TestGreetTrimsName": "greet", "TestCounterCountsConcurrentIncrements": "counter",
	}[r.Name]
}

func TestRunnerRunsAListedNameOnlyInThePackageItIsListedFor(t *testing.T) {
	// A second package has a test called TestAddSmallNumbers too, and it
	// crashes its binary. Listing calc:TestAddSmallNumbers must not run it:
	// the listed mirror test has to report its own result.
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"mirror/mirror.go": "// Package mirror shares test names with calc.\npackage mirror\n\n// Reflect returns s unchanged.\nfunc Reflect(s string) string { return s }\n",
		"mirror/mirror_test.go": `package mirror

import "testing"

func TestAddSmallNumbers(t *testing.T) {
	panic("not listed for this package: must not run")
}

func TestMirrorReflects(t *testing.T) {
	if got := Reflect("x"); got != "x" {
		t.Errorf("Reflect(%q) = %q", "x", got)
	}
}
`,
	})
	tr := &testRunner{Dir: root}
	outcomes, err := tr.run(context.Background(), []TestRef{{"calc", "TestAddSmallNumbers"}, {"mirror", "TestMirrorReflects"}})
	require.NoError(t, err)
	require.Len(t, outcomes, 2)
	assert.Equal(t, "pass", outcomes[TestRef{"calc", "TestAddSmallNumbers"}].Status)
	mirror := outcomes[TestRef{"mirror", "TestMirrorReflects"}]
	assert.Equal(t, "pass", mirror.Status, strings.Join(mirror.Output, "\n"))
}

func TestRunnerRerunsAloneATestKilledByAnotherTestsCrash(t *testing.T) {
	// TestLeavesGoroutine passes but leaves a goroutine that panics once
	// TestVictim starts, which ends the binary while TestVictim runs. Run
	// alone, TestVictim passes: it must not take the blame.
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"crash/crash.go": "// Package crash has tests that crash each other.\npackage crash\n",
		"crash/crash_test.go": `package crash

import "testing"

var (
	leftBehind  bool
	victimStart = make(chan struct{})
)

func TestLeavesGoroutine(t *testing.T) {
	leftBehind = true
	go func() {
		<-victimStart
		panic("a goroutine left behind by TestLeavesGoroutine")
	}()
}

func TestVictim(t *testing.T) {
	if !leftBehind {
		return // alone: nothing to be killed by
	}
	close(victimStart)
	select {} // the panic ends the binary here
}
`,
	})
	var runs atomic.Int32
	tr := &testRunner{Dir: root, OnInvoke: func(args []string) {
		if args[0] != "test" {
			runs.Add(1)
		}
	}}
	outcomes, err := tr.run(context.Background(), []TestRef{{"crash", "TestLeavesGoroutine"}, {"crash", "TestVictim"}})
	require.NoError(t, err)
	assert.Equal(t, "pass", outcomes[TestRef{"crash", "TestLeavesGoroutine"}].Status)
	assert.Equal(t, "pass", outcomes[TestRef{"crash", "TestVictim"}].Status)
	assert.Equal(t, int32(2), runs.Load(), "both together, then the victim alone")
}

func TestRunnerBlamesATestThatCrashesItsBinaryAlone(t *testing.T) {
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"crash/crash.go": "// Package crash has a test that crashes its binary.\npackage crash\n",
		"crash/crash_test.go": `package crash

import "testing"

func TestPasses(t *testing.T) {}

func TestGoroutinePanics(t *testing.T) {
	go func() { panic("from a goroutine of TestGoroutinePanics") }()
	select {} // the panic ends the binary here
}
`,
	})
	tr := &testRunner{Dir: root}
	outcomes, err := tr.run(context.Background(), []TestRef{{"crash", "TestPasses"}, {"crash", "TestGoroutinePanics"}, {"crash", "TestMissing"}})
	require.NoError(t, err)
	assert.Equal(t, "pass", outcomes[TestRef{"crash", "TestPasses"}].Status)
	crashed := outcomes[TestRef{"crash", "TestGoroutinePanics"}]
	assert.Equal(t, "fail", crashed.Status)
	assert.Contains(t, strings.Join(crashed.Output, "\n"), "panic: from a goroutine of TestGoroutinePanics")
	assert.Equal(t, outcomeNotRun, outcomes[TestRef{"crash", "TestMissing"}].Status)
}

func TestRunnerReportsAPackageThatDoesNotCompile(t *testing.T) {
	root := copyFixture(t)
	replaceInFile(t, filepath.Join(root, "calc", "calc.go"), "return a + b", "return a + b + \"x\"")
	tr := &testRunner{Dir: root}
	outcomes, err := tr.run(context.Background(), []TestRef{{"calc", "TestAddSmallNumbers"}, {"counter", "TestCounterCountsConcurrentIncrements"}})
	require.NoError(t, err)
	assert.Equal(t, outcomeBuild, outcomes[TestRef{"calc", "TestAddSmallNumbers"}].Status)
	assert.Contains(t, strings.Join(outcomes[TestRef{"calc", "TestAddSmallNumbers"}].Output, "\n"), "calc.go")
	assert.Equal(t, "pass", outcomes[TestRef{"counter", "TestCounterCountsConcurrentIncrements"}].Status)
}
