// This file is `verify --wrong`: it proves that the tests reject wrong
// answers. Each wrong answer of the catalogue (mutatecatalog.go) and each
// generated mutant (mutategen.go) is written into a copy of the reference,
// its package's tests are built, and the exercise's listed tests of that
// package are run. A wrong answer that passes them all is a hole in the
// tests, and fails the run with its description; a generated mutant that
// lives is only reported, since some make no difference at all.

package main

import (
	"context"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// wrongOptions tunes a `verify --wrong` run.
type wrongOptions struct {
	Jobs    int           // mutants built and tested at once, each in its own copy
	Timeout time.Duration // bounds each test process: a mutant may hang or spin
	// PerStage caps the generated mutants of each package folder; the
	// ones tried are spread evenly over all that could be made. Zero
	// generates none; a negative number keeps every one.
	PerStage int
	Only     string // test only this exercise's wrong answers and mutants
	Keep     bool   // keep the temporary copies
}

// trial is one wrong version of the code and the tests that must reject it.
type trial struct {
	Mutant *Mutant
	Wrong  *WrongAnswer // the catalogue entry, or nil for a generated mutant
	Tests  []TestRef
}

// Verdicts of a trial.
const (
	verdictRejected = "rejected" // at least one listed test failed
	verdictLives    = "lives"    // every listed test passed
	verdictNoBuild  = "nobuild"  // the package's tests did not compile
)

// trialResult is what running one trial found.
type trialResult struct {
	Verdict string
	Failed  []string // the listed tests that failed
	Output  []string // compiler messages for nobuild
}

// verifyWrong runs every trial and writes the report to w. It returns the
// problems that fail the run: catalogue mistakes, and wrong answers that
// no test rejects or that do not compile.
func verifyWrong(ctx context.Context, p *Project, opts wrongOptions, w io.Writer) ([]string, error) {
	start := time.Now()
	wrongs, probs := loadWrongAnswers(p, opts.Only)
	if len(probs) > 0 {
		return probs, nil
	}
	var skipped []string
	var trials []*trial
	for _, wa := range wrongs {
		if !buildsHere(p.Root, wa.File) {
			skipped = append(skipped, fmt.Sprintf("%s (%s is not built on %s)", wa.Pos, wa.File, build.Default.GOOS))
			continue
		}
		tests := testsIn(p.Manifest, append([]string{wa.Exercise}, wa.Also...), path.Dir(wa.File))
		if len(tests) == 0 {
			probs = append(probs, fmt.Sprintf("%s: no test of %s is listed in %s, so nothing can reject %q: list one in %s, or use \"also ID\"", wa.Pos, wa.Exercise, path.Dir(wa.File), wa.Desc, manifestPath))
			continue
		}
		src, err := wrongSource(p, wa)
		if err != nil {
			return nil, err
		}
		trials = append(trials, &trial{Wrong: wa, Tests: tests, Mutant: &Mutant{Exercise: wa.Exercise, File: wa.File, Func: wa.Func, Desc: wa.Desc, Source: src}})
	}
	if len(probs) > 0 {
		return probs, nil
	}
	generated, err := planMutants(p, opts)
	if err != nil {
		return nil, err
	}
	trials = append(trials, generated...)
	fmt.Fprintf(w, "Trying %d wrong answers from %s and %d generated mutants, %d at a time, %v per test process\n",
		len(trials)-len(generated), wrongDir, len(generated), opts.Jobs, opts.Timeout)

	results, err := runTrials(ctx, p, trials, opts, w)
	if err != nil {
		return nil, err
	}
	probs = append(probs, reportWrong(w, p, trials, results, skipped)...)
	fmt.Fprintf(w, "\nverify --wrong: %d trials in %.0fs\n", len(trials), time.Since(start).Seconds())
	return probs, nil
}

// buildsHere reports whether the go command builds file (a slash path
// under root) for this machine's system, going by its name and build tags.
func buildsHere(root, file string) bool {
	ok, err := build.Default.MatchFile(filepath.Join(root, filepath.FromSlash(path.Dir(file))), path.Base(file))
	return err == nil && ok
}

// testsIn lists the tests of the exercises ids that live in package dir.
func testsIn(m *Manifest, ids []string, dir string) []TestRef {
	var out []TestRef
	for _, id := range ids {
		e := m.ByID(id)
		if e == nil {
			continue
		}
		for _, r := range e.TestRefs() {
			if r.Dir == dir && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// wrongSource is the marked file of wa with wa's change made in its body.
func wrongSource(p *Project, wa *WrongAnswer) ([]byte, error) {
	mk := markerOf(p, wa.File, wa.Func)
	body, err := applyWrongAnswer(mk.Body, wa)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wa.Pos, err)
	}
	src, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(wa.File)))
	if err != nil {
		return nil, fmt.Errorf("verify --wrong: %w", err)
	}
	return replaceBody(wa.File, src, wa.Func, body)
}

