// This file is `list`, the default command: progress per stage from the last
// checks, like rustlings' list, or the same as JSON for tools.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// listEntry is one exercise in `list --json`.
type listEntry struct {
	ID       string   `json:"id"`
	Stage    int      `json:"stage"`
	Title    string   `json:"title"`
	Concept  string   `json:"concept"`
	Points   int      `json:"points"`
	Done     bool     `json:"done"`
	Status   string   `json:"status"` // passed, failed, notdone or unchecked
	Requires []string `json:"requires"`
	Hints    int      `json:"hints"`
	Shown    int      `json:"hints_shown"`
	// DoesNotBuild is the file:line of a syntax error in the exercise's
	// package, if there is one.
	DoesNotBuild string `json:"does_not_build,omitempty"`
}

func (a *app) cmdList(ctx context.Context, args []string) error {
	fs := newFlags("list")
	asJSON := fs.Bool("json", false, "print a JSON array instead of the progress view")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
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
	if *asJSON {
		return writeListJSON(a.stdout, p, st)
	}
	writeProgress(a.stdout, p, st)
	return nil
}

// writeListJSON prints every exercise with its remembered status.
func writeListJSON(w io.Writer, p *Project, st *State) error {
	m := p.Manifest
	entries := make([]listEntry, 0, len(m.Exercises))
	for _, e := range m.Exercises {
		es := st.Of(e.ID)
		status := string(es.Status)
		if status == "" {
			status = "unchecked"
		}
		entry := listEntry{
			ID: e.ID, Stage: e.Stage, Title: e.Title, Concept: e.Concept,
			Points: e.Points, Done: es.Status == StatusPassed, Status: status,
			Requires: append([]string{}, e.Requires...), Hints: len(e.Hints), Shown: es.HintsShown,
		}
		if pf := p.brokenFor(e); pf != nil {
			entry.DoesNotBuild = pf.Pos()
		}
		entries = append(entries, entry)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(entries)
}

// writeProgress prints the rustlings-style view: a bar per stage and a mark
// per exercise (✓ passed, ✗ failed, · not done or not checked yet).
func writeProgress(w io.Writer, p *Project, st *State) {
	m := p.Manifest
	if len(m.Exercises) == 0 {
		fmt.Fprintf(w, "No exercises yet: %s lists none.\n", manifestPath)
		return
	}
	done, points, maxPoints := 0, 0, 0
	for _, e := range m.Exercises {
		maxPoints += e.Points
		if st.Done(e.ID) {
			done++
			points += e.Points
		}
	}
	fmt.Fprintf(w, "Progress: %d/%d exercises, %d/%d points\n", done, len(m.Exercises), points, maxPoints)
	if p.Grading {
		fmt.Fprintf(w, "This is a grading edition: check and grade run the hidden tests too (files named *%s).\n", hiddenTestSuffix)
	}
	folders := stageFolders(p.Root)
	width := 0
	for _, e := range m.Exercises {
		width = max(width, len(e.ID))
	}
	for i := 0; i < len(m.Exercises); {
		stage := m.Exercises[i].Stage
		j := i
		stageDone := 0
		for ; j < len(m.Exercises) && m.Exercises[j].Stage == stage; j++ {
			if st.Done(m.Exercises[j].ID) {
				stageDone++
			}
		}
		name := "Stage " + strconv.Itoa(stage)
		if f, ok := folders[stage]; ok {
			name += " (" + f + ")"
		}
		fmt.Fprintf(w, "\n%s  %s %d/%d\n", name, bar(stageDone, j-i, 20), stageDone, j-i)
		for _, e := range m.Exercises[i:j] {
			mark := "·"
			switch st.Of(e.ID).Status {
			case StatusPassed:
				mark = "✓"
			case StatusFailed:
				mark = "✗"
			}
			note := ""
			if pf := p.brokenFor(e); pf != nil {
				// The last check's verdict is stale while the package
				// cannot even be built.
				mark, note = "✗", "; does not build: "+pf.Pos()
			}
			fmt.Fprintf(w, "  %s %-*s  %s (%s%s)\n", mark, width, e.ID, e.Title, pointsWord(e.Points), note)
		}
		i = j
	}
	for _, pf := range p.Broken {
		fmt.Fprintf(w, "\n%s\n", pf.Message())
	}
	if next := nextExercise(m, st); next != nil {
		fmt.Fprintf(w, "\nNext: %s  %s\n  run its tests: go run ./workbook check\n  get a hint:    go run ./workbook hint %s\n", next.ID, next.Title, next.ID)
	} else {
		fmt.Fprintln(w, "\nEvery exercise passes.")
	}
}

// pointsWord spells a number of points: "1 point", "3 points".
func pointsWord(n int) string {
	if n == 1 {
		return "1 point"
	}
	return strconv.Itoa(n) + " points"
}

// bar draws done/total as a bar of width cells.
func bar(done, total, width int) string {
	if total == 0 {
		return strings.Repeat("░", width)
	}
	filled := done * width / total
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// stageFolder matches a stage's folder name, e.g. stage03_waker.
var stageFolder = regexp.MustCompile(`^stage0*([1-9][0-9]*)_[A-Za-z0-9_]+$`)

// stageFolders maps stage numbers to their folder names under root.
func stageFolders(root string) map[int]string {
	out := map[int]string{}
	entries, err := os.ReadDir(root)
	if err != nil {
		return out
	}
	for _, en := range entries {
		if !en.IsDir() {
			continue
		}
		if m := stageFolder.FindStringSubmatch(en.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			if _, dup := out[n]; !dup {
				out[n] = filepath.ToSlash(en.Name())
			}
		}
	}
	return out
}
