// End-to-end tests of Ctrl-C in stage 06: the built program, with either
// placement of the reactor, against the in-process delay server with long
// delays, interrupted once every request has reached the server. The
// program must stop within a second or so, print the summary of what
// finished, exit with status 130, and leave the server with no connection
// open.

package tests

import (
	"errors"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// stage06InterruptBound is the test's bound on the time from SIGINT to exit.
// The goal is well under a second (the measured figure is logged); the
// bound is generous so that a loaded machine does not fail the test.
const stage06InterruptBound = 5 * time.Second

// stage06Interrupted matches the summary line of a run Ctrl-C stopped with
// every one of its 6 requests still waiting.
var stage06Interrupted = regexp.MustCompile(`^stage06_production: 6 requests \(2 executors × 3\), INTERRUPTED \(Ctrl-C\): 0 ok, 0 failed, 6 unfinished in \S+$`)

func TestStage06CtrlCStopsTheRunPrintsTheSummaryAndExitsWith130(t *testing.T) {
	cases := []struct {
		name, reactor string
		// group sends SIGINT to the whole process group, as Ctrl-C in a
		// terminal does; otherwise it goes to the program alone (kill -INT).
		group bool
	}{
		{"a reactor per executor, Ctrl-C", "per-executor", true},
		{"a reactor per executor, kill -INT", "per-executor", false},
		{"shared reactor, Ctrl-C", "shared", true},
	}
	// Not parallel: the check that the server closed every connection
	// counts this process's open file descriptors.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, log := startDelayServer(t)
			fdsBefore, err := leakcheck.OpenFDs()
			require.NoError(t, err)
			const total = 6
			cmd := exec.Command(stageBinary(t, stage06), "-addr", srv.Addr(), "-reactor", c.reactor,
				"-executors", "2", "-requests", "3", "-delay", "50s")
			cmd.Env = stageEnv(t, nil)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var stdout, stderr syncbuf.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			var waitErr error
			exited := make(chan struct{})
			go func() {
				waitErr = cmd.Wait()
				close(exited)
			}()
			t.Cleanup(func() {
				select {
				case <-exited:
				default: // the test failed before the program exited
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					<-exited
				}
			})

			require.Eventually(t, func() bool { return len(log.Arrivals()) == total }, runTimeout, 5*time.Millisecond,
				"all %d requests must reach the server before the interrupt; %d did\nstderr: %s", total, len(log.Arrivals()), stderr.String())
			pid := cmd.Process.Pid
			if c.group {
				pid = -pid
			}
			signalled := time.Now()
			require.NoError(t, syscall.Kill(pid, syscall.SIGINT))
			select {
			case <-exited:
			case <-time.After(stage06InterruptBound):
				t.Fatalf("still running %s after SIGINT\nstdout: %s\nstderr: %s", stage06InterruptBound, stdout.String(), stderr.String())
			}
			took := time.Since(signalled)
			t.Logf("%s: exit %v after SIGINT", c.name, took.Round(time.Millisecond))

			res := result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode(), Wall: took}
			var exitErr *exec.ExitError
			require.True(t, waitErr == nil || errors.As(waitErr, &exitErr), "%v", waitErr)
			assert.Equal(t, 130, res.ExitCode, "Ctrl-C must end the program with status 130\n%s", res)
			assert.Empty(t, res.Stderr, "an interrupted run is not an error: nothing on stderr\n%s", res)
			out := lines(res.Stdout)
			require.NotEmpty(t, out, "%s", res)
			assert.Regexp(t, stage06Interrupted, out[len(out)-1], "the summary comes last and counts every waiting request as unfinished, not failed\n%s", res)
			assert.NotContains(t, res.Stdout, "FAILED", "an interrupted request is not a failed one\n%s", res)
			// The server holds one socket per connection; it closes each
			// when it sees the client's end closed.
			require.Eventually(t, func() bool {
				now, err := leakcheck.OpenFDs()
				return err == nil && now <= fdsBefore
			}, runTimeout, 5*time.Millisecond, "the server must see every connection closed: %d fds open before the run, now %s",
				fdsBefore, leakcheck.DescribeFDs())
		})
	}
}
