// This file writes .github/workflows/classroom.yml for GitHub Classroom's
// autograding. The workflow grades the learner's bodies against tests it
// does not take from the learner's working tree: it checks out the
// repository's first commit (the starter GitHub Classroom created from the
// template), verifies it against the SHA-256 digest export computed from
// the edition (classroomdigest.go), and runs that pristine copy's own
// runner with `grade --submission`. It grades on Linux, and on macOS too
// when the learner changed a file that only macOS and FreeBSD build (the
// kqueue pollers), since both systems grade the same bodies; a last job
// merges the two (classroom-result) and hands the points to the reporter.
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
	uploadAction   = "actions/upload-artifact@v4"
	downloadAction = "actions/download-artifact@v4"
	reporterAction = "education/autograding-grading-reporter@v1"
)

// gradingTimeoutMinutes bounds a grading job. grade stops each test binary
// after defaultTestTimeout (20s) and never runs a hung test again, so even
// a submission whose every exercise hangs ends in a few minutes; the rest
// is headroom for a slow runner downloading the toolchain.
const gradingTimeoutMinutes = 30

// reporterJob is the job that reports the points. Its id is also the name
// of its check run, which the reporter looks up by the name
// "run-autograding-tests" to write the points where GitHub Classroom reads
// them: so the id must be exactly that.
const reporterJob = "run-autograding-tests"

// reporterRunner is the one runner the reporter reads: the merge step's id.
const reporterRunner = "grade"

// notClassroomBot skips the run GitHub Classroom's bot starts when it
// pushes the starter commit: grading it would only report zero.
const notClassroomBot = "github.actor != 'github-classroom[bot]'"

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
	RunsOn         string            `json:"runs-on"`
	Needs          []string          `json:"needs,omitempty"`
	If             string            `json:"if"`
	TimeoutMinutes int               `json:"timeout-minutes,omitempty"`
	Outputs        map[string]string `json:"outputs,omitempty"`
	Steps          []step            `json:"steps"`
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
// runner's id in upper case followed by _RESULTS (the reporter looks it up
// as `${runner.toUpperCase()}_RESULTS`).
func reporterEnv(stepID string) string {
	return strings.ToUpper(stepID) + "_RESULTS"
}

// classroomSetup is what the workflow needs to know about the edition.
type classroomSetup struct {
	// Digest is the SHA-256 digest of the edition's files (classroomdigest.go).
	Digest string
	// OtherSystemFiles are the marked files Linux does not build (the
	// kqueue pollers): a change to one of them makes the run grade on
	// macOS too.
	OtherSystemFiles []string
}

// Where the jobs put things: the learner's checkout, the pristine
// worktree, and the grade reports.
const (
	submissionDir = "submission"
	pristineDir   = "pristine"
	gradesDir     = "${{ runner.temp }}/grades"
)

// pristineScript finds the root commit whose files match the digest and
// checks it out as a second worktree. git ls-files lists the files sorted
// as Go sorts strings, and shasum prints "digest  path" as editionDigest
// writes each line, on Linux and on macOS alike.
func pristineScript(digest string) string {
	return strings.Join([]string{
		"set -euo pipefail",
		"want=" + digest,
		"for root in $(git -C " + submissionDir + " rev-list --max-parents=0 HEAD); do",
		"  git -C " + submissionDir + " worktree add --detach \"$GITHUB_WORKSPACE/" + pristineDir + "\" \"$root\" >/dev/null 2>&1",
		"  got=$(cd " + pristineDir + " && git ls-files -z -- . " + digestExclusions() + " | xargs -0 shasum -a 256 | shasum -a 256 | cut -d' ' -f1)",
		"  if [ \"$got\" = \"$want\" ]; then echo \"Grading against the starter commit $root.\"; exit 0; fi",
		"  git -C " + submissionDir + " worktree remove --force \"$GITHUB_WORKSPACE/" + pristineDir + "\"",
		"done",
		"echo \"::error::No first commit of this repository is the starter the teacher exported (its files' SHA-256 digest is not $want), so there is nothing trusted to grade against. Keep the starter commit in the history: do not rewrite it.\"",
		"exit 1",
	}, "\n")
}

// digestExclusions are git pathspecs for the files the digest leaves out.
func digestExclusions() string {
	var out []string
	for _, f := range digestExcluded {
		out = append(out, "':(exclude)"+f+"'")
	}
	return strings.Join(out, " ")
}

// pristineSteps check out the learner's repository with its history and
// the verified starter commit beside it, and set up Go from the starter's
// go.mod.
func pristineSteps(digest string) []step {
	return []step{
		{Name: "Check out the submission with its history", Uses: checkoutAction,
			With: []withEntry{{"path", submissionDir}, {"fetch-depth", 0}}},
		{Name: "Check out the starter commit and verify it", Run: pristineScript(digest)},
		{Name: "Set up Go", Uses: setupGoAction, With: []withEntry{{"go-version-file", pristineDir + "/go.mod"}}},
	}
}

