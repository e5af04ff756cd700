package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// recordedMarkers mark the bodies of testdata/dumps/loop.go.txt.
var recordedMarkers = []*Marker{
	{ID: "poll-loop", File: "stage/loop.go", Func: "PollLoop", BodyStart: 6, BodyEnd: 11},
	{ID: "unpark", File: "stage/loop.go", Func: "(*Parker).Unpark", BodyStart: 17, BodyEnd: 19},
}

func TestHangReportPutsTheLearnersLineFirstAndThenTheTestsWait(t *testing.T) {
	lines := readDump(t, "timeout_loop.txt")
	timeout, ok := parseTestTimeout(lines)
	require.True(t, ok)
	sa := newStopAnalyzer(dumpRoot, "stage", recordedMarkers)
	rep := sa.analyze("TestPollLoopHangs", lines, timeout, []string{"poll-loop"})

	assert.Equal(t, "TestPollLoopHangs did not finish within 1s", rep.Reason())
	assert.Equal(t, []string{
		"your code: stage/loop.go:9 in PollLoop (exercise poll-loop)",
		"the test: stage/loop_test.go:6 in TestPollLoopHangs called it and is still waiting for it to return",
	}, rep.Lines())
}

func TestHangReportFindsTheLearnersLineOnAGoroutineTheTestStarted(t *testing.T) {
	lines := readDump(t, "timeout_blocked.txt")
	timeout, _ := parseTestTimeout(lines)
	rep := newStopAnalyzer(dumpRoot, "stage", recordedMarkers).analyze("TestUnparkBlocks", lines, timeout, []string{"unpark"})

	assert.Equal(t, "stage/loop.go:18 in (*Parker).Unpark (exercise unpark)", rep.Student)
	assert.Equal(t, "stage/loop_test.go:16 in TestUnparkBlocks is waiting (chan receive)", rep.Waiting,
		"the test goroutine waits for the goroutine it started")
}

func TestHangReportWithoutMarkersNamesTheFirstFrameOutsideTests(t *testing.T) {
	lines := readDump(t, "timeout_blocked.txt")
	timeout, _ := parseTestTimeout(lines)
	rep := newStopAnalyzer(dumpRoot, "stage", nil).analyze("TestUnparkBlocks", lines, timeout, []string{"unpark"})
	assert.Equal(t, "stage/loop.go:18 in (*Parker).Unpark", rep.Student)
}

func TestHangReportOfALoopGoCouldNotShowNamesTheExerciseBodies(t *testing.T) {
	// Recorded from a test calling a function that loops without any call,
	// whose goroutine was on another thread when the dump was printed.
	lines := readDump(t, "timeout_spin_unavailable.txt")
	timeout, _ := parseTestTimeout(lines)
	rep := newStopAnalyzer(dumpRoot, "stage", recordedMarkers).analyze("TestSpin", lines, timeout, []string{"poll-loop"})
	assert.Equal(t, "probably a loop that never waits, in PollLoop at stage/loop.go:6: the test's goroutine was running and Go could not show its line", rep.Student)
}

func TestCrashReportGivesThePanicAndTheLearnersLine(t *testing.T) {
	lines := readDump(t, "crash_goroutine.txt")
	rep := newStopAnalyzer(dumpRoot, "stage", nil).analyze("TestSpawnedPanicIsRecovered", lines, nil, nil)
	assert.False(t, rep.TimedOut)
	assert.Equal(t, "task failed", rep.Panic)
	assert.Equal(t, "stage/loop.go:24 in Spawn.func1", rep.Student)
	assert.Equal(t, "panic: task failed", rep.Lines()[0])
}

func TestCrashCulpritIsTheTestWhoseGoroutinePanicked(t *testing.T) {
	lines := readDump(t, "crash_goroutine.txt")
	p := &PackageResult{Tests: map[string]*TestResult{
		"TestSpawnedPanicIsRecovered": {Status: "fail"},
		"TestEarlier":                 {Status: "pass", Finished: true},
	}}
	assert.Equal(t, "TestSpawnedPanicIsRecovered", crashCulprit(lines, p, []string{"TestSpawnedPanicIsRecovered"}))

	// The panicking goroutine was started by a test that has finished:
	// the one running is its victim.
	victim := &PackageResult{Tests: map[string]*TestResult{
		"TestSpawnedPanicIsRecovered": {Status: "pass", Finished: true},
		"TestVictim":                  {Status: "fail"},
	}}
	assert.Equal(t, "", crashCulprit(lines, victim, []string{"TestVictim"}))
}

