// End-to-end tests of what every program shares: how it answers a mistake
// in its flags (one line on stderr, exit status 2), a run that cannot be
// done (one line, exit status 1), -h, and the embedded delay server.
//
// Every program of the workbook is one row of the programs table; each test
// below runs its cases against every row.

package tests

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// program is one program of the workbook, as these tests run it.
type program struct {
	// dir is the program's folder below the module root, e.g.
	// "stage01_future" or "baselines/goroutines".
	dir string
	// flags are added to every run, to keep a run that does get going
	// short (e.g. -requests 1).
	flags []string
	// badValue is a flag with a value it cannot take; nil means
	// -allow-remote=maybe, which every program that makes requests has.
	badValue []string
	// server marks the delay server: it listens instead of connecting, so
	// its remote address is permitted by -public, a run that cannot be done
	// is a busy address, and it has no embedded server to start.
	server bool
}

// programs is every program these tests check. Adding a program is one row.
var programs = []program{
	{dir: "stage01_future"},
	{dir: "stage02_reactor"},
	{dir: "stage03_waker"},
	{dir: "stage04_executor", flags: []string{"-requests", "1"}, badValue: []string{"-requests", "abc"}},
	{dir: "stage05_multithread", flags: []string{"-executors", "1", "-requests", "1", "-delay", "0s"}, badValue: []string{"-requests", "abc"}},
	{dir: "stage06_production", flags: []string{"-executors", "1", "-requests", "1", "-delay", "0s"}, badValue: []string{"-timeout", "abc"}},
	{dir: "baselines/goroutines", flags: []string{"-executors", "1", "-requests", "1", "-delay", "0s"}, badValue: []string{"-requests", "abc"}},
	{dir: "baselines/threads", flags: []string{"-executors", "1", "-requests", "1", "-delay", "0s"}, badValue: []string{"-requests", "abc"}},
	{dir: "delayserver", badValue: []string{"-max-conns", "abc"}, server: true},
}

// args is the program's own flags followed by more.
func (p program) args(more ...string) []string {
	return append(slices.Clone(p.flags), more...)
}

// remoteFlag is the flag that permits a non-loopback address.
func (p program) remoteFlag() string {
	if p.server {
		return "-public"
	}
	return "-allow-remote"
}

// forEachProgram runs test for every program, in parallel.
func forEachProgram(t *testing.T, test func(t *testing.T, p program)) {
	for _, p := range programs {
		t.Run(p.dir, func(t *testing.T) {
			t.Parallel()
			test(t, p)
		})
	}
}

// requireOneCleanLine checks that stderr is one line and shows no sign of
// a panic or a goroutine dump.
func requireOneCleanLine(t *testing.T, res result) {
	t.Helper()
	assert.Len(t, lines(res.Stderr), 1, "the error must be one line on stderr\n%s", res)
	assert.NotContains(t, res.Stderr, "panic", "an error a user can cause must not panic\n%s", res)
	assert.NotRegexp(t, stackTrace, res.Stderr, "an error a user can cause must not print a stack trace\n%s", res)
}

// flagMistake is a command line with one mistake, and the words the one
// line on stderr must contain to name it.
type flagMistake struct {
	name  string
	args  func(p program) []string
	names func(p program) []string
}

