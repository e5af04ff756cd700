// This file is `verify`, the maintainers' proof that the exercises are real:
// the student edition builds and vets, every listed test fails in it, each
// exercise restored alone (with what it requires) makes exactly its tests
// pass, the reference passes everything, and no solution is left in the
// export, neither word for word (leaks.go) nor nearly (nearcopy.go). CI runs it; any problem makes it exit non-zero.

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// verifyOptions tunes a verify run.
type verifyOptions struct {
	Jobs int  // variants tested at once, each in its own copy, and test processes run at once
	Keep bool // keep the temporary folder for inspection
	// Timeout bounds each test process; a listed test that hangs against
	// a stand-in panic costs this much in every variant that runs it.
	Timeout time.Duration
}

func (a *app) cmdVerify(ctx context.Context, args []string) error {
	fs := newFlags("verify")
	jobs := fs.Int("jobs", min(2, runtime.NumCPU()), "how many variants to test, and test processes to run, at once")
	keep := fs.Bool("keep", false, "keep the temporary export and work folders")
	timeout := fs.Duration("timeout", defaultTestTimeout, "how long one test process may run")
	wrong := fs.Bool("wrong", false, "instead, prove that the tests reject the wrong answers of workbook/wrong and most generated mutants")
	mutants := fs.Int("mutants", 12, "with --wrong: at most this many generated mutants per stage (0: none, -1: all)")
	only := fs.String("only", "", "with --wrong: only this exercise's wrong answers and mutants")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	if *jobs < 1 {
		return &usageError{"verify: --jobs must be at least 1"}
	}
	if *timeout <= 0 {
		return &usageError{"verify: --timeout must be a positive duration, e.g. 2m"}
	}
	root, err := findRoot(a.dir)
	if err != nil {
		return err
	}
	if isStudentEdition(root) {
		return &usageError{"verify is for the reference repository: this is a student edition, which has no solutions to verify against"}
	}
	p, err := loadProject(root)
	if err != nil {
		return err
	}
	if err := p.requireParsed(); err != nil {
		return err
	}
	if *only != "" && p.Manifest.ByID(*only) == nil {
		return &usageError{fmt.Sprintf("verify: --only %s: no such exercise in %s", *only, manifestPath)}
	}
	var probs []string
	if *wrong {
		probs, err = verifyWrong(ctx, p, wrongOptions{Jobs: *jobs, Timeout: *timeout, PerStage: *mutants, Only: *only, Keep: *keep}, a.stdout)
	} else {
		probs, err = verify(ctx, p, verifyOptions{Jobs: *jobs, Keep: *keep, Timeout: *timeout}, a.stdout)
	}
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		fmt.Fprintf(a.stdout, "\nverify: %d problem(s):\n", len(probs))
		for _, pr := range probs {
			fmt.Fprintf(a.stdout, "  - %s\n", pr)
		}
		return &exitError{code: 1}
	}
	return nil
}

