// This file is `grade`: run every exercise's tests and award each exercise
// its points when all of them pass, reported for a person (text) or for a
// machine (json, Gradescope's results.json, JUnit XML).

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
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
}

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
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	render, ok := gradeFormats[*format]
	if !ok {
		return &usageError{fmt.Sprintf("grade: unknown format %q; use text, json, gradescope or junit", *format)}
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	report, err := grade(ctx, p, a.stderr)
	if err != nil {
		return err
	}
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
	r := &gradeReport{Project: filepath.Base(modPath), Results: results, Started: start, Elapsed: time.Since(start)}
	for _, res := range results {
		r.MaxScore += res.Exercise.Points
		if res.Passed() {
			r.Score += res.Exercise.Points
		}
	}
	return r, nil
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
	if r.Status == StatusNotDone {
		fmt.Fprintf(&b, "\nhint: go run ./workbook hint %s", r.Exercise.ID)
	}
	return b.String()
}
