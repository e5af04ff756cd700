// Package tests holds the end-to-end tests: each builds a stage's program,
// runs it as a learner would against a delay server started in this test
// process, and checks what the learner would see: the output and its order,
// the timing of the requests at the server, exit codes and error messages.
//
// This file is the harness the tests of every stage share: building a stage
// once per run, running it with a deadline, and a delay server whose log
// records when each request arrived.
package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runTimeout bounds one run of a stage program: far above the second or so
// a run takes, so it only fires when a program hangs.
const runTimeout = 30 * time.Second

// binDir holds the stage binaries built during this test run.
var binDir string

// TestMain creates the directory for the binaries, runs the tests, checks
// that no goroutine and no file descriptor is left behind, and removes the
// binaries.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "asyncgo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests: creating a directory for the stage binaries:", err)
		os.Exit(1)
	}
	binDir = dir
	leakcheck.MainWithCleanup(m, func() { _ = os.RemoveAll(dir) })
}

// build is one stage's binary, built at most once per test run.
type build struct {
	once sync.Once
	path string
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*build{}
)

// stageBinary returns the path of the stage's program (the folder name,
// e.g. "stage01_future"), building it on first use. Tests running in
// parallel share one build.
func stageBinary(t *testing.T, stage string) string {
	t.Helper()
	buildsMu.Lock()
	b, ok := builds[stage]
	if !ok {
		b = &build{}
		builds[stage] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() {
		b.path = filepath.Join(binDir, stage)
		cmd := exec.Command("go", "build", "-o", b.path, "./"+stage)
		cmd.Dir = ".." // the module root: tests/ sits right below it
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build ./%s: %v\n%s", stage, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// run says how to start a stage program.
type run struct {
	// Args are the program's command-line arguments.
	Args []string
	// Env adds KEY=VALUE settings to the environment. Unless it sets
	// target.DefaultAddrEnv, the harness points the default address at a
	// closed port, so that no run ever depends on what listens on 8080.
	Env []string
}

// result is what a finished run of a stage program produced.
type result struct {
	Stdout   string
	Stderr   string
	ExitCode int
	Wall     time.Duration // from start to exit
	CPU      time.Duration // user + system time the program used
}

// String shows a result in failure messages.
func (r result) String() string {
	return fmt.Sprintf("exit code %d after %v (cpu %v)\n--- stdout ---\n%s--- stderr ---\n%s", r.ExitCode, r.Wall.Round(time.Millisecond), r.CPU.Round(time.Millisecond), r.Stdout, r.Stderr)
}

// runStage builds stage if needed and runs it to the end. A program still
// running after runTimeout is killed and fails the test.
func runStage(t *testing.T, stage string, r run) result {
	t.Helper()
	bin := stageBinary(t, stage)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, r.Args...)
	cmd.Env = stageEnv(t, r.Env)
	// If the program is killed, give up on its output soon after.
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr

	start := time.Now()
	err := cmd.Run()
	res := result{Stdout: stdout.String(), Stderr: stderr.String(), Wall: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %v (does it hang?)\n%s", stage, strings.Join(r.Args, " "), runTimeout, res)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running %s: %v", stage, err)
	}
	res.ExitCode = cmd.ProcessState.ExitCode()
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return res
}

// stageEnv is this process's environment without any default-address
// setting, plus extra; the default address is a closed port unless extra
// names one.
func stageEnv(t *testing.T, extra []string) []string {
	t.Helper()
	prefix := target.DefaultAddrEnv + "="
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	setsDefault := false
	for _, kv := range extra {
		setsDefault = setsDefault || strings.HasPrefix(kv, prefix)
	}
	if !setsDefault {
		env = append(env, prefix+closedPort(t))
	}
	return append(env, extra...)
}

// closedPort returns a loopback address nothing listens on: it listens on a
// free port, notes it and closes the listener again.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// arrival is one request as the delay server logged it when it arrived.
type arrival struct {
	At      time.Time
	N       int           // the server's request counter, from 1
	Delay   time.Duration // the delay the request asked for
	Message string
}

// arrivalLine matches the delay server's log line "#N - {delay}ms: {message}".
var arrivalLine = regexp.MustCompile(`^#(\d+) - (\d+)ms: (.*)$`)

// serverLog is the delay server's Log writer: it timestamps each line as
// it is written, so tests can see the order and time of arrivals. It is
// safe for concurrent use.
type serverLog struct {
	mu       sync.Mutex
	partial  []byte
	arrivals []arrival
	other    []string // lines that are not arrivals
}

// Write implements io.Writer, splitting what it gets into lines.
func (l *serverLog) Write(p []byte) (int, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		m := arrivalLine.FindStringSubmatch(line)
		if m == nil {
			l.other = append(l.other, line)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		ms, _ := strconv.Atoi(m[2])
		l.arrivals = append(l.arrivals, arrival{At: now, N: n, Delay: time.Duration(ms) * time.Millisecond, Message: m[3]})
	}
}

// Arrivals returns the requests logged so far, in order of arrival.
func (l *serverLog) Arrivals() []arrival {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]arrival(nil), l.arrivals...)
}

// startDelayServer runs a delay server on a free loopback port for one test
// and returns it with its log. It is closed when the test ends.
func startDelayServer(t *testing.T) (*delayserver.Server, *serverLog) {
	t.Helper()
	log := &serverLog{}
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0", Log: log})
	require.NoError(t, err, "starting the in-process delay server")
	t.Cleanup(func() { _ = srv.Close() })
	return srv, log
}

// lines splits program output into lines, without the final empty one.
func lines(out string) []string {
	out = strings.TrimSuffix(out, "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// collapseRepeats replaces each run of a repeated line by one copy followed
// by "...", so output whose number of "Schedule other tasks" lines depends
// on timing can be compared with a fixed expectation.
func collapseRepeats(ls []string, repeated string) []string {
	var out []string
	for i, l := range ls {
		if l == repeated && i > 0 && ls[i-1] == repeated {
			continue
		}
		if l == repeated {
			out = append(out, repeated+"...")
			continue
		}
		out = append(out, l)
	}
	return out
}

// count is how many lines of out are exactly line.
func count(out, line string) int {
	n := 0
	for _, l := range lines(out) {
		if l == line {
			n++
		}
	}
	return n
}
