// The tests in this file each hold the program to one promise that a naive
// version breaks: the 1 MiB cap on an answer, -timeout as a deadline for the
// whole request, and Ctrl-C within a second with 10,000 requests waiting.

package main

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
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
	// One byte every 100 ms: no single read waits long, but the answer
	// would take 100 s. With -timeout 1s the request must fail after about
	// a second (the bound is generous for a loaded machine).
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
var interrupted = regexp.MustCompile(`^goroutines: (\d+) requests \(2 executors × \d+\), INTERRUPTED \(Ctrl-C\): (\d+) ok, (\d+) failed, (\d+) unfinished in `)

func TestCtrlCWith10000RequestsWaitingStopsWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 connections take a few seconds to open")
	}
	if runtime.GOOS != "linux" {
		t.Skip("counting the delay server's open sockets takes Linux's /proc")
	}
	const total = 10_000
	srv := baselinetest.StartDelayServer(t)
	fdsBefore, err := baselinetest.OpenFDs(srv.PID)
	require.NoError(t, err)
	bin := baselinetest.Build(t, "./baselines/goroutines")
	res := baselinetest.Interrupt(t, bin,
		[]string{"-addr", srv.Addr, "-executors", "2", "-requests", fmt.Sprint(total / 2), "-delay", "50s", "-quiet"},
		func() bool { return srv.Arrived() == total }, 40*time.Second)
	t.Logf("Ctrl-C with %d requests waiting: the program exited %s after SIGINT", total, res.Stop)

	assert.Equal(t, plan.InterruptedStatus, res.ExitCode, "%s", res)
	m := interrupted.FindStringSubmatch(res.LastLine())
	require.NotNil(t, m, "the last line is not the INTERRUPTED summary: %s", res)
	assert.Equal(t, []string{"10000", "0", "0", "10000"}, m[1:5])
	assert.Less(t, res.Stop, time.Second, "Ctrl-C with %d requests waiting took %s to stop", total, res.Stop)
	// Every socket was closed: the server sees each connection end and
	// closes its side.
	closed := baselinetest.WaitFor(10*time.Second, func() bool {
		n, err := baselinetest.OpenFDs(srv.PID)
		return err == nil && n <= fdsBefore
	})
	n, _ := baselinetest.OpenFDs(srv.PID)
	assert.True(t, closed, "the delay server still holds %d descriptors, %d before the run", n, fdsBefore)
	assert.False(t, strings.Contains(res.Stderr, "panic"), res.Stderr)
}
