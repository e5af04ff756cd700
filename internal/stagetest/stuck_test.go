package stagetest

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// stuckHelperEnv makes TestStuckHelperHangs, which otherwise skips, play a
// stage's test that hangs: this package's tests run it in a child process.
const stuckHelperEnv = "STAGETEST_STUCK_HELPER"

// TestStuckHelperHangs is the child process of the test below: a runtime
// whose only task answered pending with nothing to wake it, and an
// executor parked for ever, as a learner's lost registration leaves it.
func TestStuckHelperHangs(t *testing.T) {
	if os.Getenv(stuckHelperEnv) == "" {
		t.Skip("run by TestReportStuckNamesTheParkedExecutorAndItsTaskBeforeTheDeadline in a child process")
	}
	ReportStuckBeforeTheDeadline()
	exec := trace.NewLane("executor", "main")
	exec.Spawns(1)
	exec.PollBegins(1)
	exec.PollEnds(false, nil)
	exec.Parks()
	<-make(chan struct{}) // the hang; the binary's -test.timeout ends it
}

func TestReportStuckNamesTheParkedExecutorAndItsTaskBeforeTheDeadline(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStuckHelperHangs$", "-test.timeout=3s")
	cmd.Env = append(os.Environ(), stuckHelperEnv+"=1", StuckEnv+"=500ms")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the child hangs until its timeout:\n%s", out)
	text := string(out)
	report, _, found := strings.Cut(text, "panic: test timed out")
	require.True(t, found, "the child must end at its own timeout:\n%s", text)
	assert.Regexp(t, `(?m)^workbook: stuck: executor main was parked for \d+\.\d{3}ms, and no waker unparked it$`, report,
		"the report comes before the timeout's dump, one prefixed line each")
	assert.Contains(t, report, StuckPrefix+"  task 1: pending, and the runtime holds nothing that can wake it")
}

func TestReportStuckDoesNothingWithoutTheVariable(t *testing.T) {
	t.Setenv(StuckEnv, "")
	ReportStuckBeforeTheDeadline()
	assert.Nil(t, trace.NewLane("executor", "main"), "without the variable nothing records in the background")
	t.Setenv(StuckEnv, "soon")
	ReportStuckBeforeTheDeadline()
	assert.Nil(t, trace.NewLane("executor", "main"), "a value that is not a duration is ignored")
}