// verify runs every check and returns the problems found. The error is for
// verify itself being unable to run (no disk space, go missing, Ctrl-C).
func verify(ctx context.Context, p *Project, opts verifyOptions, w io.Writer) ([]string, error) {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "workbook-verify-")
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if opts.Keep {
		fmt.Fprintf(w, "Keeping the work folders in %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	var probs []string

	exportDir := filepath.Join(tmp, "student")
	fmt.Fprintf(w, "Exporting the student edition to %s\n", exportDir)
	if err := writeStudentEdition(p, exportDir); err != nil {
		return nil, err
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		fmt.Fprintf(w, "Student edition: go %s\n", strings.Join(args, " "))
		if out, err := runGo(ctx, exportDir, args...); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			probs = append(probs, fmt.Sprintf("student edition: go %s fails:\n%s", strings.Join(args, " "), indent(lastLines(out, 20))))
		}
	}
	// The hidden tests are left out of the student edition, which must
	// build and vet without them; the variants run them, and they must
	// give no answer away either.
	if err := copyHiddenTests(p, exportDir); err != nil {
		return nil, err
	}
	leaks, err := findLeaks(exportDir, p.Markers)
	if err != nil {
		return nil, err
	}
	for _, l := range leaks {
		probs = append(probs, "export: "+l)
	}
	near, err := findNearCopies(exportDir, p.Markers)
	if err != nil {
		return nil, err
	}
	for _, n := range near {
		probs = append(probs, "export: "+n)
	}
	if len(p.Manifest.Exercises) == 0 {
		fmt.Fprintf(w, "No exercises in %s: nothing more to verify.\n", manifestPath)
		return probs, nil
	}

	variants := planVariants(p.Manifest)
	refs, owners := allTests(p.Manifest)
	var testDirs []string
	for _, r := range refs {
		if !slices.Contains(testDirs, r.Dir) {
			testDirs = append(testDirs, r.Dir)
		}
	}
	deps, err := loadPackageDeps(ctx, exportDir, testDirs, markedDirs(p.Markers))
	if err != nil {
		return nil, err
	}
	jobs := min(opts.Jobs, len(variants))
	workDirs := make([]string, jobs)
	for i := range workDirs {
		workDirs[i] = filepath.Join(tmp, fmt.Sprintf("work%d", i+1))
		if err := copyTree(exportDir, workDirs[i]); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(w, "Testing %d variants (%d tests each), %d at a time\n", len(variants), len(refs), jobs)

	vt := &variantTester{p: p, refs: refs, deps: deps}
	// One pool of test processes for every worker: --jobs bounds them
	// all, not each worker's.
	slots := make(chan struct{}, opts.Jobs)
	runners := make([]*testRunner, jobs)
	for i, dir := range workDirs {
		runners[i] = &testRunner{
			Dir: dir, Timeout: opts.Timeout, Procs: max(1, runtime.NumCPU()/jobs),
			Owners: owners, Markers: p.Markers,
			Slots: slots, BinDir: filepath.Join(tmp, fmt.Sprintf("bin%d", i+1)),
		}
		if err := os.MkdirAll(runners[i].BinDir, 0o755); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}

	var (
		mu       sync.Mutex
		finished int
		failErr  error
		varProbs = make([][]string, len(variants))
	)
	test := func(tr *testRunner, i int) {
		v := variants[i]
		began := time.Now()
		outcomes, reused, err := vt.run(ctx, tr, v)
		mu.Lock()
		defer mu.Unlock()
		finished++
		if err != nil {
			if failErr == nil {
				failErr = fmt.Errorf("verify %s: %w", v.Name, err)
			}
			return
		}
		vp := judgeVariant(v, refs, owners, outcomes)
		varProbs[i] = vp
		verdict := fmt.Sprintf("ok: %d must pass, %d must fail", len(v.MustPass), len(refs)-len(v.MustPass))
		if len(vp) > 0 {
			verdict = fmt.Sprintf("%d problem(s)", len(vp))
		}
		note := ""
		if len(reused) > 0 {
			note = "; " + strings.Join(reused, ", ") + " as in the student edition"
		}
		fmt.Fprintf(w, "[%d/%d] %s: %s (%.1fs%s)\n", finished, len(variants), v.Name, verdict, time.Since(began).Seconds(), note)
	}
	// The student edition goes first and alone: the other variants take
	// the outcomes of the packages they leave unchanged from it.
	first := *runners[0]
	first.Procs = runtime.NumCPU()
	test(&first, 0)
	if failErr == nil && ctx.Err() == nil {
		queue := make(chan int)
		var wg sync.WaitGroup
		for _, tr := range runners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range queue {
					test(tr, i)
				}
			}()
		}
		for i := 1; i < len(variants); i++ {
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
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if failErr != nil {
		return nil, failErr
	}
	for _, vp := range varProbs {
		probs = append(probs, vp...)
	}
	if len(probs) == 0 {
		fmt.Fprintf(w, "\nverify: OK in %.0fs: %d exercises. The student edition builds and vets, every listed test fails in it, each exercise restored alone makes exactly its tests pass, the reference passes them all, and no solution text is left in the export.\n",
			time.Since(start).Seconds(), len(p.Manifest.Exercises))
	}
	return probs, nil
}

// runGo runs a go command in dir and returns its combined output.
func runGo(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

// copyTree copies every file under src into dst.
func copyTree(src, dst string) error {
	files, err := walkFiles(src)
	if err != nil {
		return err
	}
	for _, rel := range files {
		if err := copyFile(filepath.Join(src, filepath.FromSlash(rel)), filepath.Join(dst, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	return nil
}

// lastLines keeps the end of a long output, where the go command puts the
// summary of what went wrong.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "      " + strings.ReplaceAll(s, "\n", "\n      ")
}
