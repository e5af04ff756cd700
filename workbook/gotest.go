// This file runs listed tests and returns one outcome per test.
//
// Each package's tests are compiled once into a test binary (testbinary.go)
// and that binary is run with a -run pattern naming only that package's
// tests, so a name listed for one package never runs in another.
//
// A panic in a Go test ends the whole test binary, so the tests after it
// never run and never report. An unfinished exercise panics by design, so
// the runner cannot treat "did not report" as "failed": every test that a
// crash kept from reporting runs again in a process of its own, where
// whatever happens is its own doing. Those processes run side by side.
//
// A test that is still running when the binary stops is the one that
// stopped it: a hang (the binary's time limit, Timeout, ran out) or a panic
// on a goroutine of its own that nothing recovered. It is not run again; it
// fails with the explanation hang.go reads from the goroutine dump. After a
// hang, the unreported tests of the same exercise count as not run, since
// they would most likely wait just as long, and the tests of other
// exercises run again, each exercise's together.

package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
)

// Outcome statuses besides the test2json ones (pass, fail, skip).
const (
	outcomeBuild  = "build"  // the package or its tests did not compile
	outcomeNotRun = "notrun" // the test never ran (wrong name, build tags)
)

// defaultTestTimeout bounds one run of a test binary. The listed tests of
// the slowest stage take a few seconds with the reference code, so a
// binary that runs this long holds a hang, which is then reported in
// seconds instead of after go test's ten minutes.
const defaultTestTimeout = 20 * time.Second

// TestOutcome is the result of one listed test.
type TestOutcome struct {
	Status string   // pass, fail, skip, build or notrun
	Output []string // the test's own lines, or the compiler's for build
	// Stop explains a test that hung or crashed its binary; nil otherwise.
	Stop *stopReport
}

// testRunner runs tests in one module folder.
type testRunner struct {
	Dir string // module root
	// Timeout is -test.timeout for each test process; zero means
	// defaultTestTimeout.
	Timeout time.Duration
	// Owners maps each test to the exercises that list it. After a hang,
	// the other tests of the hung test's exercises are not run again.
	// Without it every test counts as an exercise of its own.
	Owners map[TestRef][]string
	// Markers are the marked exercise bodies, so that a hang or a crash
	// can be traced to the learner's line in one of them.
	Markers []*Marker
	// Procs limits how many packages one go test -c builds at once (-p);
	// zero leaves the go command's default. verify sets it so that its
	// parallel workers share the machine instead of each assuming it has
	// all of it.
	Procs int
	// Jobs limits how many test processes run at once; zero means one per
	// CPU.
	Jobs int
	// Slots, when set, bounds the test processes of several runners
	// together (verify's workers share one); it takes the place of Jobs.
	Slots chan struct{}
	// VetOff builds without the vet checks go test runs by default. Only
	// for code that has been vetted some other way.
	VetOff bool
	// BinDir is where the test binaries are written; empty means a new
	// temporary folder for each run.
	BinDir string
	// OnInvoke, when set, is told about each command started: the go
	// command's arguments for a build, the binary's path and arguments for
	// a test process (tests use it to count them). Test processes start
	// side by side, so it may be called from several goroutines at once.
	OnInvoke func(args []string)
}

