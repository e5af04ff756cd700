// End-to-end test of -trace on a run that Ctrl-C stops: the built stage 06
// program, with requests that wait 50 s on the in-process delay server,
// interrupted once every request has reached the server. The trace, as a
// narrative and as JSON, must name each pending task and say what it was
// waiting for, the reason none of them could be woken before the end.

package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// interruptedPendingTask is the trace's line for one request still waiting
// for its answer at Ctrl-C: its socket and its timeout are what could have
// woken it, and neither had fired.
var interruptedPendingTask = regexp.MustCompile(`at Ctrl-C task \d+ of executor-[01] was pending, waiting for fd \d+ readable, a timer, which had not happened`)

// runInterrupted runs stage 06 with args against a delay server, each of
// its 4 requests asking for 50 s, sends SIGINT once all have arrived, and
// returns stderr after the exit, which must be status 130.
func runInterrupted(t *testing.T, args ...string) string {
	t.Helper()
	srv, log := startDelayServer(t)
	const total = 4
	args = append([]string{"-addr", srv.Addr(), "-executors", "2", "-requests", "2", "-delay", "50s", "-timeout", "60s"}, args...)
	cmd := exec.Command(stageBinary(t, stage06), args...)
	cmd.Env = stageEnv(t, nil)
	var stdout, stderr syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default: // the test failed before the program exited
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	require.Eventually(t, func() bool { return len(log.Arrivals()) == total }, runTimeout, 5*time.Millisecond,
		"all %d requests must reach the server before the interrupt\nstderr: %s", total, stderr.String())
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case <-exited:
	case <-time.After(stage06InterruptBound):
		t.Fatalf("still running %s after SIGINT\nstderr: %s", stage06InterruptBound, stderr.String())
	}
	require.Equal(t, 130, cmd.ProcessState.ExitCode(), "Ctrl-C must end the program with status 130\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
	return stderr.String()
}

func TestStage06TraceOfACtrlCNamesThePendingTasksAndWhatTheyWaitedFor(t *testing.T) {
	t.Run("narrative", func(t *testing.T) {
		stderr := runInterrupted(t, "-trace", "narrative")
		assert.Regexp(t, `(?m)^\+\s*\d+\.\d{3}ms  signal\s+Ctrl-C$`, stderr)
		assert.Regexp(t, `(?m)  signal\s+HAZARD: Ctrl-C with 4 tasks pending$`, stderr)
		assert.Len(t, interruptedPendingTask.FindAllString(stderr, -1), 4,
			"each of the 4 waiting requests must be named with what it waited for\n%s", stderr)
	})
	t.Run("JSON with a shared reactor", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "run.json")
		runInterrupted(t, "-reactor", "shared", "-trace", file)
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, trace.Validate(bytes.NewReader(raw)))
		var doc struct {
			TraceEvents []struct {
				Name, Cat string
				Args      map[string]any
			}
		}
		require.NoError(t, json.Unmarshal(raw, &doc))
		var ctrlC, pending int
		for _, e := range doc.TraceEvents {
			if e.Cat == "interrupt" {
				ctrlC++
			}
			if what, _ := e.Args["what"].(string); e.Cat == "hazard" && interruptedPendingTask.MatchString(what) {
				pending++
				assert.Contains(t, e.Args, "task", "a pending task's hazard names its task in args")
			}
		}
		assert.Equal(t, 1, ctrlC, "one Ctrl-C instant")
		assert.Equal(t, 4, pending, "a hazard instant for each waiting request")
	})
}
