// This file is `hint`: hints come one at a time, from a nudge to nearly the
// answer, and the runner remembers how far the learner has gone.

package main

import (
	"context"
	"fmt"
)

func (a *app) cmdHint(ctx context.Context, args []string) error {
	fs := newFlags("hint")
	all := fs.Bool("all", false, "show every hint at once")
	pos, err := parseArgs(fs, args, 0, 1)
	if err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	st, err := loadState(p.statePath())
	if err != nil {
		return err
	}
	var e *Exercise
	if len(pos) == 1 {
		if e, err = lookupExercise(p.Manifest, pos[0]); err != nil {
			return &usageError{err.Error()}
		}
	} else if e = nextExercise(p.Manifest, st); e == nil {
		if len(p.Manifest.Exercises) == 0 {
			return &usageError{fmt.Sprintf("no exercises yet: %s lists none", manifestPath)}
		}
		return &usageError{"every exercise is done; name one to see its hints: go run ./workbook hint ID"}
	}
	es := st.Of(e.ID)
	fmt.Fprintf(a.stdout, "%s  %s\n", e.ID, e.Title)
	if *all {
		for i, h := range e.Hints {
			fmt.Fprintf(a.stdout, "Hint %d/%d: %s\n", i+1, len(e.Hints), h)
		}
		es.HintsShown = len(e.Hints)
		return st.save(p.statePath())
	}
	next := es.HintsShown + 1
	if next > len(e.Hints) {
		fmt.Fprintf(a.stdout, "Hint %d/%d: %s\n", len(e.Hints), len(e.Hints), e.Hints[len(e.Hints)-1])
		fmt.Fprintf(a.stdout, "That was the last hint. `go run ./workbook hint %s --all` shows them all.\n", e.ID)
		return nil
	}
	fmt.Fprintf(a.stdout, "Hint %d/%d: %s\n", next, len(e.Hints), e.Hints[next-1])
	es.HintsShown = next
	if next < len(e.Hints) {
		fmt.Fprintln(a.stdout, "Ask again for the next one.")
	}
	return st.save(p.statePath())
}
