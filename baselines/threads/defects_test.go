//go:build linux || darwin || freebsd

// The tests in this file each hold the program to one promise that blocking
// sockets make easy to break: the 1 MiB cap on an answer, -timeout as a
// deadline for the whole request (a timeout per system call is not one),
// and Ctrl-C with requests waiting.

package main

import (
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/baselines/internal/baselinetest"
	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
)

func TestAnAnswerOverOneMiBFailsTheRequest(t *testing.T) {
	addr := baselinetest.BodyServer(t, plan.MaxBody+1)
	status, stdout, _ := runProgram(t, "-addr", addr, "-executors", "1", "-requests", "1", "-delay", "0s")
	assert.Equal(t, 1, status)
	assert.Contains(t, stdout, "executor 0, request 0: FAILED: ")
	assert.Contains(t, stdout, "larger than the 1 MiB cap")
}

func TestAnAnswerOfExactlyOneMiBIsAccepted(t *testing.T) {
	addr := baselinetest.BodyServer(t, plan.MaxBody)
	status, stdout, stderr := runProgram(t, "-addr", addr, "-executors", "1", "-requests", "1", "-delay", "0s", "-quiet")
	assert.Equal(t, 0, status, stderr)
	assert.Contains(t, stdout, "1 ok, 0 failed")
}

func TestTimeoutIsADeadlineForTheWholeRequestEvenWhenEveryReadIsQuick(t *testing.T) {
	// One byte every 100 ms: each read(2) returns long before any timeout
	// per call, but the answer would take 100 s. With -timeout 1s the
	// request must fail after about a second (the bound is generous for a
	// loaded machine).
	addr := baselinetest.DrippingServer(t, 100*time.Millisecond)
	start := time.Now()
	status, stdout, _ := runProgram(t, "-addr", addr, "-executors", "1", "-requests", "1", "-delay", "0s", "-timeout", "1s")
	took := time.Since(start)
	assert.Equal(t, 1, status)
	assert.Contains(t, stdout, "no complete answer within -timeout 1s")
	assert.Less(t, took, 3*time.Second, "-timeout 1s took %s", took)
	t.Logf("-timeout 1s against a dripping server: failed after %s", took)
}

// interrupted is the summary of a run stopped by Ctrl-C.
var interrupted = regexp.MustCompile(`^threads: (\d+) requests \(2 executors × \d+\), INTERRUPTED \(Ctrl-C\): (\d+) ok, (\d+) failed, (\d+) unfinished in `)

func TestCtrlCWithRequestsWaitingPrintsTheSummaryClosesTheSocketsAndExitsWith130(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counting the delay server's open sockets takes Linux's /proc")
	}
	const total = 2000
	srv := baselinetest.StartDelayServer(t)
	fdsBefore, err := baselinetest.OpenFDs(srv.PID)
	require.NoError(t, err)
	bin := baselinetest.Build(t, "./baselines/threads")
	res := baselinetest.Interrupt(t, bin,
		[]string{"-addr", srv.Addr, "-executors", "2", "-requests", "1000", "-delay", "50s", "-quiet"},
		func() bool { return srv.Arrived() == total }, 40*time.Second)
	t.Logf("Ctrl-C with %d threads waiting: the program exited %s after SIGINT", total, res.Stop)

	assert.Equal(t, plan.InterruptedStatus, res.ExitCode, "%s", res)
	m := interrupted.FindStringSubmatch(res.LastLine())
	require.NotNil(t, m, "the last line is not the INTERRUPTED summary: %s", res)
	assert.Equal(t, []string{"2000", "0", "0", "2000"}, m[1:5])
	// A generous bound: stopping takes well under a second here.
	assert.Less(t, res.Stop, 5*time.Second)
	closed := baselinetest.WaitFor(10*time.Second, func() bool {
		n, err := baselinetest.OpenFDs(srv.PID)
		return err == nil && n <= fdsBefore
	})
	n, _ := baselinetest.OpenFDs(srv.PID)
	assert.True(t, closed, "the delay server still holds %d descriptors, %d before the run", n, fdsBefore)
}
