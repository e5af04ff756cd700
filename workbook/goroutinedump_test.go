package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The dumps in testdata/dumps were recorded from a test binary of the
// package in testdata/dumps/loop.go.txt and loop_test.go.txt, run with
// -test.timeout=1s, with the paths rewritten to /home/learner/asyncgo.
const dumpRoot = "/home/learner/asyncgo"

// readDump reads a recorded dump as lines.
func readDump(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/dumps/" + name)
	require.NoError(t, err)
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

func TestGoroutineDumpParsesHeadersFramesAndCreators(t *testing.T) {
	dump := parseGoroutineDump(readDump(t, "timeout_blocked.txt"))
	byID := map[int]*goroutineStack{}
	for _, g := range dump {
		byID[g.ID] = g
	}
	require.Len(t, dump, 4, "the alarm, the main goroutine, the test and the goroutine it started")

	unpark := byID[20]
	require.NotNil(t, unpark, "goroutine 20 runs Unpark")
	assert.Equal(t, "chan send", unpark.State)
	require.Len(t, unpark.Frames, 2)
	assert.Equal(t, stackFrame{Func: "example.com/asyncgo/stage.(*Parker).Unpark", File: dumpRoot + "/stage/loop.go", Line: 18}, unpark.Frames[0],
		"an inlined call is printed as Func(...) with no offset after its line")
	assert.Equal(t, stackFrame{Func: "example.com/asyncgo/stage.TestUnparkBlocks.func1", File: dumpRoot + "/stage/loop_test.go", Line: 13}, unpark.Frames[1])
	assert.Equal(t, "example.com/asyncgo/stage.TestUnparkBlocks", unpark.CreatedBy)
	assert.Equal(t, 19, unpark.CreatorID)

	test := byID[19]
	require.NotNil(t, test)
	assert.Equal(t, "chan receive", test.State)
	assert.Equal(t, "testing.(*T).Run", test.CreatedBy)
	assert.Equal(t, 1, test.CreatorID)
	assert.Equal(t, "testing.tRunner", test.Frames[len(test.Frames)-1].Func, "the created-by line is not a frame")
}

func TestGoroutineDumpSkipsLinesOutsideBlocksAndUnavailableStacks(t *testing.T) {
	lines := []string{
		"=== RUN   TestX",
		"panic: boom",
		"",
		"goroutine 7 [running]:",
		"\tgoroutine running on other thread; stack unavailable",
		"",
		"goroutine 8 gp=0xc000007340 m=nil [select, 2 minutes]:",
		"example.com/m.F(0x1, 0x2)",
		"\t/src/m/f.go:12 +0x45",
		"...additional frames elided...",
		"FAIL\texample.com/m\t1.0s",
	}
	dump := parseGoroutineDump(lines)
	require.Len(t, dump, 2)
	assert.Empty(t, dump[0].Frames)
	assert.Equal(t, "select, 2 minutes", dump[1].State)
	assert.Equal(t, []stackFrame{{Func: "example.com/m.F", File: "/src/m/f.go", Line: 12}}, dump[1].Frames)
}

func TestTestTimeoutNamesTheLimitAndTheRunningTests(t *testing.T) {
	got, ok := parseTestTimeout(readDump(t, "timeout_loop.txt"))
	require.True(t, ok)
	assert.Equal(t, "1s", got.After)
	assert.Equal(t, []runningTest{{Name: "TestPollLoopHangs", For: time.Second}}, got.Running)

	_, ok = parseTestTimeout(readDump(t, "crash_goroutine.txt"))
	assert.False(t, ok, "a crash is not a timeout")
}

func TestPanicValueDropsTheRecoveredSuffix(t *testing.T) {
	v, ok := panicValue([]string{"x", "panic: boom [recovered, repanicked]"})
	assert.True(t, ok)
	assert.Equal(t, "boom", v)
	_, ok = panicValue([]string{"--- FAIL: TestX"})
	assert.False(t, ok)
}

func TestShortFuncDropsTheImportPath(t *testing.T) {
	assert.Equal(t, "(*Parker).Unpark", shortFunc("example.com/asyncgo/stage03_waker.(*Parker).Unpark"))
	assert.Equal(t, "PollLoop", shortFunc("main.PollLoop"))
	assert.Equal(t, "TestX.func1", shortFunc("example.com/m.TestX.func1"))
}