// gradingJob grades the submission's bodies on one system and uploads the
// per-exercise report as the artifact grade-<system>.
func gradingJob(system, runsOn, digest, condition string) job {
	report := gradesDir + "/" + system + ".json"
	steps := append(pristineSteps(digest),
		step{Name: "Grade the submission's bodies against the starter's tests",
			Run: "cd " + pristineDir + " && go run ./workbook grade --submission \"$GITHUB_WORKSPACE/" + submissionDir + "\" --format json --out \"" + report + "\""},
		step{Name: "Keep the report", Uses: uploadAction,
			With: []withEntry{{"name", "grade-" + system}, {"path", report}}},
	)
	return job{RunsOn: runsOn, Needs: []string{"plan"}, If: condition, TimeoutMinutes: gradingTimeoutMinutes, Steps: steps}
}

// planScript decides whether to grade on macOS: only when the learner
// changed a file that Linux does not build since the starter commit.
// macOS minutes cost ten times Linux minutes on private repositories.
func planScript(files []string) string {
	if len(files) == 0 {
		return "echo macos=false >> \"$GITHUB_OUTPUT\""
	}
	return strings.Join([]string{
		"set -euo pipefail",
		"macos=false",
		"for root in $(git -C " + submissionDir + " rev-list --max-parents=0 HEAD); do",
		"  git -C " + submissionDir + " diff --quiet \"$root\" HEAD -- " + strings.Join(files, " ") + " || macos=true",
		"done",
		"echo \"macos=$macos\" >> \"$GITHUB_OUTPUT\"",
	}, "\n")
}

// classroomWorkflow builds the autograding workflow.
func classroomWorkflow(m *Manifest, cs classroomSetup) workflow {
	plan := job{
		RunsOn:  "ubuntu-latest",
		If:      notClassroomBot,
		Outputs: map[string]string{"macos": "${{ steps.plan.outputs.macos }}"},
		Steps: []step{
			{Name: "Check out the submission with its history", Uses: checkoutAction,
				With: []withEntry{{"path", submissionDir}, {"fetch-depth", 0}}},
			{Name: "Grade on macOS too if a file only macOS builds changed", ID: "plan", Run: planScript(cs.OtherSystemFiles)},
		},
	}
	report := append(pristineSteps(cs.Digest),
		step{Name: "Collect the reports", Uses: downloadAction,
			With: []withEntry{{"pattern", "grade-*"}, {"merge-multiple", "true"}, {"path", gradesDir}}},
		step{Name: "Merge the reports: an exercise passes if it passes on either system", ID: reporterRunner,
			Run: "cd " + pristineDir + " && result=$(go run ./workbook classroom-result \"" + gradesDir + "\") && echo \"result=$result\" >> \"$GITHUB_OUTPUT\""},
		step{Name: "Autograding Reporter", Uses: reporterAction,
			Env:  map[string]string{reporterEnv(reporterRunner): "${{ steps." + reporterRunner + ".outputs.result }}"},
			With: []withEntry{{"runners", reporterRunner}}},
	)
	return workflow{
		Name: "Autograding Tests",
		On:   []string{"push", "repository_dispatch"},
		// The reporter writes a check run; the rest is read-only.
		Permissions: map[string]string{"checks": "write", "actions": "read", "contents": "read"},
		Jobs: map[string]job{
			"plan":        plan,
			"grade-linux": gradingJob("linux", "ubuntu-latest", cs.Digest, notClassroomBot),
			"grade-macos": gradingJob("macos", "macos-latest", cs.Digest, notClassroomBot+" && needs.plan.outputs.macos == 'true'"),
			reporterJob: {
				RunsOn: "ubuntu-latest",
				Needs:  []string{"grade-linux", "grade-macos"},
				// A skipped macOS job must not skip the report.
				If:             "!cancelled() && " + notClassroomBot,
				TimeoutMinutes: gradingTimeoutMinutes,
				Steps:          report,
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
	b.WriteString("# It grades the exercise bodies against the starter commit's tests, on Linux\n")
	b.WriteString("# and, when a file only macOS builds changed, on macOS; the reporter adds up\n")
	b.WriteString("# the points. Protect .github/** in the assignment's settings.\n")
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
		if len(j.Needs) > 0 {
			b.WriteString("    needs:\n")
			for _, n := range j.Needs {
				fmt.Fprintf(&b, "      - %s\n", yamlString(n))
			}
		}
		fmt.Fprintf(&b, "    if: %s\n", yamlString(j.If))
		if j.TimeoutMinutes > 0 {
			fmt.Fprintf(&b, "    timeout-minutes: %d\n", j.TimeoutMinutes)
		}
		if len(j.Outputs) > 0 {
			b.WriteString("    outputs:\n")
			for _, k := range sortedKeys(j.Outputs) {
				fmt.Fprintf(&b, "      %s: %s\n", k, yamlString(j.Outputs[k]))
			}
		}
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