// run runs every ref and returns its outcome. The error is only for a
// command failing to start or the context being cancelled; test failures
// and compile errors are outcomes.
func (tr *testRunner) run(ctx context.Context, refs []TestRef) (map[TestRef]*TestOutcome, error) {
	modPath, err := readModulePath(tr.Dir)
	if err != nil {
		return nil, err
	}
	byDir := map[string][]string{} // dir -> test names, sorted and unique
	for _, r := range refs {
		if !slices.Contains(byDir[r.Dir], r.Name) {
			byDir[r.Dir] = append(byDir[r.Dir], r.Name)
		}
	}
	if len(byDir) == 0 {
		return map[TestRef]*TestOutcome{}, nil
	}
	for _, names := range byDir {
		sort.Strings(names)
	}
	binDir := tr.BinDir
	if binDir == "" {
		tmp, err := os.MkdirTemp("", "workbook-tests-")
		if err != nil {
			return nil, fmt.Errorf("make a folder for test binaries: %w", err)
		}
		defer os.RemoveAll(tmp)
		binDir = tmp
	}
	dirs := sortedKeys(byDir)
	bins, err := tr.buildTests(ctx, modPath, binDir, dirs)
	if err != nil {
		return nil, err
	}

	slots := tr.Slots
	if slots == nil {
		jobs := tr.Jobs
		if jobs <= 0 {
			jobs = runtime.NumCPU()
		}
		slots = make(chan struct{}, jobs)
	}
	var (
		mu       sync.Mutex
		outcomes = map[TestRef]*TestOutcome{}
		firstErr error
		wg       sync.WaitGroup
	)
	record := func(dir string, got map[string]*TestOutcome, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		for name, o := range got {
			outcomes[TestRef{Dir: dir, Name: name}] = o
		}
	}
	for _, dir := range dirs {
		b := bins[dir]
		if b.Path == "" {
			got := map[string]*TestOutcome{}
			for _, name := range byDir[dir] {
				got[name] = &TestOutcome{Status: outcomeBuild, Output: b.Output}
			}
			record(dir, got, nil)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := &packageRun{tr: tr, dir: dir, importPath: importPathOf(modPath, dir), bin: b.Path, slots: slots}
			got, err := pr.run(ctx, byDir[dir])
			record(dir, got, err)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return outcomes, nil
}

// packageRun runs the listed tests of one package from its test binary.
type packageRun struct {
	tr         *testRunner
	dir        string // slash path relative to the module root
	importPath string
	bin        string
	slots      chan struct{}
}

// run runs names together, then again the tests that a crash kept from
// reporting, and returns an outcome for every name.
func (pr *packageRun) run(ctx context.Context, names []string) (map[string]*TestOutcome, error) {
	first, err := pr.exec(ctx, names)
	if err != nil {
		return nil, err
	}
	out := map[string]*TestOutcome{}
	if len(first.Tests) == 0 {
		// Not one test started: the binary itself fails before any test
		// (a panic in an init or TestMain) or none of the names exist.
		// Running them again would only say so again.
		for _, name := range names {
			out[name] = &TestOutcome{Status: outcomeNotRun, Output: first.Output}
		}
		return out, nil
	}
	stops := pr.stoppers(first)
	var hung []string
	for name, s := range stops {
		if s.TimedOut {
			hung = append(hung, name)
		}
	}
	sort.Strings(hung)
	var again []string
	for _, name := range names {
		t := first.Tests[name]
		switch {
		case t != nil && t.Finished:
			out[name] = &TestOutcome{Status: t.Status, Output: t.Output}
		case stops[name] != nil:
			out[name] = &TestOutcome{Status: "fail", Output: append(slices.Clip(t.Output), first.Output...), Stop: stops[name]}
		case pr.sharesExercise(name, hung) != "":
			h := pr.sharesExercise(name, hung)
			out[name] = &TestOutcome{Status: outcomeNotRun, Output: []string{
				fmt.Sprintf("not run: %s of the same exercise did not finish within %s", h, stops[h].After),
			}}
		case len(names) == 1:
			// Alone and not explained by a hang or a crash of its own
			// (an os.Exit, say): the binary's last lines say what happened.
			out[name] = soloOutcome(first, name)
		default:
			// It never started, or it was running when another test's
			// crash ended the binary (a parallel test, or a goroutine an
			// earlier test left behind): run it again.
			again = append(again, name)
		}
	}
	if len(again) == 0 {
		return out, nil
	}
	rerun, err := pr.rerun(ctx, names, again, len(hung) > 0)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, rerun)
	return out, nil
}

// rerun runs again tests that a crash or a hang kept from reporting. After
// a crash each runs alone, side by side, where whatever happens is its own
// doing. After a hang the tests of each exercise run together instead, so
// that another hang costs one time limit per exercise, not one per test;
// but if they all belong together with the tests of the run that left them
// (names), each runs alone, so that every round makes progress.
func (pr *packageRun) rerun(ctx context.Context, names, again []string, afterHang bool) (map[string]*TestOutcome, error) {
	var groups [][]string
	index := map[string]int{}
	for _, name := range again {
		key := pr.exerciseKey(name)
		if !afterHang {
			key = "test " + name
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], name)
	}
	if len(groups) == 1 && len(again) == len(names) {
		groups = groups[:0]
		for _, name := range again {
			groups = append(groups, []string{name})
		}
	}
	results := make([]map[string]*TestOutcome, len(groups))
	errs := make([]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = pr.run(ctx, g)
		}()
	}
	wg.Wait()
	out := map[string]*TestOutcome{}
	for i := range groups {
		if errs[i] != nil {
			return nil, errs[i]
		}
		maps.Copy(out, results[i])
	}
	return out, nil
}

