// This file explains a test binary that stopped before its test could report:
// a test that ran past the time limit (a hang), or a panic that no one
// recovered on a goroutine other than the test's (a crash). Go's own message
// for either points at the testing package; the learner needs the line of
// their own code that the hang or the crash was in, what the test was
// waiting for, and, for a crash, what the test checks.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// stopReport explains one test whose binary stopped under it.
type stopReport struct {
	Test     string // the test that hung or was running at the crash
	TimedOut bool   // a hang; otherwise a crash
	After    string // the limit the hang ran into, e.g. "20s"
	Panic    string // the crash's panic value
	// Student is where the learner's code was: "dir/file.go:12 in Func".
	Student string
	// Waiting is the test's own line, in its _test.go, and what the
	// test was doing there: waiting on a channel, say, or for a call into
	// the learner's code to return.
	Waiting string
	// Explains is the test function's doc comment: what the test checks.
	Explains []string
	// Stuck is what the stage's runtime was stuck on shortly before the
	// deadline, as the test binary itself said it (stuckPrefix lines): the
	// executor that slept or never returned from a poll, and its pending
	// tasks with what could wake each.
	Stuck []string
}

// Reason is the one-line verdict of the exercise.
func (s *stopReport) Reason() string {
	if s.TimedOut {
		return fmt.Sprintf("%s did not finish within %s", s.Test, s.After)
	}
	return fmt.Sprintf("%s crashed the tests: a panic on another goroutine was not recovered", s.Test)
}

// Lines are the details, the learner's line first.
func (s *stopReport) Lines() []string {
	var out []string
	if !s.TimedOut && s.Panic != "" {
		out = append(out, "panic: "+s.Panic)
	}
	if s.Student != "" {
		out = append(out, "your code: "+s.Student)
	}
	if s.Waiting != "" {
		out = append(out, "the test: "+s.Waiting)
	}
	for i, l := range s.Stuck {
		if i == 0 {
			out = append(out, "the runtime, from its trace lines:")
		}
		out = append(out, "  "+l)
	}
	for i, l := range s.Explains {
		if i == 0 {
			out = append(out, "about the test: "+l)
		} else {
			out = append(out, "  "+l)
		}
	}
	return out
}

// stopAnalyzer knows enough of the project to read a dump in its terms.
type stopAnalyzer struct {
	roots   []string  // the module root as given and with links resolved
	dir     string    // the package's folder, slash path relative to the root
	markers []*Marker // the marked exercise bodies
}

func newStopAnalyzer(root, dir string, markers []*Marker) *stopAnalyzer {
	roots := []string{filepath.Clean(root)}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != roots[0] {
		roots = append(roots, real)
	}
	return &stopAnalyzer{roots: roots, dir: dir, markers: markers}
}

// analyze explains why test stopped, from the output of its binary (the
// test's lines and the package's). timeout is nil for a crash. exercises
// are the ids of the exercises that list the test.
func (sa *stopAnalyzer) analyze(test string, lines []string, timeout *testTimeout, exercises []string) *stopReport {
	rep := &stopReport{Test: test}
	if timeout != nil {
		rep.TimedOut, rep.After = true, timeout.After
		if d, _ := timeout.runningFor(test); d > 0 {
			rep.After = d.Round(time.Second).String()
		}
	} else {
		rep.Panic, _ = panicValue(lines)
	}
	dump := parseGoroutineDump(lines)
	var order []*goroutineStack
	if timeout != nil {
		order = sa.relatedFirst(dump, test)
	} else {
		order = dump // the panicking goroutine comes first
	}
	rep.Student = sa.studentFrame(order)
	if rep.Student == "" && timeout != nil {
		rep.Student = sa.unseenLoop(dump, test, exercises)
	}
	if g := testGoroutine(dump, test); g != nil {
		rep.Waiting = sa.testFrame(g)
	}
	if !rep.TimedOut {
		rep.Explains = sa.testDoc(test)
	} else {
		rep.Stuck = stuckLines(lines)
	}
	return rep
}

// stuckEnv and stuckPrefix are internal/stagetest's StuckEnv and
// StuckPrefix: a stage's test binary reads the one and writes the other
// (a test checks they agree). The runner does not import stagetest, which
// is test code.
const (
	stuckEnv    = "WORKBOOK_REPORT_STUCK_AFTER"
	stuckPrefix = "workbook: stuck: "
)

// stuckAfter is when, after a test binary starts, it is asked to say what
// its runtime is stuck on: well before timeout, at which the binary stops
// itself, so that the lines are written before the goroutine dump.
func stuckAfter(timeout time.Duration) time.Duration {
	return timeout * 9 / 10
}

// stuckLines are the lines of a binary's stuck report, without their
// prefix, in order.
func stuckLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, stuckPrefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