// hangFixture adds to a copy of the fixture a package "hang" with two
// exercises: "spin", whose first test never returns, and "fine".
func hangFixture(t *testing.T) string {
	t.Helper()
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"hang/hang.go": `// Package hang has an exercise whose body never returns.
package hang

// Spin should return n.
//
//workbook:exercise spin
func Spin(n int) int {
	for {
		n++
	}
}

// Fine returns n.
func Fine(n int) int { return n }
`,
		"hang/hang_test.go": `package hang

import "testing"

func TestASpinReturns(t *testing.T) { Spin(1) }

func TestBSpinReturnsAgain(t *testing.T) { Spin(2) }

func TestCFineReturns(t *testing.T) {
	if Fine(3) != 3 {
		t.Fatal("Fine(3) != 3")
	}
}

// TestDGoroutinePanics checks that a panic stays where it can be
// recovered.
func TestDGoroutinePanics(t *testing.T) {
	go func() { panic("escaped") }()
	select {}
}
`,
	})
	manifest := filepath.Join(root, filepath.FromSlash(manifestPath))
	writeFiles(t, root, map[string]string{manifestPath: string(mustRead(t, manifest)) + `
[[exercise]]
id = "spin"
stage = 2
title = "Spin"
concept = "A loop ends."
hints = ["Return n."]
tests = ["hang:TestASpinReturns", "hang:TestBSpinReturnsAgain"]
points = 1
`})
	return root
}

func TestRunnerReportsAHangOnceAndRunsOtherExercisesAgain(t *testing.T) {
	root := hangFixture(t)
	p, err := loadProject(root)
	require.NoError(t, err)
	var runs atomic.Int32
	tr := &testRunner{Dir: root, Timeout: 2 * time.Second, Markers: p.Markers, OnInvoke: func(args []string) {
		if args[0] != "test" {
			runs.Add(1)
		}
	}}
	tr.Owners = map[TestRef][]string{
		{"hang", "TestASpinReturns"}:      {"spin"},
		{"hang", "TestBSpinReturnsAgain"}: {"spin"},
		{"hang", "TestCFineReturns"}:      {"fine"},
	}
	start := time.Now()
	outcomes, err := tr.run(context.Background(), []TestRef{
		{"hang", "TestASpinReturns"}, {"hang", "TestBSpinReturnsAgain"}, {"hang", "TestCFineReturns"},
	})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 30*time.Second, "one timeout of 2s, not one per test")

	hung := outcomes[TestRef{"hang", "TestASpinReturns"}]
	require.NotNil(t, hung.Stop)
	assert.Equal(t, "fail", hung.Status)
	assert.Equal(t, "TestASpinReturns did not finish within 2s", hung.Stop.Reason())
	// Spin's loop makes no call, so the dump may have caught its
	// goroutine on another thread, with no stack to show.
	assert.Regexp(t, `^(hang/hang.go:\d+ in Spin \(exercise spin|probably a loop that never waits, in Spin at hang/hang.go:7:)`, hung.Stop.Student)
	if hung.Stop.Waiting != "" {
		assert.Regexp(t, `^hang/hang_test.go:5 in TestASpinReturns `, hung.Stop.Waiting)
	}

	sibling := outcomes[TestRef{"hang", "TestBSpinReturnsAgain"}]
	assert.Equal(t, outcomeNotRun, sibling.Status)
	assert.Equal(t, []string{"not run: TestASpinReturns of the same exercise did not finish within 2s"}, sibling.Output)

	assert.Equal(t, "pass", outcomes[TestRef{"hang", "TestCFineReturns"}].Status, "another exercise's test runs again")
	assert.Equal(t, int32(2), runs.Load(), "all three together, then the other exercise's test; the hung one never again")

	// check reports it the same way: the verdict, the learner's line
	// first, and a command to see it all that stops too.
	st, err := loadState(p.statePath())
	require.NoError(t, err)
	var out strings.Builder
	reportCheck(&out, p, st, []*ExerciseResult{evaluate(p.Manifest.ByID("spin"), outcomes)}, false)
	assert.Contains(t, out.String(), "✗ spin  Spin: TestASpinReturns did not finish within 2s\n    your code: ")
	assert.Contains(t, out.String(), "  Whole output: "+stuckEnv+"=18s go test -count=1 -timeout=20s -run '^TestASpinReturns$' ./hang\n",
		"after a hang, the command to rerun must ask the test binary for its stuck report, 9/10 of the way to Go's own timeout")
}