// stoppers finds the tests that stopped the binary of p: every test still
// running at a timeout, or the running test an unrecovered panic is the
// doing of (crashCulprit).
func (pr *packageRun) stoppers(p *PackageResult) map[string]*stopReport {
	var running []string
	for name, t := range p.Tests {
		if !t.Finished {
			running = append(running, name)
		}
	}
	if len(running) == 0 {
		return nil
	}
	sort.Strings(running)
	var lines []string
	for _, name := range running {
		lines = append(lines, p.Tests[name].Output...)
	}
	lines = append(lines, p.Output...)
	sa := newStopAnalyzer(pr.tr.Dir, pr.dir, pr.tr.Markers)
	stops := map[string]*stopReport{}
	timeout, timedOut := parseTestTimeout(lines)
	if !timedOut && slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, testKilledPrefix) }) {
		// Too wedged even to print its own timeout: the runner killed it.
		timeout, timedOut = &testTimeout{After: pr.tr.timeout().String()}, true
		for _, name := range running {
			timeout.Running = append(timeout.Running, runningTest{Name: name, For: pr.tr.timeout()})
		}
	}
	if timedOut {
		// The limit is for the whole binary. A test that had used only a
		// small part of it when the time ran out did not hang: the tests
		// before it took the time (each waiting for a deadline of its own,
		// say), and it runs again. Unless no test finished at all, which
		// would leave nothing but the same wait again.
		anyFinished := len(p.Tests) > len(running)
		for _, name := range running {
			d, _ := timeout.runningFor(name)
			if anyFinished && d >= 0 && d < pr.tr.timeout()/2 {
				continue
			}
			stops[name] = sa.analyze(name, lines, timeout, pr.tr.Owners[TestRef{Dir: pr.dir, Name: name}])
		}
		return stops
	}
	if _, crashed := panicValue(lines); crashed {
		if culprit := crashCulprit(lines, p, running); culprit != "" {
			stops[culprit] = sa.analyze(culprit, lines, nil, pr.tr.Owners[TestRef{Dir: pr.dir, Name: culprit}])
		}
	}
	return stops
}

// crashCulprit names the running test that an unrecovered panic is the
// doing of: the test whose function the panicking goroutine ran or was
// started by, or else the only test running. It returns "" when the panic
// came from another test (a goroutine it left behind), whose victims are
// then run again.
func crashCulprit(lines []string, p *PackageResult, running []string) string {
	if dump := parseGoroutineDump(lines); len(dump) > 0 {
		g := dump[0] // the panicking goroutine
		names := []string{g.CreatedBy}
		for _, f := range g.Frames {
			names = append(names, f.Func)
		}
		for _, n := range names {
			test, _, _ := strings.Cut(shortFunc(n), ".")
			if p.Tests[test] != nil {
				if slices.Contains(running, test) {
					return test
				}
				return ""
			}
		}
	}
	if len(running) == 1 {
		return running[0]
	}
	return ""
}

// exerciseKey names the group a test reruns with: its first exercise, or
// the test itself when no exercise is known.
func (pr *packageRun) exerciseKey(name string) string {
	if ids := pr.tr.Owners[TestRef{Dir: pr.dir, Name: name}]; len(ids) > 0 {
		return "exercise " + ids[0]
	}
	return "test " + name
}

// sharesExercise returns the first of tests that belongs to an exercise
// of name, or "".
func (pr *packageRun) sharesExercise(name string, tests []string) string {
	mine := pr.tr.Owners[TestRef{Dir: pr.dir, Name: name}]
	for _, other := range tests {
		for _, id := range pr.tr.Owners[TestRef{Dir: pr.dir, Name: other}] {
			if slices.Contains(mine, id) {
				return other
			}
		}
	}
	return ""
}

// soloOutcome is the outcome of a test that ran in a process of its own.
func soloOutcome(p *PackageResult, name string) *TestOutcome {
	t := p.Tests[name]
	if t == nil {
		// The pattern named it and it did not run: no such test in the
		// binary (build tags), or the binary died before any test. The
		// package's lines say which.
		return &TestOutcome{Status: outcomeNotRun, Output: p.Output}
	}
	o := &TestOutcome{Status: t.Status, Output: t.Output}
	if !t.Finished {
		// It ended its own binary: an os.Exit, or a panic the runner
		// could not read. What the binary said last explains it.
		o.Status = "fail"
		o.Output = append(slices.Clip(t.Output), p.Output...)
	}
	return o
}

// exec runs the binary once for names, waiting for a free slot first.
func (pr *packageRun) exec(ctx context.Context, names []string) (*PackageResult, error) {
	select {
	case pr.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-pr.slots }()
	return pr.tr.execTests(ctx, pr.dir, pr.importPath, pr.bin, names)
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
