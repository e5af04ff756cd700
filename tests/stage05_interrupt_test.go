// End-to-end tests of Ctrl-C in stage 05: the built program, in each mode,
// against the in-process delay server with long delays, interrupted once
// every request has reached the server. The program must stop within a
// second, print the summary of what finished, exit with status 130, and
// leave the server with no connection open.

package tests

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

// interruptBound is the test's bound on the time from SIGINT to exit. The
// goal is well under a second (the measured figure is logged); the bound
// is generous so that a loaded machine does not fail the test.
const interruptBound = 5 * time.Second

func TestStage05CtrlCStopsTheRunPrintsTheSummaryAndExitsWith130(t *testing.T) {
	cases := []struct {
		name, mode string
		// to is who gets the SIGINT: the whole process group, as Ctrl-C in
		// a terminal does (the threads mode's child gets it too); the
		// program alone (kill -INT), which must pass it on to its child; or
		// the threads mode's child alone, whose death the program must
		// report as an interruption although nobody interrupted the program
		// itself. The last is also what the group case looks like when the
		// child dies before the program has handled its own SIGINT.
		to string
	}{
		{"runtime", "runtime", "group"},
		{"goroutines", "goroutines", "group"},
		{"threads, the whole group", "threads", "group"},
		{"threads, the parent alone", "threads", "parent"},
		{"threads, the child alone", "threads", "child"},
	}
	// Not parallel: the check that the server closed every connection
	// counts this process's open file descriptors.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.to == "child" && runtime.GOOS != "linux" {
				t.Skip("finding the child process takes Linux's /proc")
			}
			srv, log := startDelayServer(t)
			fdsBefore, err := leakcheck.OpenFDs()
			require.NoError(t, err)
			const total = 6
			cmd := exec.Command(stageBinary(t, stage05), "-addr", srv.Addr(), "-mode", c.mode,
				"-executors", "2", "-requests", "3", "-delay", "50s", "-json")
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
			switch c.to {
			case "group":
				pid = -pid
			case "child":
				children := childPIDs(t, pid)
				require.Len(t, children, 1, "the threads mode runs its requests in one child process")
				pid = children[0]
			}
			signalled := time.Now()
			require.NoError(t, syscall.Kill(pid, syscall.SIGINT))
			select {
			case <-exited:
			case <-time.After(interruptBound):
				t.Fatalf("still running %s after SIGINT\nstdout: %s\nstderr: %s", interruptBound, stdout.String(), stderr.String())
			}
			took := time.Since(signalled)
			t.Logf("%s: exit %v after SIGINT", c.name, took.Round(time.Millisecond))

			res := result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode(), Wall: took}
			var exitErr *exec.ExitError
			require.True(t, waitErr == nil || errors.As(waitErr, &exitErr), "%v", waitErr)
			assert.Equal(t, 130, res.ExitCode, "Ctrl-C must end the program with status 130\n%s", res)
			assert.Less(t, took, interruptBound)
			assert.NotRegexp(t, stackTrace, res.Stderr, "no stack trace\n%s", res)
			s := stage05Summary(t, res)
			assert.Equal(t, true, s["interrupted"], "the summary must say the run was interrupted\n%s", res)
			assert.EqualValues(t, total, s["unfinished"], "every request was still waiting\n%s", res)
			assert.EqualValues(t, 0, s["ok"])
			assert.EqualValues(t, 0, s["failed"], "an interrupted request is unfinished, not failed\n%s", res)
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

// childPIDs lists the child processes of pid, from Linux's
// /proc/PID/task/TID/children: one file per thread of pid, each naming the
// children that thread started.
func childPIDs(t *testing.T, pid int) []int {
	t.Helper()
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	require.NoError(t, err)
	var children []int
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			continue // the thread has ended since the glob
		}
		for _, field := range strings.Fields(string(text)) {
			child, err := strconv.Atoi(field)
			require.NoError(t, err, "%s: %q", file, text)
			children = append(children, child)
		}
	}
	return children
}
