// This file runs listed tests and returns one outcome per test.
//
// Each package's tests are compiled once into a test binary (testbinary.go)
// and that binary is run with a -run pattern naming only that package's
// tests, so a name listed for one package never runs in another.
//
// A panic in a Go test ends the whole test binary, so the tests after it
// never run and never report. An unfinished exercise panics by design, so
// the runner cannot treat "did not report" as "failed": every test that a
// crash kept from reporting is run again in a process of its own, where
// whatever happens is its own doing. Those processes run side by side.

package main

import (
	"context"
	"fmt"
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

// TestOutcome is the result of one listed test.
type TestOutcome struct {
	Status string   // pass, fail, skip, build or notrun
	Output []string // the test's own lines, or the compiler's for build
}

// testRunner runs tests in one module folder.
type testRunner struct {
	Dir     string        // module root
	Timeout time.Duration // -test.timeout for each test process
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

// run runs names together, then each test that a crash kept from reporting
// on its own, and returns an outcome for every name.
func (pr *packageRun) run(ctx context.Context, names []string) (map[string]*TestOutcome, error) {
	first, err := pr.exec(ctx, names)
	if err != nil {
		return nil, err
	}
	out := map[string]*TestOutcome{}
	if len(names) == 1 {
		// Alone, whatever happened to the test was its own doing.
		out[names[0]] = soloOutcome(first, names[0])
		return out, nil
	}
	if len(first.Tests) == 0 {
		// Not one test started: the binary itself fails before any test
		// (a panic in an init or TestMain) or none of the names exist.
		// Running them one by one would only say so again.
		for _, name := range names {
			out[name] = &TestOutcome{Status: outcomeNotRun, Output: first.Output}
		}
		return out, nil
	}
	timedOut := slices.ContainsFunc(first.Output, func(l string) bool {
		return strings.HasPrefix(l, "panic: test timed out after ")
	})
	var again []string
	for _, name := range names {
		t := first.Tests[name]
		switch {
		case t != nil && t.Finished:
			out[name] = &TestOutcome{Status: t.Status, Output: t.Output}
		case t != nil && timedOut:
			// It was running when the time ran out: running it again
			// would only wait as long once more.
			out[name] = &TestOutcome{Status: "fail", Output: append(slices.Clip(t.Output), first.Output...)}
		default:
			// It never started, or it was running when another test's
			// crash ended the binary (a parallel test, or a goroutine an
			// earlier test left behind): run it alone.
			again = append(again, name)
		}
	}
	if len(again) == 0 {
		return out, nil
	}
	solo := make([]*TestOutcome, len(again))
	errs := make([]error, len(again))
	var wg sync.WaitGroup
	for i, name := range again {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := pr.exec(ctx, []string{name})
			if err != nil {
				errs[i] = err
				return
			}
			solo[i] = soloOutcome(res, name)
		}()
	}
	wg.Wait()
	for i, name := range again {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[name] = solo[i]
	}
	return out, nil
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
		// It ended its own binary: a panic in a goroutine it started, a
		// timeout or an os.Exit. What the binary said last explains it.
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
