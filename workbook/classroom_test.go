package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassroomWorkflowIsValidYAMLOfTheExpectedShape(t *testing.T) {
	p := loadFixture(t)
	wf := classroomWorkflow(p.Manifest, classroomSetup{Digest: "abc123", OtherSystemFiles: []string{"calc/greet.go"}})
	text := renderWorkflow(wf)
	want, err := json.Marshal(wf)
	require.NoError(t, err)
	// JSON is YAML: comparing the written YAML with the values proves both
	// that it parses and that it says exactly what the Go values say.
	assert.YAMLEq(t, string(want), text)
	assert.True(t, strings.HasPrefix(text, "#"), "the file says it was generated")

	assert.Equal(t, []string{"grade-linux", "grade-macos", "plan", reporterJob}, sortedKeys(wf.Jobs))
	assert.Equal(t, "ubuntu-latest", wf.Jobs["grade-linux"].RunsOn)
	assert.Equal(t, "macos-latest", wf.Jobs["grade-macos"].RunsOn)
	assert.Contains(t, wf.Jobs["grade-macos"].If, "needs.plan.outputs.macos == 'true'", "macOS grades only when a file only it builds changed")
	assert.Contains(t, wf.Jobs["plan"].Steps[1].Run, "diff --quiet \"$root\" HEAD -- calc/greet.go")

	for _, name := range []string{"grade-linux", "grade-macos", reporterJob} {
		j := wf.Jobs[name]
		assert.Contains(t, j.If, notClassroomBot, name)
		assert.Equal(t, checkoutAction, j.Steps[0].Uses, name)
		assert.Contains(t, j.Steps[0].With, withEntry{"fetch-depth", 0}, "%s: the starter commit is in the history", name)
		assert.Contains(t, j.Steps[1].Run, "want=abc123", "%s: the digest export wrote", name)
		assert.Equal(t, []withEntry{{"go-version-file", "pristine/go.mod"}}, j.Steps[2].With, name)
		for _, s := range j.Steps {
			if strings.Contains(s.Run, "go run ./workbook") {
				assert.True(t, strings.HasPrefix(s.Run, "cd pristine && "), "%s: %q must run the starter's runner, not the learner's", name, s.Run)
			}
		}
	}
	grade := wf.Jobs["grade-linux"].Steps[3].Run
	assert.Contains(t, grade, "grade --submission \"$GITHUB_WORKSPACE/submission\" --format json")

	report := wf.Jobs[reporterJob]
	assert.Equal(t, []string{"grade-linux", "grade-macos"}, report.Needs)
	assert.True(t, strings.HasPrefix(report.If, "!cancelled()"), "a skipped macOS job must not skip the report")
	reporter := report.Steps[len(report.Steps)-1]
	assert.Equal(t, reporterAction, reporter.Uses)
	assert.Equal(t, []withEntry{{"runners", "grade"}}, reporter.With)
	assert.Equal(t, map[string]string{"GRADE_RESULTS": "${{ steps.grade.outputs.result }}"}, reporter.Env)
	assert.Equal(t, "grade", report.Steps[len(report.Steps)-2].ID)
}

func TestReporterEnvFollowsTheReportersNamingRule(t *testing.T) {
	// The reporter reads process.env[`${runner.toUpperCase()}_RESULTS`].
	assert.Equal(t, "S03-WAKER-WAKE_RESULTS", reporterEnv("s03-waker-wake"))
}

// git runs git in dir with a fixed author, failing the test on an error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}

// runScript runs a workflow step's script with bash in workspace, as
// GitHub Actions would, and returns its exit status, output and what it
// wrote to $GITHUB_OUTPUT.
func runScript(t *testing.T, workspace, script string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	outputs := filepath.Join(t.TempDir(), "outputs")
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = workspace
	cmd.Env = append(os.Environ(), "GITHUB_WORKSPACE="+workspace, "GITHUB_OUTPUT="+outputs, "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, string(out))
		code = ee.ExitCode()
	}
	written, _ := os.ReadFile(outputs)
	return code, string(out), string(written)
}