// replaceBody returns src with the body of function fn (spelled as
// Marker.Func) replaced by body, the text between its braces.
func replaceBody(name string, src []byte, fn, body string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || funcName(fd) != fn {
			continue
		}
		start := fset.Position(fd.Body.Lbrace).Offset + 1
		end := fset.Position(fd.Body.Rbrace).Offset
		return slices.Concat(src[:start], []byte(body), src[end:]), nil
	}
	return nil, fmt.Errorf("%s: no function %s", name, fn)
}

// planMutants generates the mutants of every exercise body in a package
// folder where the exercise has listed tests, and keeps at most
// opts.PerStage per folder, spread evenly over the candidates.
func planMutants(p *Project, opts wrongOptions) ([]*trial, error) {
	if opts.PerStage == 0 {
		return nil, nil
	}
	byDir := map[string][]string{} // folder -> marked files built here
	for _, file := range p.markedFiles() {
		if buildsHere(p.Root, file) {
			byDir[path.Dir(file)] = append(byDir[path.Dir(file)], file)
		}
	}
	var out []*trial
	for _, dir := range sortedKeys(byDir) {
		var candidates []*trial
		for _, file := range byDir[dir] {
			src, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(file)))
			if err != nil {
				return nil, fmt.Errorf("verify --wrong: %w", err)
			}
			keep := func(mk *Marker) bool {
				return (opts.Only == "" || mk.ID == opts.Only) && len(testsIn(p.Manifest, []string{mk.ID}, dir)) > 0
			}
			ms, err := generateMutants(file, src, keep)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				candidates = append(candidates, &trial{Mutant: m, Tests: testsIn(p.Manifest, []string{m.Exercise}, dir)})
			}
		}
		out = append(out, spread(candidates, opts.PerStage)...)
	}
	return out, nil
}

// spread keeps at most n of list, evenly spaced, in order.
func spread[T any](list []T, n int) []T {
	if n <= 0 || len(list) <= n {
		return list
	}
	out := make([]T, 0, n)
	for i := range n {
		out = append(out, list[i*len(list)/n])
	}
	return out
}

