// This file writes .github/workflows/classroom.yml for GitHub Classroom's
// autograding: one command-grader step per exercise, worth its points, and
// the grading reporter that adds them up.
//
// The workflow is built as Go values first (and tested as such), then
// written as YAML in which every string is double-quoted with JSON escaping,
// a form YAML parsers read exactly as JSON strings. No YAML library is needed
// to write a document whose shape is fixed.

package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Pinned major versions of the actions the workflow uses.
const (
	checkoutAction = "actions/checkout@v4"
	setupGoAction  = "actions/setup-go@v5"
	graderAction   = "education/autograding-command-grader@v1"
	reporterAction = "education/autograding-grading-reporter@v1"
)

// graderTimeoutMinutes bounds one exercise's grading step. The command
// grader reads it in minutes. A check stops each test binary after
// defaultTestTimeout (20s) and never runs a hung test again, so a step with
// a hang still ends in about a minute, build included, well inside this;
// the rest is headroom for a slow runner downloading the toolchain.
const graderTimeoutMinutes = 10

// workflow is the subset of a GitHub Actions workflow that classroom.yml
// uses. The json tags give the YAML key names (and let tests compare the
// written YAML with these values).
type workflow struct {
	Name        string            `json:"name"`
	On          []string          `json:"on"`
	Permissions map[string]string `json:"permissions"`
	Jobs        map[string]job    `json:"jobs"`
}

type job struct {
	RunsOn string `json:"runs-on"`
	If     string `json:"if"`
	Steps  []step `json:"steps"`
}

// step is one workflow step; With holds strings and integers only.
type step struct {
	Name string            `json:"name"`
	ID   string            `json:"id,omitempty"`
	Uses string            `json:"uses,omitempty"`
	Run  string            `json:"run,omitempty"`
	Env  map[string]string `json:"env,omitempty"`
	With []withEntry       `json:"-"`
}

// withEntry keeps the action inputs in a fixed, readable order.
type withEntry struct {
	Key   string
	Value any // string or int
}

// MarshalJSON renders With as an object, so tests can compare the YAML with
// the values.
func (s step) MarshalJSON() ([]byte, error) {
	type plain step
	m := map[string]any{}
	raw, err := json.Marshal(plain(s))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if len(s.With) > 0 {
		with := map[string]any{}
		for _, w := range s.With {
			with[w.Key] = w.Value
		}
		m["with"] = with
	}
	return json.Marshal(m)
}

// reporterEnv is the variable the grading reporter reads for a runner: the
// step id in upper case followed by _RESULTS (the reporter looks it up as
// `${runner.toUpperCase()}_RESULTS`).
func reporterEnv(stepID string) string {
	return strings.ToUpper(stepID) + "_RESULTS"
}

// gradingCommand is what one grading step runs. It prints nothing to stderr
// when the exercise passes: the command grader fails a step that writes to
// stderr, whatever its exit status.
func gradingCommand(id string) string {
	return "go run ./workbook check " + id
}

// classroomWorkflow builds the autograding workflow for the manifest.
func classroomWorkflow(m *Manifest) workflow {
	steps := []step{
		{Name: "Check out the code", Uses: checkoutAction},
		{Name: "Set up Go", Uses: setupGoAction, With: []withEntry{{"go-version-file", "go.mod"}}},
		// Downloading modules in a step of its own keeps "go: downloading"
		// lines off the graded steps' stderr.
		{Name: "Download modules", Run: "go mod download"},
	}
	env := map[string]string{}
	var runners []string
	for _, e := range m.Exercises {
		name := e.ID + ": " + e.Title
		steps = append(steps, step{
			Name: name,
			ID:   e.ID,
			Uses: graderAction,
			With: []withEntry{
				{"test-name", name},
				{"setup-command", ""},
				{"command", gradingCommand(e.ID)},
				{"timeout", graderTimeoutMinutes},
				{"max-score", e.Points},
			},
		})
		env[reporterEnv(e.ID)] = fmt.Sprintf("${{steps.%s.outputs.result}}", e.ID)
		runners = append(runners, e.ID)
	}
	if len(runners) > 0 {
		steps = append(steps, step{
			Name: "Autograding Reporter",
			Uses: reporterAction,
			Env:  env,
			With: []withEntry{{"runners", strings.Join(runners, ",")}},
		})
	}
	return workflow{
		Name: "Autograding Tests",
		On:   []string{"push", "repository_dispatch"},
		// The reporter writes a check run; the rest is read-only.
		Permissions: map[string]string{"checks": "write", "actions": "read", "contents": "read"},
		Jobs: map[string]job{
			"run-autograding-tests": {
				RunsOn: "ubuntu-latest",
				// GitHub Classroom's bot pushes the starter commit; grading
				// it would only report zero.
				If:    "github.actor != 'github-classroom[bot]'",
				Steps: steps,
			},
		},
	}
}

// yamlString quotes s as a YAML double-quoted scalar. JSON's escaping is a
// subset of YAML's, so the JSON encoding of a string is valid YAML for it.
func yamlString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// yamlValue writes a with-input value: integers bare, strings quoted.
func yamlValue(v any) string {
	if n, ok := v.(int); ok {
		return fmt.Sprint(n)
	}
	return yamlString(fmt.Sprint(v))
}

// renderWorkflow writes wf as YAML.
func renderWorkflow(wf workflow) string {
	var b strings.Builder
	b.WriteString("# Generated by `go run ./workbook export`: GitHub Classroom autograding.\n")
	b.WriteString("# Each exercise is one step worth its points; the reporter adds them up.\n")
	fmt.Fprintf(&b, "name: %s\n", yamlString(wf.Name))
	// "on" is quoted: YAML 1.1 parsers read a bare on as the boolean true.
	b.WriteString("\"on\":\n")
	for _, o := range wf.On {
		fmt.Fprintf(&b, "  - %s\n", yamlString(o))
	}
	b.WriteString("permissions:\n")
	for _, k := range sortedKeys(wf.Permissions) {
		fmt.Fprintf(&b, "  %s: %s\n", k, yamlString(wf.Permissions[k]))
	}
	b.WriteString("jobs:\n")
	for _, name := range sortedKeys(wf.Jobs) {
		j := wf.Jobs[name]
		fmt.Fprintf(&b, "  %s:\n", name)
		fmt.Fprintf(&b, "    runs-on: %s\n", yamlString(j.RunsOn))
		fmt.Fprintf(&b, "    if: %s\n", yamlString(j.If))
		b.WriteString("    steps:\n")
		for _, s := range j.Steps {
			fmt.Fprintf(&b, "      - name: %s\n", yamlString(s.Name))
			if s.ID != "" {
				fmt.Fprintf(&b, "        id: %s\n", yamlString(s.ID))
			}
			if s.Uses != "" {
				fmt.Fprintf(&b, "        uses: %s\n", yamlString(s.Uses))
			}
			if s.Run != "" {
				fmt.Fprintf(&b, "        run: %s\n", yamlString(s.Run))
			}
			if len(s.Env) > 0 {
				b.WriteString("        env:\n")
				for _, k := range sortedKeys(s.Env) {
					fmt.Fprintf(&b, "          %s: %s\n", yamlString(k), yamlString(s.Env[k]))
				}
			}
			if len(s.With) > 0 {
				b.WriteString("        with:\n")
				for _, w := range s.With {
					fmt.Fprintf(&b, "          %s: %s\n", w.Key, yamlValue(w.Value))
				}
			}
		}
	}
	return b.String()
}
