// This file writes a grading run in each of grade's formats.

package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
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
}

func gradeJSON(r *gradeReport) ([]byte, error) {
	out := jsonReport{Score: r.Score, MaxScore: r.MaxScore, Exercises: []jsonExercise{}}
	for _, res := range r.Results {
		e := res.Exercise
		out.Exercises = append(out.Exercises, jsonExercise{
			ID: e.ID, Stage: e.Stage, Title: e.Title,
			Points: points(res), MaxPoints: e.Points,
			Passed: res.Passed(), Status: string(res.Status),
			Output: explanation(res), Tests: res.Tests,
		})
	}
	return marshalIndent(out)
}

// gradescopeResults is the results.json that Gradescope's autograder
// harness reads from /autograder/results/results.json.
type gradescopeResults struct {
	Score         float64          `json:"score"`
	ExecutionTime int              `json:"execution_time"` // seconds
	Output        string           `json:"output"`
	Tests         []gradescopeTest `json:"tests"`
}

type gradescopeTest struct {
	Name     string  `json:"name"`
	Number   string  `json:"number"` // Gradescope orders tests by it
	Score    float64 `json:"score"`
	MaxScore float64 `json:"max_score"`
	Status   string  `json:"status"` // passed or failed
	Output   string  `json:"output"`
	// Visibility is when the learner sees the entry: visible, hidden,
	// after_due_date or after_published (Gradescope's values).
	Visibility string `json:"visibility"`
}

func gradeGradescope(r *gradeReport) ([]byte, error) {
	out := gradescopeResults{
		Score:         float64(r.Score),
		ExecutionTime: int(r.Elapsed.Seconds() + 0.5),
		Output:        fmt.Sprintf("%s workbook: %d/%d points", r.Project, r.Score, r.MaxScore),
		Tests:         []gradescopeTest{},
	}
	inStage := map[int]int{}
	for _, res := range r.Results {
		e := res.Exercise
		inStage[e.Stage]++
		status := "failed"
		if res.Passed() {
			status = "passed"
		}
		// An exercise with hidden tests is shown when the teacher chose:
		// its score, or its output, would tell whether they passed.
		visibility := "visible"
		if len(e.Hidden) > 0 && r.HiddenVisibility != "" {
			visibility = r.HiddenVisibility
		}
		out.Tests = append(out.Tests, gradescopeTest{
			Name:       e.ID + ": " + e.Title,
			Number:     strconv.Itoa(e.Stage) + "." + strconv.Itoa(inStage[e.Stage]),
			Score:      float64(points(res)),
			MaxScore:   float64(e.Points),
			Status:     status,
			Output:     explanation(res),
			Visibility: visibility,
		})
	}
	return marshalIndent(out)
}

// junitSuites is the root of a JUnit XML report: one suite per stage, one
// test case per exercise.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func gradeJUnit(r *gradeReport) ([]byte, error) {
	root := junitSuites{Name: r.Project + " workbook", Time: fmt.Sprintf("%.3f", r.Elapsed.Seconds())}
	index := map[int]int{}
	for _, res := range r.Results {
		e := res.Exercise
		i, ok := index[e.Stage]
		if !ok {
			i = len(root.Suites)
			index[e.Stage] = i
			root.Suites = append(root.Suites, junitSuite{Name: fmt.Sprintf("stage %d", e.Stage)})
		}
		c := junitCase{
			Name:      e.ID + ": " + e.Title,
			ClassName: fmt.Sprintf("%s.stage%d", r.Project, e.Stage),
			SystemOut: fmt.Sprintf("points: %d/%d", points(res), e.Points),
		}
		if !res.Passed() {
			c.Failure = &junitFailure{Message: res.Reason, Type: string(res.Status), Text: explanation(res)}
			root.Suites[i].Failures++
			root.Failures++
		}
		root.Suites[i].Tests++
		root.Tests++
		root.Suites[i].Cases = append(root.Suites[i].Cases, c)
	}
	data, err := xml.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write JUnit XML: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func marshalIndent(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write JSON: %w", err)
	}
	return append(data, '\n'), nil
}
