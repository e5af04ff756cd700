// This file writes a grading run for a person (text) and in grade's own
// JSON; gradejunit.go and gradegradescope.go write the other two formats.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// gradeText is the report for a person.
func gradeText(r *gradeReport) ([]byte, error) {
	var b bytes.Buffer
	passed := 0
	for _, res := range r.Results {
		if res.Passed() {
			passed++
		}
	}
	fmt.Fprintf(&b, "Grade: %d/%d points (%d of %d exercises pass)\n", r.Score, r.MaxScore, passed, len(r.Results))
	width := 0
	for _, res := range r.Results {
		width = max(width, len(res.Exercise.ID))
	}
	stage := 0
	for _, res := range r.Results {
		e := res.Exercise
		if e.Stage != stage {
			stage = e.Stage
			fmt.Fprintf(&b, "\nStage %d\n", stage)
		}
		mark, why := "✓", ""
		if !res.Passed() {
			mark, why = "✗", ": "+res.Reason
		}
		fmt.Fprintf(&b, "  %s %-*s %2d/%-2d %s%s\n", mark, width, e.ID, points(res), e.Points, e.Title, why)
	}
	return b.Bytes(), nil
}

// jsonReport is grade's own JSON shape.
type jsonReport struct {
	Score     int            `json:"score"`
	MaxScore  int            `json:"max_score"`
	Exercises []jsonExercise `json:"exercises"`
}

type jsonExercise struct {
	ID        string            `json:"id"`
	Stage     int               `json:"stage"`
	Title     string            `json:"title"`
	Points    int               `json:"points"`
	MaxPoints int               `json:"max_points"`
	Passed    bool              `json:"passed"`
	Status    string            `json:"status"`
	Output    string            `json:"output"`
	Tests     map[string]string `json:"tests"`
	// Blocked names the unfinished exercises this one waits for.
	Blocked []string `json:"blocked,omitempty"`
}

func gradeJSON(r *gradeReport) ([]byte, error) {
	out := jsonReport{Score: r.Score, MaxScore: r.MaxScore, Exercises: []jsonExercise{}}
	for _, res := range r.Results {
		e := res.Exercise
		out.Exercises = append(out.Exercises, jsonExercise{
			ID: e.ID, Stage: e.Stage, Title: e.Title,
			Points: points(res), MaxPoints: e.Points,
			Passed: res.Passed(), Status: string(res.Status),
			Output: explanation(res), Tests: res.Tests, Blocked: res.Blocked,
		})
	}
	return marshalIndent(out)
}

func marshalIndent(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write JSON: %w", err)
	}
	return append(data, '\n'), nil
}
