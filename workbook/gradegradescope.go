// This file writes a grading run as Gradescope's results.json, the file its
// autograder harness reads from /autograder/results/results.json and shows
// to the student: a total, a short summary, and one entry per exercise.
//
// What a student reads there is read on Gradescope's page, not in a
// terminal: each entry says why the exercise did not pass, the lines that
// explain it, and the first hint itself; a command to run is offered only
// as something to do "on your machine".
//
// Tests kept for grading (an exercise's hidden tests) must not leak
// through the visible entry: when one of them is what fails, the visible
// entry says only that a test kept for grading fails. The details go to a
// second entry for that exercise, worth no points of its own, shown when
// the teacher chose (grade --hidden-visibility; by default once the grades
// are published). The exercise's own entry stays visible: the total score
// on the student's page would tell its result anyway.

package main

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Gradescope's enumerated values that this report uses.
const (
	gsVisible        = "visible"         // shown at once
	gsHidden         = "hidden"          // never shown to the student
	gsAfterPublished = "after_published" // shown once grades are published
	gsPassed         = "passed"
	gsFailed         = "failed"
	gsText           = "text" // output shown as plain text, line breaks kept
)

// gradescopeResults is the whole results.json.
type gradescopeResults struct {
	Score         float64 `json:"score"`
	ExecutionTime int     `json:"execution_time"` // whole seconds
	Output        string  `json:"output"`
	OutputFormat  string  `json:"output_format"`
	Visibility    string  `json:"visibility"`
	// StdoutVisibility keeps the harness's own log from students: it
	// holds the go command's output, hidden tests' included.
	StdoutVisibility string           `json:"stdout_visibility"`
	Tests            []gradescopeTest `json:"tests"`
}

// gradescopeTest is one entry of the results' test list.
type gradescopeTest struct {
	Name         string   `json:"name"`
	Number       string   `json:"number"` // Gradescope orders entries by it
	Score        float64  `json:"score"`
	MaxScore     float64  `json:"max_score"`
	Status       string   `json:"status"`
	Output       string   `json:"output"`
	OutputFormat string   `json:"output_format"`
	Tags         []string `json:"tags"`
	Visibility   string   `json:"visibility"`
}

func gradeGradescope(r *gradeReport) ([]byte, error) {
	out := gradescopeResults{
		Score:            float64(r.Score),
		ExecutionTime:    int(r.Elapsed.Seconds() + 0.5),
		Output:           gradescopeSummary(r),
		OutputFormat:     gsText,
		Visibility:       gsVisible,
		StdoutVisibility: gsHidden,
		Tests:            []gradescopeTest{},
	}
	inStage := map[int]int{}
	for _, res := range r.Results {
		e := res.Exercise
		inStage[e.Stage]++
		number := strconv.Itoa(e.Stage) + "." + strconv.Itoa(inStage[e.Stage])
		tags := []string{fmt.Sprintf("stage %d", e.Stage)}
		out.Tests = append(out.Tests, gradescopeTest{
			Name:         e.ID + ": " + e.Title,
			Number:       number,
			Score:        float64(points(res)),
			MaxScore:     float64(e.Points),
			Status:       gradescopeStatus(res.Passed()),
			Output:       gradescopeVisibleOutput(res),
			OutputFormat: gsText,
			Tags:         tags,
			Visibility:   gsVisible,
		})
		if len(e.Hidden) > 0 {
			out.Tests = append(out.Tests, gradescopeHiddenEntry(res, number+".1", tags, cmp.Or(r.HiddenVisibility, gsAfterPublished)))
		}
	}
	return marshalIndent(out)
}

// gradescopeSummary is the line at the top of the student's page.
func gradescopeSummary(r *gradeReport) string {
	var passed, notDone, waiting int
	for _, res := range r.Results {
		switch {
		case res.Passed():
			passed++
		case res.Status == StatusNotDone:
			notDone++
		case len(res.Blocked) > 0:
			waiting++
		}
	}
	failing := len(r.Results) - passed - notDone - waiting
	return fmt.Sprintf("%s workbook: %d/%d points. %d of %d exercises pass, %d fail, %d not done yet, %d wait for an exercise not done yet.",
		r.Project, r.Score, r.MaxScore, passed, len(r.Results), failing, notDone, waiting)
}