// runTrials runs the trials on opts.Jobs copies of the reference, each
// worker writing one trial's file, testing it, and putting the file back.
// Every tenth trial done, it says how far it has got on w.
func runTrials(ctx context.Context, p *Project, trials []*trial, opts wrongOptions, w io.Writer) ([]*trialResult, error) {
	start := time.Now()
	done := 0
	tmp, err := os.MkdirTemp("", "workbook-wrong-")
	if err != nil {
		return nil, fmt.Errorf("verify --wrong: %w", err)
	}
	if !opts.Keep {
		defer os.RemoveAll(tmp)
	}
	modPath, err := readModulePath(p.Root)
	if err != nil {
		return nil, err
	}
	jobs := max(1, min(opts.Jobs, len(trials)))
	results := make([]*trialResult, len(trials))
	queue := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for i := range jobs {
		dir := filepath.Join(tmp, fmt.Sprintf("work%d", i+1))
		for _, rel := range p.Files {
			if err := copyFile(filepath.Join(p.Root, filepath.FromSlash(rel)), filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
				return nil, err
			}
		}
		tr := &testRunner{Dir: dir, Timeout: opts.Timeout, Procs: 1, VetOff: true, BinDir: filepath.Join(tmp, fmt.Sprintf("bin%d", i+1))}
		if err := os.MkdirAll(tr.BinDir, 0o755); err != nil {
			return nil, fmt.Errorf("verify --wrong: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				r, err := runTrial(ctx, p, tr, modPath, trials[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				results[i] = r
				if done++; done%10 == 0 {
					fmt.Fprintf(w, "  %d of %d tried (%.0fs)\n", done, len(trials), time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	for i := range trials {
		select {
		case queue <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(queue)
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return results, firstErr
}

// runTrial writes one trial's file into tr's copy, builds and runs the
// listed tests of its package, and puts the reference file back.
func runTrial(ctx context.Context, p *Project, tr *testRunner, modPath string, t *trial) (*trialResult, error) {
	dst := filepath.Join(tr.Dir, filepath.FromSlash(t.Mutant.File))
	if err := writeFile(dst, t.Mutant.Source, 0o644); err != nil {
		return nil, err
	}
	res, err := testTrial(ctx, tr, modPath, t)
	// The next trial in this copy must start from the reference.
	if restoreErr := copyFile(filepath.Join(p.Root, filepath.FromSlash(t.Mutant.File)), dst); err == nil {
		err = restoreErr
	}
	return res, err
}

// testTrial builds the tests of the trial's package, as its file now is in
// tr's copy, and runs the trial's tests.
func testTrial(ctx context.Context, tr *testRunner, modPath string, t *trial) (*trialResult, error) {
	dir := path.Dir(t.Mutant.File)
	bins, err := tr.buildTests(ctx, modPath, tr.BinDir, []string{dir})
	if err != nil {
		return nil, err
	}
	b := bins[dir]
	if b.Path == "" {
		return &trialResult{Verdict: verdictNoBuild, Output: b.Output}, nil
	}
	names := make([]string, len(t.Tests))
	for i, r := range t.Tests {
		names[i] = r.Name
	}
	sort.Strings(names)
	pr, err := tr.execTests(ctx, dir, importPathOf(modPath, dir), b.Path, names)
	if err != nil {
		return nil, err
	}
	res := &trialResult{Verdict: verdictLives}
	for _, name := range names {
		// A test with no result never ran: the binary died (a panic, a
		// timeout) before it, which rejects the mutant just as well.
		if tres := pr.Tests[name]; tres == nil || tres.Status == "fail" {
			res.Verdict = verdictRejected
			res.Failed = append(res.Failed, name)
		}
	}
	return res, nil
}

// reportWrong prints the results, by exercise for the catalogue and by
// package folder for the generated mutants, and returns the problems.
func reportWrong(w io.Writer, p *Project, trials []*trial, results []*trialResult, skipped []string) []string {
	var probs []string
	fmt.Fprintf(w, "\nWrong answers from %s, by exercise:\n", wrongDir)
	for _, e := range p.Manifest.Exercises {
		var lines []string
		tried, rejected := 0, 0
		for i, t := range trials {
			if t.Wrong == nil || t.Wrong.Exercise != e.ID {
				continue
			}
			tried++
			r := results[i]
			switch r.Verdict {
			case verdictRejected:
				rejected++
				lines = append(lines, fmt.Sprintf("    rejected  %s (%s)", t.Wrong.Desc, firstNames(r.Failed, 2)))
			case verdictLives:
				lines = append(lines, fmt.Sprintf("    LIVES     %s", t.Wrong.Desc))
				probs = append(probs, fmt.Sprintf("%s: every listed test of %s in %s passes with the wrong answer %q: add a test that rejects it", t.Wrong.Pos, t.Wrong.Exercise, path.Dir(t.Wrong.File), t.Wrong.Desc))
			default:
				lines = append(lines, fmt.Sprintf("    NO BUILD  %s", t.Wrong.Desc))
				probs = append(probs, fmt.Sprintf("%s: the wrong answer %q does not compile, so it proves nothing:\n%s", t.Wrong.Pos, t.Wrong.Desc, indent(strings.Join(lastN(r.Output, 10), "\n"))))
			}
		}
		if tried == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-22s %d of %d rejected\n", e.ID, rejected, tried)
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}

	fmt.Fprintf(w, "\nGenerated mutants, by stage (a live one is a test to add, or a change that makes no difference):\n")
	byDir := map[string][]int{}
	for i, t := range trials {
		if t.Wrong == nil {
			byDir[path.Dir(t.Mutant.File)] = append(byDir[path.Dir(t.Mutant.File)], i)
		}
	}
	if len(byDir) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, dir := range sortedKeys(byDir) {
		killed, built := 0, 0
		var lives []string
		for _, i := range byDir[dir] {
			switch results[i].Verdict {
			case verdictRejected:
				killed++
				built++
			case verdictLives:
				built++
				m := trials[i].Mutant
				lives = append(lives, fmt.Sprintf("    lives: %s (%s): %s", m.Where(), m.Exercise, m.Desc))
			}
		}
		share := 0.0
		if built > 0 {
			share = 100 * float64(killed) / float64(built)
		}
		fmt.Fprintf(w, "  %-20s %d of %d killed (%.0f%%); %d more did not compile\n", dir, killed, built, share, len(byDir[dir])-built)
		for _, l := range lives {
			fmt.Fprintln(w, l)
		}
	}
	return probs
}

// firstNames lists the first n names, and how many more there are.
func firstNames(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// lastN keeps the last n lines.
func lastN(lines []string, n int) []string {
	if len(lines) > n {
		return lines[len(lines)-n:]
	}
	return lines
}
