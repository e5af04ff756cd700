// This file is `grade`: run every exercise's tests and award each exercise
// its points when all of them pass, reported for a person (text) or for a
// machine (json, Gradescope's results.json, JUnit XML).

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// gradeReport is the outcome of a grading run.
type gradeReport struct {
	Project  string // module path's last element, for titles
	Score    int
	MaxScore int
	Results  []*ExerciseResult
	Started  time.Time // when grading began, for JUnit's timestamp
	Elapsed  time.Duration
	// HiddenVisibility is when Gradescope shows the details of an
	// exercise's hidden tests (gradegradescope.go).
	HiddenVisibility string
}

// gradescopeVisibilities are the values Gradescope accepts for a test's
// visibility.
var gradescopeVisibilities = []string{"visible", "hidden", "after_due_date", "after_published"}

// gradeFormats maps each --format to its writer.
var gradeFormats = map[string]func(*gradeReport) ([]byte, error){
	"text":       gradeText,
	"json":       gradeJSON,
	"gradescope": gradeGradescope,
	"junit":      gradeJUnit,
}

func (a *app) cmdGrade(ctx context.Context, args []string) error {
	fs := newFlags("grade")
	format := fs.String("format", "text", "text, json, gradescope or junit")
	out := fs.String("out", "", "write the report to this file instead of standard output")
	submission := fs.String("submission", "", "grade the exercise bodies of this folder against this edition's tests")
	hidden := fs.String("hidden-visibility", "after_published", "when Gradescope shows the details of an exercise's hidden tests: "+strings.Join(gradescopeVisibilities, ", "))
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	render, ok := gradeFormats[*format]
	if !ok {
		return &usageError{fmt.Sprintf("grade: unknown format %q; use text, json, gradescope or junit", *format)}
	}
	if !slices.Contains(gradescopeVisibilities, *hidden) {
		return &usageError{fmt.Sprintf("grade: unknown --hidden-visibility %q; use %s", *hidden, strings.Join(gradescopeVisibilities, ", "))}
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	var report *gradeReport
	if *submission == "" {
		report, err = grade(ctx, p, a.stderr)
	} else {
		dir := *submission
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(a.dir, dir)
		}
		report, err = gradeSubmission(ctx, p, dir, a.stderr)
	}
	if err != nil {
		return err
	}
	report.HiddenVisibility = *hidden
	data, err := render(report)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = a.stdout.Write(data)
		return err
	}
	path := *out
	if !filepath.IsAbs(path) {
		path = filepath.Join(a.dir, path)
	}
	if err := writeFile(path, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%d/%d points; report written to %s\n", report.Score, report.MaxScore, *out)
	return nil
}

// grade runs every exercise and totals the points; a warning that does not
// change the grade (progress could not be saved) goes to stderr. A grading run that
// completes exits 0 whatever the score: the score is the result.
func grade(ctx context.Context, p *Project, stderr io.Writer) (*gradeReport, error) {
	start := time.Now()
	st, err := loadState(p.statePath())
	if err != nil {
		return nil, err
	}
	// What carry fills goes to stderr: stdout may be the report itself.
	if err := carryAndReport(p, stderr); err != nil {
		return nil, err
	}
	results, err := checkExercises(ctx, p, st, p.Manifest.Exercises)
	if err != nil {
		return nil, err
	}
	if err := st.save(p.statePath()); err != nil {
		// Grading on a read-only checkout must still report a grade.
		fmt.Fprintf(stderr, "workbook: progress not saved: %v\n", err)
	}
	modPath, err := readModulePath(p.Root)
	if err != nil {
		return nil, err
	}
	for _, res := range results {
		if res.Status == StatusNotDone {
			res.Advice = []string{"hint: go run ./workbook hint " + res.Exercise.ID}
		}
	}
	r := &gradeReport{Project: filepath.Base(modPath), Results: results, Started: start, Elapsed: time.Since(start)}
	r.total()
	return r, nil
}

// total adds up the points of the results.
func (r *gradeReport) total() {
	r.Score, r.MaxScore = 0, 0
	for _, res := range r.Results {
		r.MaxScore += res.Exercise.Points
		if res.Passed() {
			r.Score += res.Exercise.Points
		}
	}
}

// points is what an exercise earned.
func points(r *ExerciseResult) int {
	if r.Passed() {
		return r.Exercise.Points
	}
	return 0
}

// explanation is the reason and excerpt of a failure as one text.
func explanation(r *ExerciseResult) string {
	if r.Passed() {
		return "passed"
	}
	var b bytes.Buffer
	b.WriteString(r.Reason)
	for _, l := range r.Excerpt {
		b.WriteString("\n" + l)
	}
	for _, l := range r.Advice {
		b.WriteString("\n" + l)
	}
	return b.String()
}

// gradeSubmission grades the exercise bodies of the learner's folder dir
// against p, the pristine edition: it splices them into a temporary copy of
// p (splice.go), grades the copy and removes it. The report speaks to a
// learner who reads it on a grading site, away from their copy.
func gradeSubmission(ctx context.Context, p *Project, dir string, stderr io.Writer) (*gradeReport, error) {
	if err := p.requireParsed(); err != nil {
		return nil, fmt.Errorf("grade: the pristine edition does not parse: %w", err)
	}
	sub, err := findSubmissionRoot(dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "workbook-grade-")
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	defer os.RemoveAll(tmp)
	se, err := spliceSubmission(p, sub, tmp)
	if err != nil {
		return nil, err
	}
	gp, err := loadProject(tmp)
	if err != nil {
		return nil, fmt.Errorf("grade: the spliced edition does not load: %w", err)
	}
	r, err := grade(ctx, gp, stderr)
	if err != nil {
		return nil, err
	}
	for _, res := range r.Results {
		res.Advice = nil
		if res.Status != StatusNotDone {
			continue
		}
		var where []string
		for _, mk := range stillPanicking(gp.HomeMarkersOf(res.Exercise.ID)) {
			where = append(where, fmt.Sprintf("%s in %s", mk.Func, mk.File))
		}
		res.Advice = []string{fmt.Sprintf("Replace the starter's panic in %s with your own code.", joinAnd(where))}
	}
	se.apply(r)
	return r, nil
}