func gradescopeStatus(passed bool) string {
	if passed {
		return gsPassed
	}
	return gsFailed
}

// gradescopeVisibleOutput explains an exercise's result to the student
// without revealing anything of a test kept for grading.
func gradescopeVisibleOutput(res *ExerciseResult) string {
	e := res.Exercise
	if res.Passed() {
		return "Every test of this exercise passes."
	}
	var b strings.Builder
	switch {
	case res.Status == StatusNotDone:
		b.WriteString("Not done yet: the body still holds the exercise's panic.\n")
		fmt.Fprintf(&b, "Concept: %s\n", e.Concept)
		if len(e.Hints) > 0 {
			fmt.Fprintf(&b, "First hint: %s\n", e.Hints[0])
		}
		// A graded submission's advice says which bodies are still the
		// starter's; a local grade's advice is the hint command, said below.
		for _, l := range res.Advice {
			if !strings.HasPrefix(l, "hint: ") {
				b.WriteString(l + "\n")
			}
		}
		fmt.Fprintf(&b, "On your machine: go run ./workbook hint %s gives the hints one at a time; go run ./workbook check %s checks your answer.", e.ID, e.ID)
	case len(res.Blocked) > 0:
		fmt.Fprintf(&b, "Not graded yet: this exercise %s.\n", res.Reason)
		fmt.Fprintf(&b, "Its tests call code of %s; finish that first, then this exercise is graded.", joinAnd(res.Blocked))
	case failedTestIsHidden(res):
		b.WriteString("A test kept for grading fails.")
		if visible := failingVisibleTests(res); len(visible) > 0 {
			fmt.Fprintf(&b, "\nThese tests fail too: %s.", strings.Join(visible, ", "))
			fmt.Fprintf(&b, "\nOn your machine: go run ./workbook check %s --verbose shows why.", e.ID)
		}
	default:
		b.WriteString(res.Reason)
		for _, l := range res.Excerpt {
			b.WriteString("\n    " + l)
		}
		if len(e.Hints) > 0 {
			fmt.Fprintf(&b, "\nFirst hint: %s", e.Hints[0])
		}
		fmt.Fprintf(&b, "\nOn your machine: go run ./workbook check %s --verbose shows the test's whole output.", e.ID)
	}
	return b.String()
}

// gradescopeHiddenEntry reports an exercise's tests kept for grading, for
// the student to see at visibility. Its points are counted in the
// exercise's visible entry, so it is worth none of its own.
func gradescopeHiddenEntry(res *ExerciseResult, number string, tags []string, visibility string) gradescopeTest {
	e := res.Exercise
	passed := true
	var b strings.Builder
	b.WriteString("Tests kept for grading:")
	for _, name := range e.Hidden {
		status := res.Tests[name]
		if status != "pass" {
			passed = false
		}
		fmt.Fprintf(&b, "\n  %s: %s", name, status)
	}
	if failedTestIsHidden(res) {
		b.WriteString("\n" + res.Reason)
		for _, l := range res.Excerpt {
			b.WriteString("\n    " + l)
		}
	}
	return gradescopeTest{
		Name:         e.ID + ": tests kept for grading",
		Number:       number,
		Score:        0,
		MaxScore:     0,
		Status:       gradescopeStatus(passed),
		Output:       b.String(),
		OutputFormat: gsText,
		Tags:         append(slices.Clip(tags), "kept for grading"),
		Visibility:   visibility,
	}
}

// failedTestIsHidden reports whether the test that explains the failure
// is one kept for grading.
func failedTestIsHidden(res *ExerciseResult) bool {
	ref, err := parseTestRef(res.FailedTest)
	return err == nil && res.Exercise.IsHidden(ref)
}

// failingVisibleTests names the exercise's visible tests that did not pass.
func failingVisibleTests(res *ExerciseResult) []string {
	var out []string
	for _, name := range res.Exercise.Tests {
		if res.Tests[name] != "pass" {
			out = append(out, name)
		}
	}
	return out
}
