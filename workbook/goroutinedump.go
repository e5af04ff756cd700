// This file reads the goroutine dumps a Go program prints when it dies: after
// an unrecovered panic (the panicking goroutine) and when a test binary runs
// past -test.timeout (every goroutine). A dump is a list of blocks such as
//
//	goroutine 7 [chan receive]:
//	example.com/m.Wait(...)
//		/home/me/m/wait.go:12
//	example.com/m.TestWait(0xc000102340)
//		/home/me/m/wait_test.go:30 +0x45
//	created by testing.(*T).Run in goroutine 1
//		/usr/local/go/src/testing/testing.go:1742 +0x390
//
// where each function line is followed by a tab-indented file:line line. The
// runner reads these blocks to point a learner at the line of their own code
// that a hang or a crash was in, instead of at the testing package.

package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// stackFrame is one call in a goroutine's stack.
type stackFrame struct {
	Func string // as printed, e.g. example.com/m.(*Parker).Unpark
	File string // absolute path as compiled, or _testmain.go
	Line int
}

// goroutineStack is one goroutine of a dump.
type goroutineStack struct {
	ID    int
	State string // what it was doing, e.g. "chan receive" or "running"
	// Frames lists the calls, innermost first.
	Frames []stackFrame
	// CreatedBy is the function whose go statement started it, and
	// CreatorID the goroutine that ran that statement (0 when not printed).
	CreatedBy string
	CreatorID int
	// Unavailable is set when the goroutine was running on another thread
	// as the dump was printed, so Go could not show its stack. A loop that
	// never waits is often caught that way.
	Unavailable bool
}

var (
	// goroutineHeader matches "goroutine 7 [chan receive]:" and the longer
	// form GOTRACEBACK=system prints ("goroutine 7 gp=0x... m=nil [...]:").
	goroutineHeader = regexp.MustCompile(`^goroutine (\d+)(?: [^\[]*)? \[([^\]]*)\]:$`)
	// frameLocation matches "\t/path/file.go:12 +0x45" (the offset is left
	// out for inlined calls).
	frameLocation = regexp.MustCompile(`^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$`)
	// createdBy matches "created by pkg.F in goroutine 5".
	createdBy = regexp.MustCompile(`^created by (\S+)(?: in goroutine (\d+))?$`)
	// callArgs is the argument list printed after a function's name.
	callArgs = regexp.MustCompile(`\([^()]*\)$`)
)

// parseGoroutineDump reads every goroutine block in lines. Lines that are no
// part of a block (the panic message, test output) are skipped, so the whole
// output of a test binary can be passed in.
func parseGoroutineDump(lines []string) []*goroutineStack {
	var out []*goroutineStack
	var cur *goroutineStack
	pendingFunc := ""       // a function line waiting for its location
	pendingCreated := false // the pending line was "created by ..."
	for _, raw := range lines {
		l := strings.TrimRight(raw, "\r")
		if m := goroutineHeader.FindStringSubmatch(l); m != nil {
			id, _ := strconv.Atoi(m[1])
			cur = &goroutineStack{ID: id, State: m[2]}
			out = append(out, cur)
			pendingFunc, pendingCreated = "", false
			continue
		}
		if cur == nil {
			continue
		}
		if l == "" {
			// A blank line ends the block.
			cur, pendingFunc, pendingCreated = nil, "", false
			continue
		}
		if m := frameLocation.FindStringSubmatch(l); m != nil {
			if pendingFunc == "" {
				continue // "goroutine running on other thread; stack unavailable" and the like
			}
			line, _ := strconv.Atoi(m[2])
			if !pendingCreated {
				cur.Frames = append(cur.Frames, stackFrame{Func: pendingFunc, File: m[1], Line: line})
			}
			pendingFunc, pendingCreated = "", false
			continue
		}
		if strings.HasSuffix(l, "stack unavailable") {
			cur.Unavailable = true
			continue
		}
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "...") {
			continue // "...additional frames elided..." and unknown notes
		}
		if m := createdBy.FindStringSubmatch(l); m != nil {
			cur.CreatedBy = m[1]
			cur.CreatorID, _ = strconv.Atoi(m[2])
			pendingFunc, pendingCreated = m[1], true
			continue
		}
		pendingFunc, pendingCreated = callArgs.ReplaceAllString(l, ""), false
	}
	return out
}

// shortFunc drops the import path from a function name as printed in a
// dump: "example.com/m/stage01.(*Parker).Unpark" becomes "(*Parker).Unpark".
func shortFunc(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if _, rest, ok := strings.Cut(name, "."); ok {
		return rest
	}
	return name
}

// testTimeout is what a test binary says when -test.timeout ends it.
type testTimeout struct {
	After   string        // the binary's limit as printed, e.g. "20s"
	Running []runningTest // the tests still running
}

// runningTest is a test that was still running at a timeout, and for how
// long it had run, to the second (negative if not printed).
type runningTest struct {
	Name string // top-level name
	For  time.Duration
}

// runningFor is how long test had been running, or false if it was not.
func (t *testTimeout) runningFor(test string) (time.Duration, bool) {
	for _, r := range t.Running {
		if r.Name == test {
			return r.For, true
		}
	}
	return 0, false
}

// parseTestTimeout finds the timeout panic in lines:
//
//	panic: test timed out after 20s
//		running tests:
//			TestWait (20s)
func parseTestTimeout(lines []string) (*testTimeout, bool) {
	for i, l := range lines {
		after, ok := strings.CutPrefix(l, "panic: test timed out after ")
		if !ok {
			continue
		}
		t := &testTimeout{After: strings.TrimSpace(after)}
		j := i + 1
		if j < len(lines) && strings.TrimSpace(lines[j]) == "running tests:" {
			for j++; j < len(lines) && strings.HasPrefix(lines[j], "\t\t"); j++ {
				name, dur, _ := strings.Cut(strings.TrimSpace(lines[j]), " ")
				top, _, _ := strings.Cut(name, "/")
				d, err := time.ParseDuration(strings.Trim(dur, "()"))
				if err != nil {
					d = -1
				}
				if top == "" {
					continue
				}
				if _, seen := t.runningFor(top); !seen {
					t.Running = append(t.Running, runningTest{Name: top, For: d})
				}
			}
		}
		return t, true
	}
	return nil, false
}

// panicValue returns the message of the first unrecovered panic in lines
// ("panic: boom" gives "boom"), or false when there is none.
func panicValue(lines []string) (string, bool) {
	for _, l := range lines {
		v, ok := strings.CutPrefix(l, "panic: ")
		if !ok {
			continue
		}
		v = strings.TrimSuffix(strings.TrimSuffix(v, " [recovered, repanicked]"), " [recovered]")
		return v, true
	}
	return "", false
}