func TestRunnerRunsAgainATestCaughtByTheTimeOthersTook(t *testing.T) {
	// Three tests that each take a while (as tests waiting for their own
	// deadlines do) run out a binary's limit together; the one running
	// when it ran out had used only a little of it and is not to blame.
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"slow/slow.go": "// Package slow has tests that take a while.\npackage slow\n",
		"slow/slow_test.go": `package slow

import (
	"testing"
	"time"
)

func TestASlow(t *testing.T) { time.Sleep(1500 * time.Millisecond) }

func TestBSlow(t *testing.T) { time.Sleep(1500 * time.Millisecond) }

func TestCSlow(t *testing.T) { time.Sleep(1500 * time.Millisecond) }
`,
	})
	var runs atomic.Int32
	tr := &testRunner{Dir: root, Timeout: 4 * time.Second, OnInvoke: func(args []string) {
		if args[0] != "test" {
			runs.Add(1)
		}
	}}
	refs := []TestRef{{"slow", "TestASlow"}, {"slow", "TestBSlow"}, {"slow", "TestCSlow"}}
	outcomes, err := tr.run(context.Background(), refs)
	require.NoError(t, err)
	for _, r := range refs {
		assert.Equal(t, "pass", outcomes[r].Status, r.Name)
	}
	assert.Equal(t, int32(2), runs.Load(), "all three, then the one the limit caught")
}

func TestRunnerExplainsACrashWithTheTestsDocComment(t *testing.T) {
	root := hangFixture(t)
	tr := &testRunner{Dir: root, Timeout: 10 * time.Second}
	outcomes, err := tr.run(context.Background(), []TestRef{{"hang", "TestCFineReturns"}, {"hang", "TestDGoroutinePanics"}})
	require.NoError(t, err)
	assert.Equal(t, "pass", outcomes[TestRef{"hang", "TestCFineReturns"}].Status)
	crashed := outcomes[TestRef{"hang", "TestDGoroutinePanics"}]
	require.NotNil(t, crashed.Stop)
	assert.Equal(t, []string{
		"panic: escaped",
		"about the test: TestDGoroutinePanics checks that a panic stays where it can be",
		"  recovered.",
	}, crashed.Stop.Lines())
}

func TestStuckReportNamesAgreeWithStagetest(t *testing.T) {
	assert.Equal(t, stagetest.StuckEnv, stuckEnv, "the runner sets the variable the stages' test binaries read")
	assert.Equal(t, stagetest.StuckPrefix, stuckPrefix, "the runner reads the lines the stages' test binaries write")
}

func TestRunnerPutsWhatTheRuntimeWasStuckOnInTheHangReport(t *testing.T) {
	// A test binary of a stage says, before its deadline, what its runtime
	// is stuck on (stagetest.ReportStuckBeforeTheDeadline); this one says
	// it the same way when the runner asks, and then hangs.
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"stuck/stuck.go": `// Package stuck has an exercise whose body never returns.
package stuck

// Wait should return.
//
//workbook:exercise stuck
func Wait() { <-make(chan struct{}) }
`,
		"stuck/stuck_test.go": `package stuck

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestWaitReturns(t *testing.T) {
	after, err := time.ParseDuration(os.Getenv("` + stuckEnv + `"))
	if err != nil {
		t.Fatalf("the runner did not say when to report: %v", err)
	}
	time.AfterFunc(after, func() {
		fmt.Fprintln(os.Stderr, "` + stuckPrefix + `executor main was parked for 1700.000ms, and no waker unparked it")
		fmt.Fprintln(os.Stderr, "` + stuckPrefix + `  task 1: pending with nothing that can wake it")
	})
	Wait()
}
`,
	})
	manifest := filepath.Join(root, filepath.FromSlash(manifestPath))
	writeFiles(t, root, map[string]string{manifestPath: string(mustRead(t, manifest)) + `
[[exercise]]
id = "stuck"
stage = 2
title = "Return"
concept = "A body that returns."
hints = ["Return."]
tests = ["stuck:TestWaitReturns"]
points = 1
`})
	p, err := loadProject(root)
	require.NoError(t, err)
	tr := &testRunner{Dir: root, Timeout: 2 * time.Second, Markers: p.Markers}
	outcomes, err := tr.run(context.Background(), []TestRef{{"stuck", "TestWaitReturns"}})
	require.NoError(t, err)

	hung := outcomes[TestRef{"stuck", "TestWaitReturns"}]
	require.NotNil(t, hung.Stop, "the test hangs: %q", hung.Output)
	assert.Equal(t, []string{
		"executor main was parked for 1700.000ms, and no waker unparked it",
		"  task 1: pending with nothing that can wake it",
	}, hung.Stop.Stuck)
	lines := hung.Stop.Lines()
	assert.Contains(t, lines, "the runtime, from its trace lines:")
	assert.Contains(t, lines, "    task 1: pending with nothing that can wake it")
}
