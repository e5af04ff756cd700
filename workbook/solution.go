// This file is `solution`: once an exercise passes, the learner may compare
// their code with the reference. In the reference repository the reference
// is the code itself; a student edition carries it only if the teacher
// exported it with --solutions, in workbook/SOLUTIONS.json, and the command
// shows an exercise only after the learner's own answer has passed.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// solutionsPath is where export --solutions puts the reference bodies. It
// is JSON, not Go, so no tool builds it and no test links it.
const solutionsPath = "workbook/SOLUTIONS.json"

// solutionsFile is the content of solutionsPath.
type solutionsFile struct {
	About     string                      `json:"about"`
	Exercises map[string][]referenceSaved `json:"exercises"`
}

// referenceSaved is one reference body of an exercise.
type referenceSaved struct {
	File string `json:"file"`
	Func string `json:"func"`
	Body string `json:"body"`
}

func (a *app) cmdSolution(ctx context.Context, args []string) error {
	fs := newFlags("solution")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	e, err := lookupExercise(p.Manifest, pos[0])
	if err != nil {
		return &usageError{err.Error()}
	}
	st, err := loadState(p.statePath())
	if err != nil {
		return err
	}
	if !st.Done(e.ID) {
		return fmt.Errorf("solution: %s has not passed its last check; the reference is shown once your own answer passes (go run ./workbook check %s)", e.ID, e.ID)
	}
	bodies, err := referenceBodies(p, e)
	if err != nil {
		return err
	}
	printSolution(a.stdout, e, bodies)
	return nil
}

// referenceBodies finds the reference of e: the code itself in the
// reference repository, the solutions file in a student edition.
func referenceBodies(p *Project, e *Exercise) ([]referenceSaved, error) {
	if !p.Student {
		return savedReferences(homeStageMarkers(p, e)), nil
	}
	data, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(solutionsPath)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("solution: your teacher did not include the reference solutions in this edition (they come only with export --solutions); ask them, or compare with a classmate")
	}
	if err != nil {
		return nil, fmt.Errorf("solution: %w", err)
	}
	var sf solutionsFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return nil, fmt.Errorf("solution: read %s: %w", solutionsPath, err)
	}
	bodies, ok := sf.Exercises[e.ID]
	if !ok {
		return nil, fmt.Errorf("solution: %s holds no reference for %s", solutionsPath, e.ID)
	}
	return bodies, nil
}

// savedReferences turns markers read from the reference code into the
// form the solutions file keeps.
func savedReferences(markers []*Marker) []referenceSaved {
	out := make([]referenceSaved, len(markers))
	for i, mk := range markers {
		out[i] = referenceSaved{File: mk.File, Func: mk.Func, Body: mk.Body}
	}
	return out
}

// printSolution shows each reference body under the function it belongs to.
func printSolution(w io.Writer, e *Exercise, bodies []referenceSaved) {
	fmt.Fprintf(w, "The reference for %s  %s, to compare with yours:\n", e.ID, e.Title)
	for _, b := range bodies {
		fmt.Fprintf(w, "\n%s in %s:\n", b.Func, b.File)
		fmt.Fprintf(w, "{\n%s\n}\n", strings.Trim(b.Body, "\n"))
	}
}

// writeSolutions writes the solutions file of a student edition into dir:
// the reference bodies of each of exercises, as the learner writes them
// (the exercise's own stage).
func writeSolutions(p *Project, dir string, exercises []*Exercise) error {
	sf := solutionsFile{
		About:     "The reference solutions, included by the teacher (export --solutions). `go run ./workbook solution ID` shows one once your own answer passes.",
		Exercises: map[string][]referenceSaved{},
	}
	for _, e := range exercises {
		sf.Exercises[e.ID] = savedReferences(homeStageMarkers(p, e))
	}
	data, err := json.MarshalIndent(sf, "", "  ")
	if err != nil {
		return fmt.Errorf("export: encode the solutions: %w", err)
	}
	return writeFile(filepath.Join(dir, filepath.FromSlash(solutionsPath)), append(data, '\n'), 0o644)
}