// testFrame describes where the test goroutine g left the test's own code:
// going inwards from the test function through the _test.go frames (its
// helpers, its closures), the last of them, and what happens there: a call
// into the learner's code that has not returned, or a wait of the test's
// own (on a channel, say). Test doubles that the learner's code calls back
// are further in and do not count.
func (sa *stopAnalyzer) testFrame(g *goroutineStack) string {
	last := -1
	for i := len(g.Frames) - 1; i >= 0; i-- {
		rel, ok := sa.rel(g.Frames[i].File)
		if !ok {
			if last >= 0 {
				break // the test called into Go's own packages
			}
			continue // testing.tRunner and the like, outside the test
		}
		if !strings.HasSuffix(rel, "_test.go") {
			break
		}
		last = i
	}
	if last < 0 {
		return ""
	}
	f := g.Frames[last]
	rel, _ := sa.rel(f.File)
	if last > 0 {
		if inner, ok := sa.rel(g.Frames[last-1].File); ok && !strings.HasSuffix(inner, "_test.go") {
			return fmt.Sprintf("%s:%d in %s called it and is still waiting for it to return", rel, f.Line, shortFunc(f.Func))
		}
	}
	return fmt.Sprintf("%s:%d in %s is waiting (%s)", rel, f.Line, shortFunc(f.Func), g.State)
}

// unseenLoop explains a hang whose dump shows none of the learner's code
// because the goroutine running it was on another thread, as a loop that
// never waits often is: it names the bodies of the test's exercises in
// this package, the likeliest place, and says why there is no line.
func (sa *stopAnalyzer) unseenLoop(dump []*goroutineStack, test string, exercises []string) string {
	g := testGoroutine(dump, test)
	if g == nil || !g.Unavailable {
		return ""
	}
	var where []string
	for _, mk := range sa.markers {
		if slices.Contains(exercises, mk.ID) && path.Dir(mk.File) == sa.dir {
			where = append(where, fmt.Sprintf("%s at %s:%d", mk.Func, mk.File, mk.BodyStart))
		}
	}
	if len(where) == 0 {
		return ""
	}
	return fmt.Sprintf("probably a loop that never waits, in %s: the test's goroutine was running and Go could not show its line", strings.Join(where, " or "))
}

// relatedFirst orders the goroutines of dump: the test's own goroutine,
// then those it started (directly or through others), then the rest.
func (sa *stopAnalyzer) relatedFirst(dump []*goroutineStack, test string) []*goroutineStack {
	byID := map[int]*goroutineStack{}
	for _, g := range dump {
		byID[g.ID] = g
	}
	root := testGoroutine(dump, test)
	isTestFunc := func(name string) bool {
		short := shortFunc(name)
		return short == test || strings.HasPrefix(short, test+".")
	}
	related := func(g *goroutineStack) bool {
		for hops := 0; g != nil && hops < len(dump); hops++ {
			if g == root || isTestFunc(g.CreatedBy) {
				return true
			}
			g = byID[g.CreatorID]
		}
		return false
	}
	var first, rest []*goroutineStack
	for _, g := range dump {
		if related(g) {
			first = append(first, g)
		} else {
			rest = append(rest, g)
		}
	}
	return append(first, rest...)
}

// testGoroutine is the goroutine running the test function itself, or,
// when the test function has returned and its cleanups run (a helper's
// t.Cleanup, say), the goroutine the testing package started for a test.
func testGoroutine(dump []*goroutineStack, test string) *goroutineStack {
	for _, g := range dump {
		for _, f := range g.Frames {
			if shortFunc(f.Func) == test {
				return g
			}
		}
	}
	for _, g := range dump {
		if g.CreatedBy == "testing.(*T).Run" {
			return g
		}
	}
	return nil
}

// studentFrame picks the learner's line out of goroutines, taken in order:
// a frame inside a marked exercise body if there is one, else the first
// frame in a non-test file of the module.
func (sa *stopAnalyzer) studentFrame(goroutines []*goroutineStack) string {
	var fallback string
	for _, g := range goroutines {
		for _, f := range g.Frames {
			rel, ok := sa.rel(f.File)
			if !ok || strings.HasSuffix(rel, "_test.go") {
				continue
			}
			for _, mk := range sa.markers {
				if mk.Holds(rel, f.Line) {
					return fmt.Sprintf("%s:%d in %s (exercise %s)", rel, f.Line, mk.Func, mk.ID)
				}
			}
			for _, mk := range sa.markers {
				// A call inlined into its caller and stopped in a loop
				// that makes no calls can be printed with a line outside
				// its body: the function's name still tells which it is.
				if mk.File == rel && mk.Func == shortFunc(f.Func) {
					return fmt.Sprintf("%s:%d in %s (exercise %s; somewhere in its body, Go did not record the line)", rel, mk.BodyStart, mk.Func, mk.ID)
				}
			}
			if fallback == "" {
				fallback = fmt.Sprintf("%s:%d in %s", rel, f.Line, shortFunc(f.Func))
			}
		}
	}
	return fallback
}

// rel turns a file path from a dump into a slash path relative to the
// module root, or reports false for a file outside it (Go's own sources,
// the generated _testmain.go).
func (sa *stopAnalyzer) rel(file string) (string, bool) {
	for _, root := range sa.roots {
		r, err := filepath.Rel(root, file)
		if err == nil && filepath.IsAbs(file) && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r), true
		}
	}
	return "", false
}

// testDoc returns the doc comment of the test function, which in this
// project says what the test checks, or nil if it has none.
func (sa *stopAnalyzer) testDoc(test string) []string {
	dir := filepath.Join(sa.roots[0], filepath.FromSlash(sa.dir))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	fset := token.NewFileSet()
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, en.Name()), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Name.Name != test || fn.Doc == nil {
				continue
			}
			return strings.Split(strings.TrimSpace(fn.Doc.Text()), "\n")
		}
	}
	return nil
}