// classroomRepository exports the fixture and commits it as GitHub
// Classroom makes a student's repository: one starter commit. It returns
// the workspace holding the checkout in submission/, and the workflow.
func classroomRepository(t *testing.T) (string, workflow) {
	t.Helper()
	p := loadFixture(t)
	workspace := t.TempDir()
	sub := filepath.Join(workspace, "submission")
	require.NoError(t, exportStudentEdition(p, sub))
	digest, err := editionDigest(sub)
	require.NoError(t, err)
	git(t, sub, "init", "-q", "-b", "main")
	git(t, sub, "add", "-A")
	git(t, sub, "commit", "-q", "-m", "Initial commit")
	wf := classroomWorkflow(p.Manifest, classroomSetup{Digest: digest, OtherSystemFiles: []string{"calc/greet.go"}})
	// The workflow export wrote holds the same digest.
	assert.Contains(t, string(mustRead(t, filepath.Join(sub, classroomWorkflowPath))), "want="+digest)
	return workspace, wf
}

func TestTheWorkflowGradesAgainstTheVerifiedStarterCommit(t *testing.T) {
	workspace, wf := classroomRepository(t)
	sub := filepath.Join(workspace, "submission")
	verify := wf.Jobs["grade-linux"].Steps[1].Run

	// The learner edits a test and commits: the starter is still the root.
	replaceInFile(t, filepath.Join(sub, "calc/calc_test.go"), "func TestAddNegative(t *testing.T) {\n", "func TestAddNegative(t *testing.T) {\n\treturn\n")
	git(t, sub, "commit", "-q", "-am", "my work")
	code, out, _ := runScript(t, workspace, verify)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Grading against the starter commit")
	pristineTest := string(mustRead(t, filepath.Join(workspace, "pristine/calc/calc_test.go")))
	assert.NotContains(t, pristineTest, "{\n\treturn\n", "the pristine copy has the starter's test")

	// A history rewritten so that the starter holds the edited test is
	// refused.
	git(t, sub, "worktree", "remove", "--force", filepath.Join(workspace, "pristine"))
	git(t, sub, "checkout", "-q", "--orphan", "rewritten")
	git(t, sub, "commit", "-q", "-m", "Initial commit")
	code, out, _ = runScript(t, workspace, verify)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "::error::No first commit of this repository is the starter the teacher exported")
	assert.NoDirExists(t, filepath.Join(workspace, "pristine"))
}

func TestThePlanGradesOnMacOSOnlyWhenAFileOnlyMacOSBuildsChanged(t *testing.T) {
	workspace, wf := classroomRepository(t)
	sub := filepath.Join(workspace, "submission")
	plan := wf.Jobs["plan"].Steps[1].Run

	replaceInFile(t, filepath.Join(sub, "calc/calc.go"), "panic(", "_ = 0\n\tpanic(")
	git(t, sub, "commit", "-q", "-am", "add, on Linux")
	code, out, outputs := runScript(t, workspace, plan)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "macos=false\n", outputs)

	replaceInFile(t, filepath.Join(sub, "calc/greet.go"), "panic(", "_ = 0\n\tpanic(")
	git(t, sub, "commit", "-q", "-am", "greet, the file standing for a kqueue poller")
	_, _, outputs = runScript(t, workspace, plan)
	assert.Equal(t, "macos=true\n", outputs)
}

func TestOtherSystemFilesAreTheKqueuePollers(t *testing.T) {
	p, err := loadProject("..")
	require.NoError(t, err)
	files := otherSystemFiles(p)
	assert.Contains(t, files, "stage02_reactor/poller_kqueue.go")
	assert.Contains(t, files, "stage06_production/poller_kqueue.go")
	for _, f := range files {
		assert.True(t, strings.HasSuffix(f, "_kqueue.go"), "%s is built on Linux", f)
	}
}

// systemReport is a grade --format json report in which the listed
// exercises fail.
func systemReport(t *testing.T, m *Manifest, failing ...string) []byte {
	t.Helper()
	r := jsonReport{}
	for _, e := range m.Exercises {
		passed := !slices.Contains(failing, e.ID)
		ex := jsonExercise{ID: e.ID, Passed: passed, Output: "passed", MaxPoints: 1000}
		if !passed {
			ex.Output = e.ID + " does not build here"
		}
		r.Exercises = append(r.Exercises, ex)
	}
	data, err := json.Marshal(r)
	require.NoError(t, err)
	return data
}