// flagMistakes are the mistakes every program must answer with one line
// and exit status 2, before it opens any socket.
var flagMistakes = []flagMistake{
	{
		name:  "unknown flag",
		args:  func(p program) []string { return p.args("-no-such-flag") },
		names: func(program) []string { return []string{"-no-such-flag", "-h"} },
	},
	{
		name: "bad value",
		args: func(p program) []string {
			if p.badValue == nil {
				return p.args("-allow-remote=maybe")
			}
			return p.args(p.badValue...)
		},
		names: func(p program) []string {
			if p.badValue == nil {
				return []string{"-allow-remote", `"maybe"`, "-h"}
			}
			return []string{p.badValue[0], `"` + p.badValue[1] + `"`, "-h"}
		},
	},
	{
		name:  "stray argument",
		args:  func(p program) []string { return p.args("extra") },
		names: func(program) []string { return []string{`"extra"`, "-h"} },
	},
	{
		name:  "bad -addr",
		args:  func(p program) []string { return p.args("-addr", "nonsense") },
		names: func(program) []string { return []string{"-addr", `"nonsense"`, "host:port"} },
	},
	{
		// 192.0.2.1 is TEST-NET-1, for documentation only. The loopback
		// check reads the address as text, before any socket exists, so no
		// program ever sends a packet there; empty stdout shows that the
		// run did not start.
		name:  "remote target",
		args:  func(p program) []string { return p.args("-addr", "192.0.2.1:80") },
		names: func(p program) []string { return []string{"192.0.2.1", "loopback", p.remoteFlag()} },
	},
}

func TestFlagMistakesAreOneLineAndExitStatus2(t *testing.T) {
	forEachProgram(t, func(t *testing.T, p program) {
		for _, m := range flagMistakes {
			args := m.args(p)
			res := runStage(t, p.dir, run{Args: args})

			require.Equal(t, 2, res.ExitCode, "%s: %q is a mistake in the flags\n%s", m.name, args, res)
			requireOneCleanLine(t, res)
			for _, word := range m.names(p) {
				assert.Contains(t, res.Stderr, word, "%s: the line must name the problem\n%s", m.name, res)
			}
			assert.Empty(t, res.Stdout, "%s: nothing may run after a mistake in the flags\n%s", m.name, res)
		}
	})
}

func TestHelpPrintsTheFlagsAndExitsWith0(t *testing.T) {
	forEachProgram(t, func(t *testing.T, p program) {
		res := runStage(t, p.dir, run{Args: p.args("-h")})

		require.Equal(t, 0, res.ExitCode, "-h is not a failure\n%s", res)
		assert.Contains(t, res.Stderr, "-addr", "-h lists the flags on stderr\n%s", res)
		assert.Empty(t, res.Stdout, "-h runs nothing\n%s", res)
	})
}

func TestRunThatCannotBeDoneIsOneLineAndExitStatus1(t *testing.T) {
	forEachProgram(t, func(t *testing.T, p program) {
		if p.server {
			// A server cannot listen where something already listens.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			defer ln.Close()
			addr := ln.Addr().String()

			res := runStage(t, p.dir, run{Args: p.args("-addr", addr, "-quiet")})

			require.Equal(t, 1, res.ExitCode, "a busy address must fail with exit status 1\n%s", res)
			requireOneCleanLine(t, res)
			assert.Contains(t, res.Stderr, addr, "the line must name the address\n%s", res)
			return
		}
		addr := closedPort(t)

		res := runStage(t, p.dir, run{Args: p.args("-addr", addr)})

		require.Equal(t, 1, res.ExitCode, "connecting to a closed port must fail with exit status 1\n%s", res)
		requireOneCleanLine(t, res)
		assert.Contains(t, res.Stderr, addr, "the line must name the address\n%s", res)
		assert.Contains(t, res.Stderr, "go run ./delayserver", "the line must say how to start the delay server\n%s", res)
	})
}

func TestEmbeddedServerStartsWhenDefaultAddressIsClosed(t *testing.T) {
	forEachProgram(t, func(t *testing.T, p program) {
		if p.server {
			t.Skip("the delay server is what the others embed")
		}
		// No -addr: the harness points the default address at a closed
		// port, so the program must start its own delay server.
		res := runStage(t, p.dir, run{Args: p.args()})

		require.Equal(t, 0, res.ExitCode, "without -addr and with nothing on the default address the program must run on an embedded server\n%s", res)
		assert.Contains(t, res.Stderr, "started one in this process", "the program must say on stderr that it started an embedded server\n%s", res)
		assert.NotEmpty(t, strings.TrimSpace(res.Stdout), "the program must run\n%s", res)
	})
}
