// End-to-end tests of what every stage shares: the error paths (no server,
// a remote target, bad flags or arguments) and the embedded server.

package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allStages lists every stage program; each must pass the tests below.
var allStages = []string{stage01, stage02}

// requireOneCleanLine checks that stderr is one line and shows no sign of
// a panic or a goroutine dump.
func requireOneCleanLine(t *testing.T, res result) {
	t.Helper()
	assert.Len(t, lines(res.Stderr), 1, "the error must be one line on stderr\n%s", res)
	assert.NotContains(t, res.Stderr, "panic", "an error a user can cause must not panic\n%s", res)
	assert.NotContains(t, res.Stderr, "goroutine", "an error a user can cause must not print a stack trace\n%s", res)
}

func TestRefusedConnectionExitsWithAdvice(t *testing.T) {
	for _, stage := range allStages {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			addr := closedPort(t)

			res := runStage(t, stage, run{Args: []string{"-addr", addr}})

			require.Equal(t, 1, res.ExitCode, "connecting to a closed port must fail with exit code 1\n%s", res)
			requireOneCleanLine(t, res)
			assert.Contains(t, res.Stderr, addr, "the error must name the address")
			assert.Contains(t, res.Stderr, "go run ./delayserver", "the error must say how to start the delay server")
		})
	}
}

func TestRemoteTargetIsRefusedBeforeConnecting(t *testing.T) {
	for _, stage := range allStages {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			// 192.0.2.1 is TEST-NET-1: documentation only, and never dialled,
			// because the check happens before any connection.
			res := runStage(t, stage, run{Args: []string{"-addr", "192.0.2.1:80"}})

			require.Equal(t, 1, res.ExitCode, "%s", res)
			requireOneCleanLine(t, res)
			assert.Contains(t, res.Stderr, "-allow-remote", "the error must name the flag that permits a remote target")
			assert.NotContains(t, res.Stdout, "FIRST POLL", "no request may be started for a refused target")
		})
	}
}

func TestUnknownFlagFails(t *testing.T) {
	for _, stage := range allStages {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			res := runStage(t, stage, run{Args: []string{"-no-such-flag"}})

			assert.NotZero(t, res.ExitCode, "an unknown flag must fail\n%s", res)
			assert.Contains(t, res.Stderr, "no-such-flag", "the error must name the unknown flag")
			assert.Empty(t, res.Stdout, "nothing may run after a flag error")
		})
	}
}

func TestStrayArgumentFails(t *testing.T) {
	for _, stage := range allStages {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			res := runStage(t, stage, run{Args: []string{"extra"}})

			require.Equal(t, 1, res.ExitCode, "a positional argument must be rejected\n%s", res)
			requireOneCleanLine(t, res)
			assert.Contains(t, res.Stderr, `"extra"`, "the error must name the argument it rejects")
			assert.Empty(t, res.Stdout, "nothing may run after an argument error")
		})
	}
}

func TestEmbeddedServerStartsWhenDefaultAddressIsClosed(t *testing.T) {
	for _, stage := range allStages {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			// No -addr: the harness points the default address at a closed
			// port, so the program must start its own delay server.
			res := runStage(t, stage, run{})

			require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
			assert.Contains(t, res.Stderr, "started", "the program must say on stderr that it started an embedded server\n%s", res)
			assert.Equal(t, 2, strings.Count(res.Stdout, "HelloAsyncAwait\n"), "both answers must arrive from the embedded server\n%s", res)
		})
	}
}
