// This file is `classroom-result`: the classroom workflow's last job runs it
// in the verified starter commit to merge the per-exercise reports of the
// grading jobs (grade --format json, one per system) and print the result
// GitHub Classroom's grading reporter reads: base64 of a JSON document with
// max_score and one test per exercise with its score. The reporter adds up
// the scores of the tests and the max_score of each runner.
//
// Both systems grade the same bodies, so an exercise passes if it passes on
// either: the poller exercises have a body for Linux (epoll) and one for
// macOS (kqueue), and a learner writes the one for their system. The points
// come from the starter's manifest, never from a report.

package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// classroomResult is the document a runner hands the grading reporter.
type classroomResult struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"` // pass, fail or error
	MaxScore int             `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

// classroomTest is one exercise in the reporter's terms.
type classroomTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // pass or fail
	Score    int    `json:"score"`
	Message  string `json:"message"`
	TestCode string `json:"test_code"`
	Filename string `json:"filename"`
	LineNo   int    `json:"line_no"`
}

func (a *app) cmdClassroomResult(ctx context.Context, args []string) error {
	fs := newFlags("classroom-result")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	dir := pos[0]
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.dir, dir)
	}
	reports, err := readSystemReports(dir)
	if err != nil {
		return err
	}
	data, err := json.Marshal(mergeSystemReports(p.Manifest, reports))
	if err != nil {
		return fmt.Errorf("classroom-result: %w", err)
	}
	_, err = fmt.Fprintln(a.stdout, base64.StdEncoding.EncodeToString(data))
	return err
}

// readSystemReports reads every SYSTEM.json in dir as a grade --format json
// report. A missing folder holds no reports: no grading job finished.
func readSystemReports(dir string) (map[string]*jsonReport, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*jsonReport{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("classroom-result: %w", err)
	}
	out := map[string]*jsonReport{}
	for _, e := range entries {
		system, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("classroom-result: %w", err)
		}
		var r jsonReport
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("classroom-result: %s is not a grade --format json report: %w", e.Name(), err)
		}
		out[system] = &r
	}
	return out, nil
}

// mergeSystemReports awards each exercise of m its points if it passed on
// any system, and says where it failed otherwise.
func mergeSystemReports(m *Manifest, reports map[string]*jsonReport) classroomResult {
	res := classroomResult{Version: 1, Status: "pass", Tests: []classroomTest{}}
	systems := sortedKeys(reports)
	for _, e := range m.Exercises {
		res.MaxScore += e.Points
		t := classroomTest{Name: e.ID + ": " + e.Title, Status: "fail"}
		var passedOn, failures []string
		for _, system := range systems {
			ex := findJSONExercise(reports[system], e.ID)
			switch {
			case ex == nil:
				failures = append(failures, system+": not graded")
			case ex.Passed:
				passedOn = append(passedOn, system)
			default:
				failures = append(failures, system+": "+ex.Output)
			}
		}
		switch {
		case len(passedOn) > 0:
			t.Status, t.Score = "pass", e.Points
			t.Message = "passed on " + joinAnd(passedOn)
		case len(systems) == 0:
			t.Message = "not graded: no grading job left a report; see the logs of the grade-linux job"
		default:
			t.Message = strings.Join(failures, "\n\n")
		}
		if t.Status != "pass" {
			res.Status = "fail"
		}
		res.Tests = append(res.Tests, t)
	}
	if len(systems) == 0 {
		res.Status = "error"
	}
	return res
}

// findJSONExercise finds one exercise in a report, or nil.
func findJSONExercise(r *jsonReport, id string) *jsonExercise {
	for i := range r.Exercises {
		if r.Exercises[i].ID == id {
			return &r.Exercises[i]
		}
	}
	return nil
}