func TestMergeAwardsAnExerciseThatPassesOnEitherSystem(t *testing.T) {
	p, err := loadProject("..")
	require.NoError(t, err)
	pollers := []string{"s02-register", "s02-wait", "s03-register", "s03-event-loop", "s04-reactor-close"}
	for _, id := range pollers {
		require.NotNil(t, p.Manifest.ByID(id), id)
	}
	total := 0
	for _, e := range p.Manifest.Exercises {
		total += e.Points
	}
	dir := t.TempDir()
	// A macOS learner: the epoll bodies are holes, the kqueue ones written.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "linux.json"), systemReport(t, p.Manifest, pollers...), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "macos.json"), systemReport(t, p.Manifest), 0o644))

	code, stdout, stderr := runApp(t, p.Root, "classroom-result", dir)
	require.Equal(t, 0, code, stderr)
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(stdout))
	require.NoError(t, err)
	var got classroomResult
	require.NoError(t, json.Unmarshal(data, &got))
	// What the reporter computes: the max_score of the runner and the sum
	// of its tests' scores.
	sum := 0
	for _, test := range got.Tests {
		sum += test.Score
	}
	assert.Equal(t, total, got.MaxScore, "points from the starter's manifest, not the reports")
	assert.Equal(t, total, sum, "full points: every poller exercise passes on macOS")
	assert.Equal(t, "pass", got.Status)
	assert.Equal(t, "passed on macos", got.Tests[slices.IndexFunc(got.Tests, func(c classroomTest) bool {
		return strings.HasPrefix(c.Name, "s02-register:")
	})].Message)

	// Failing on both systems earns nothing and says why on each.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "macos.json"), systemReport(t, p.Manifest, "s02-wait"), 0o644))
	merged := mergeSystemReports(p.Manifest, mustReports(t, dir))
	wait := merged.Tests[slices.IndexFunc(merged.Tests, func(c classroomTest) bool { return strings.HasPrefix(c.Name, "s02-wait:") })]
	assert.Equal(t, "fail", wait.Status)
	assert.Equal(t, 0, wait.Score)
	assert.Equal(t, "linux: s02-wait does not build here\n\nmacos: s02-wait does not build here", wait.Message)
	assert.Equal(t, "fail", merged.Status)
}

func mustReports(t *testing.T, dir string) map[string]*jsonReport {
	t.Helper()
	r, err := readSystemReports(dir)
	require.NoError(t, err)
	return r
}

func TestMergeWithoutReportsIsAnErrorWorthNothing(t *testing.T) {
	p := loadFixture(t)
	got := mergeSystemReports(p.Manifest, mustReports(t, filepath.Join(t.TempDir(), "none")))
	assert.Equal(t, "error", got.Status)
	assert.Equal(t, 8, got.MaxScore)
	for _, test := range got.Tests {
		assert.Equal(t, 0, test.Score)
		assert.Contains(t, test.Message, "no grading job left a report")
	}
}

func TestASplicedEditionWithKqueueBodiesVetsForMacOS(t *testing.T) {
	if testing.Short() {
		t.Skip("splices and vets the whole repository")
	}
	// No macOS runs here: vetting for darwin/arm64 is what this machine
	// can prove about the kqueue bodies a macOS learner submits.
	p, err := loadProject("..")
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "spliced")
	se, err := spliceSubmission(p, p.Root, dir) // the reference: every kqueue body written
	require.NoError(t, err)
	assert.Empty(t, se.Problems)
	gp, err := loadProject(dir)
	require.NoError(t, err)
	require.NoError(t, carryAndReport(gp, io.Discard))
	src := string(mustRead(t, filepath.Join(dir, "stage02_reactor/poller_kqueue.go")))
	assert.NotContains(t, src, "is not done yet", "the kqueue bodies were spliced in")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	vet := exec.CommandContext(ctx, "go", "vet", "./stage01_future/...", "./stage02_reactor/...", "./stage03_waker/...",
		"./stage04_executor/...", "./stage05_multithread/...", "./stage06_production/...")
	vet.Dir = dir
	vet.Env = append(os.Environ(), "GOOS=darwin", "GOARCH=arm64")
	out, err := vet.CombinedOutput()
	assert.NoError(t, err, string(out))
}
