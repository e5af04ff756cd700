// This file turns what the user typed (an id, "stageN", "all" or nothing)
// into the exercises a command works on, with a helpful error for a typo.

package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// stageArg accepts "stage3", "stage03" and a stage folder's name such as
// "stage03_waker".
var stageArg = regexp.MustCompile(`^stage0*([1-9][0-9]*)(_[A-Za-z0-9_]+)?$`)

// selectExercises resolves a check-style argument. An empty argument means
// the first exercise not yet done; it returns no exercises when all are done.
func selectExercises(m *Manifest, st *State, arg string) ([]*Exercise, error) {
	switch {
	case arg == "":
		if e := nextExercise(m, st); e != nil {
			return []*Exercise{e}, nil
		}
		return nil, nil
	case arg == "all":
		return m.Exercises, nil
	}
	if sm := stageArg.FindStringSubmatch(arg); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		var out []*Exercise
		for _, e := range m.Exercises {
			if e.Stage == n {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("stage %d has no exercises (stages with exercises: %s)", n, stagesWithExercises(m))
		}
		return out, nil
	}
	e, err := lookupExercise(m, arg)
	if err != nil {
		return nil, err
	}
	return []*Exercise{e}, nil
}

// lookupExercise finds an exercise by id or explains what might have been
// meant.
func lookupExercise(m *Manifest, id string) (*Exercise, error) {
	if e := m.ByID(id); e != nil {
		return e, nil
	}
	if len(m.Exercises) == 0 {
		return nil, fmt.Errorf("unknown exercise %q: %s lists no exercises yet", id, manifestPath)
	}
	if s := didYouMean(id, m.IDs()); s != "" {
		return nil, fmt.Errorf("unknown exercise %q%s", id, s)
	}
	return nil, fmt.Errorf("unknown exercise %q; `go run ./workbook list` shows every id", id)
}

// nextExercise is the first exercise, in the learner's order, that has not
// passed its last check.
func nextExercise(m *Manifest, st *State) *Exercise {
	for _, e := range m.Exercises {
		if !st.Done(e.ID) {
			return e
		}
	}
	return nil
}

// stagesWithExercises lists the stage numbers that have exercises.
func stagesWithExercises(m *Manifest) string {
	var nums []string
	last := 0
	for _, e := range m.Exercises {
		if e.Stage != last {
			nums = append(nums, strconv.Itoa(e.Stage))
			last = e.Stage
		}
	}
	if len(nums) == 0 {
		return "none yet"
	}
	return strings.Join(nums, ", ")
}
