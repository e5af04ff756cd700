// This file turns test outcomes into exercise results: an exercise passes
// when every test it lists passes, and when it does not, the result says
// why in a learner's terms (not done yet, waiting for another exercise,
// does not compile, or the first failing assertion).

package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// ExerciseResult is one exercise's verdict at a check or a grade.
type ExerciseResult struct {
	Exercise *Exercise
	Status   Status // passed, failed or notdone
	// Reason is one line saying why it did not pass ("" when it passed).
	Reason string
	// FailedTest names the first test that did not pass.
	FailedTest string
	// Excerpt holds the lines that explain that failure.
	Excerpt []string
	// Output is the first failing test's whole output, for --verbose.
	Output []string
	// Tests maps each listed test to its status, for reports.
	Tests map[string]string
	// Blocked lists the other exercises, not done yet, that this one
	// waits for: its tests reached their unfinished bodies. Reports show
	// such an exercise as skipped rather than failed.
	Blocked []string
	// Hung says the first failing test ran into its time limit, so a
	// rerun should ask the stage's test binary for its stuck report.
	Hung bool
	// Advice is what a grading report suggests after the failure: a
	// command to run at the learner's own copy, or, for a submission
	// graded elsewhere, what to change in it.
	Advice []string
}

// Passed reports whether every listed test passed.
func (r *ExerciseResult) Passed() bool { return r.Status == StatusPassed }

// evaluate judges exercise e from test outcomes.
func evaluate(e *Exercise, outcomes map[TestRef]*TestOutcome) *ExerciseResult {
	res := &ExerciseResult{Exercise: e, Status: StatusPassed, Tests: map[string]string{}}
	var firstBad *TestOutcome
	var blocked []string
	for _, ref := range e.TestRefs() {
		o := outcomes[ref]
		if o == nil {
			o = &TestOutcome{Status: outcomeNotRun}
		}
		res.Tests[ref.String()] = o.Status
		if o.Status == "pass" {
			continue
		}
		ids := notDoneIDs(o.Output)
		for _, id := range ids {
			if id == e.ID {
				res.Status = StatusNotDone
			} else if !slices.Contains(blocked, id) {
				blocked = append(blocked, id)
			}
		}
		// A hang or a crash explains the rest: its exercise's other
		// tests did not run because of it.
		if firstBad == nil || (o.Stop != nil && firstBad.Stop == nil) {
			firstBad = o
			res.FailedTest = ref.String()
			res.Output = o.Output
		}
	}
	if firstBad == nil {
		return res
	}
	switch {
	case res.Status == StatusNotDone:
		res.Reason = "not done yet"
	case firstBad.Status == outcomeBuild:
		res.Status = StatusFailed
		res.Reason = "does not compile"
		res.Excerpt = clip(firstBad.Output)
	case len(blocked) > 0:
		res.Status = StatusFailed
		res.Blocked = blocked
		res.Reason = fmt.Sprintf("waits for exercise %s, which is not done yet", joinAnd(blocked))
	case firstBad.Stop != nil:
		res.Status = StatusFailed
		res.Hung = firstBad.Stop.TimedOut
		res.Reason = firstBad.Stop.Reason()
		res.Excerpt = clip(firstBad.Stop.Lines())
	case firstBad.Status == "skip":
		res.Status = StatusFailed
		res.Reason = res.FailedTest + " was skipped"
		res.Excerpt = failureExcerpt(firstBad.Output)
	case firstBad.Status == outcomeNotRun:
		res.Status = StatusFailed
		res.Reason = res.FailedTest + " did not run"
		res.Excerpt = clip(firstBad.Output)
	default:
		res.Status = StatusFailed
		res.Reason = res.FailedTest + " failed"
		res.Excerpt = failureExcerpt(firstBad.Output)
	}
	return res
}

// runExercises runs the tests of every exercise in list (in one pass, so
// each package is built once) and judges each exercise.
func runExercises(ctx context.Context, tr *testRunner, list []*Exercise) ([]*ExerciseResult, error) {
	seen := map[TestRef]bool{}
	var refs []TestRef
	for _, e := range list {
		for _, r := range e.TestRefs() {
			if !seen[r] {
				seen[r] = true
				refs = append(refs, r)
			}
		}
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].String() < refs[j].String() })
	if tr.Owners == nil {
		owned := *tr
		owned.Owners = map[TestRef][]string{}
		for _, e := range list {
			for _, r := range e.TestRefs() {
				owned.Owners[r] = append(owned.Owners[r], e.ID)
			}
		}
		tr = &owned
	}
	outcomes, err := tr.run(ctx, refs)
	if err != nil {
		return nil, err
	}
	results := make([]*ExerciseResult, len(list))
	for i, e := range list {
		results[i] = evaluate(e, outcomes)
	}
	return results, nil
}

// joinAnd joins ids as "a", "a and b", "a, b and c".
func joinAnd(ids []string) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return ids[0]
	}
	out := ids[0]
	for _, id := range ids[1 : len(ids)-1] {
		out += ", " + id
	}
	return out + " and " + ids[len(ids)-1]
}
