// This file is `check`: run an exercise's tests and tell the learner, in a
// few lines, whether it passes, and if not what failed and what to try next.

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func (a *app) cmdCheck(ctx context.Context, args []string) error {
	fs := newFlags("check")
	verbose := fs.Bool("verbose", false, "print the whole output of the first failing test")
	pos, err := parseArgs(fs, args, 0, 1)
	if err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	if len(p.Manifest.Exercises) == 0 {
		fmt.Fprintf(a.stdout, "No exercises yet: %s lists none.\n", manifestPath)
		return nil
	}
	st, err := loadState(p.statePath())
	if err != nil {
		return err
	}
	arg := ""
	if len(pos) == 1 {
		arg = pos[0]
	}
	list, err := selectExercises(p.Manifest, st, arg)
	if err != nil {
		return &usageError{err.Error()}
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, "Every exercise passed its last check. `go run ./workbook check all` runs them all again.")
		return nil
	}
	if err := carryAndReport(p, a.stdout); err != nil {
		return err
	}
	results, err := checkExercises(ctx, p, st, list)
	if err != nil {
		return err
	}
	failed := reportCheck(a.stdout, p, st, results, *verbose)
	if err := st.save(p.statePath()); err != nil {
		return err
	}
	if len(failed) > 0 {
		// One line on stderr too: GitHub Classroom's command grader shows a
		// failing step's stderr to the student.
		fmt.Fprintf(a.stderr, "workbook: %d of %d checked exercises do not pass yet: %s\n",
			len(failed), len(results), strings.Join(failed, ", "))
		return &exitError{code: 1}
	}
	return nil
}

// checkExercises runs list and records each result in st (not yet saved).
func checkExercises(ctx context.Context, p *Project, st *State, list []*Exercise) ([]*ExerciseResult, error) {
	tr := &testRunner{Dir: p.Root, Markers: p.Markers}
	// An exercise whose package does not parse cannot be built; the others
	// run as usual.
	var runnable []*Exercise
	for _, e := range list {
		if p.brokenFor(e) == nil {
			runnable = append(runnable, e)
		}
	}
	ran, err := runExercises(ctx, tr, runnable)
	if err != nil {
		return nil, err
	}
	results := make([]*ExerciseResult, 0, len(list))
	for _, e := range list {
		if pf := p.brokenFor(e); pf != nil {
			results = append(results, brokenResult(e, pf))
			continue
		}
		results = append(results, ran[0])
		ran = ran[1:]
	}
	now := time.Now().UTC()
	for _, r := range results {
		es := st.Of(r.Exercise.ID)
		es.Status = r.Status
		es.LastChecked = now
	}
	return results, nil
}

// reportCheck prints results: one line per exercise, and details (the
// failure and a hint) for the first one that does not pass, which is the one
// to work on. It returns "id (reason)" for every exercise that failed.
func reportCheck(w io.Writer, p *Project, st *State, results []*ExerciseResult, verbose bool) []string {
	var failed []string
	detailed := false
	for _, r := range results {
		e := r.Exercise
		if r.Passed() {
			fmt.Fprintf(w, "✓ %s  %s\n", e.ID, e.Title)
			continue
		}
		failed = append(failed, fmt.Sprintf("%s (%s)", e.ID, r.Reason))
		mark := "✗"
		if r.Status == StatusNotDone {
			mark = "·"
		}
		fmt.Fprintf(w, "%s %s  %s: %s\n", mark, e.ID, e.Title, r.Reason)
		if detailed {
			continue
		}
		detailed = true
		printFailureDetail(w, p, st, r, verbose)
	}
	if len(results) == 1 && results[0].Passed() {
		if next := nextExercise(p.Manifest, st); next != nil {
			fmt.Fprintf(w, "\nNext: %s  %s (go run ./workbook check)\n", next.ID, next.Title)
		} else {
			fmt.Fprintln(w, "\nThat was the last one: every exercise passes.")
		}
	} else if len(results) > 1 {
		fmt.Fprintf(w, "\n%d of %d pass.\n", len(results)-len(failed), len(results))
	}
	return failed
}

// printFailureDetail explains one failed exercise and shows the current hint.
func printFailureDetail(w io.Writer, p *Project, st *State, r *ExerciseResult, verbose bool) {
	e := r.Exercise
	if r.Status == StatusNotDone {
		var where []string
		for _, mk := range stillPanicking(p.HomeMarkersOf(e.ID)) {
			where = append(where, fmt.Sprintf("%s in %s", mk.Func, mk.File))
		}
		fmt.Fprintf(w, "    Replace the panic in %s with your own code.\n", joinAnd(where))
		fmt.Fprintf(w, "    Concept: %s\n", e.Concept)
	}
	if verbose && len(r.Output) > 0 {
		for _, l := range r.Output {
			fmt.Fprintf(w, "    %s\n", l)
		}
	} else {
		for _, l := range r.Excerpt {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	// A failed check shows the hint the learner has reached, starting with
	// the first; it never reveals a further one on its own, or watch would
	// give away every hint within three saves.
	es := st.Of(e.ID)
	level := max(es.HintsShown, 1)
	es.HintsShown = level
	fmt.Fprintf(w, "  Hint %d/%d: %s\n", level, len(e.Hints), e.Hints[level-1])
	if level < len(e.Hints) {
		fmt.Fprintf(w, "  Next hint: go run ./workbook hint %s\n", e.ID)
	}
	if r.FailedTest != "" && r.Status != StatusNotDone {
		ref, err := parseTestRef(r.FailedTest)
		if err == nil {
			// After a hang, the rerun asks the test binary to say what the
			// runtime was stuck on before Go's own timeout dumps the
			// goroutines, as check itself does.
			env := ""
			if r.Hung {
				env = fmt.Sprintf("%s=%s ", stuckEnv, stuckAfter(defaultTestTimeout))
			}
			fmt.Fprintf(w, "  Whole output: %sgo test -count=1 -timeout=%s -run '^%s$' ./%s\n", env, defaultTestTimeout, ref.Name, ref.Dir)
		}
	}
}

// stillPanicking keeps the marked functions whose body still holds the
// exercise's stand-in panic: those the learner has not written yet. The
// markers were read from the learner's own source, so Body is their code.
// If none does (the panic text was edited, say), all are listed rather
// than none.
func stillPanicking(markers []*Marker) []*Marker {
	var out []*Marker
	for _, mk := range markers {
		if slices.Contains(notDoneIDs([]string{mk.Body}), mk.ID) {
			out = append(out, mk)
		}
	}
	if len(out) == 0 {
		return markers
	}
	return out
}
