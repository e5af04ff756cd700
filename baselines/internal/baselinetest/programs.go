package baselinetest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runTimeout bounds one run of a built program; it only fires on a hang.
const runTimeout = 60 * time.Second

var (
	buildsMu sync.Mutex
	buildDir string
	builds   = map[string]string{}
)

// Build compiles the main package pkg of the module (e.g. "./delayserver")
// once per test binary and returns the program's path.
func Build(t *testing.T, pkg string) string {
	t.Helper()
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if path, ok := builds[pkg]; ok {
		return path
	}
	if buildDir == "" {
		dir, err := os.MkdirTemp("", "asyncgo-baselines-")
		if err != nil {
			t.Fatalf("make a directory for the built programs: %v", err)
		}
		buildDir = dir
	}
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	path := filepath.Join(buildDir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", path, pkg)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	builds[pkg] = path
	return path
}

// RemoveBuilds deletes what Build compiled; call it from TestMain.
func RemoveBuilds() {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

// DelayServer is the delay server running as a process of its own, so that
// its connections neither count against the test's open files nor share
// its CPU and race detector.
type DelayServer struct {
	Addr string
	PID  int
	// arrived counts the requests the server has logged.
	arrived atomic.Int64
}

// Arrived is the number of requests that have reached the server.
func (s *DelayServer) Arrived() int { return int(s.arrived.Load()) }

// StartDelayServer builds and starts the delay server on a free loopback
// port; it is stopped when the test ends.
func StartDelayServer(t *testing.T) *DelayServer {
	t.Helper()
	cmd := exec.Command(Build(t, "./delayserver"), "-addr", "127.0.0.1:0", "-max-conns", "19000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the delay server: %v", err)
	}
	s := &DelayServer{PID: cmd.Process.Pid}
	listening := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			line := lines.Text()
			if rest, ok := strings.CutPrefix(line, "delay server listening on http://"); ok {
				listening <- rest
			}
			if strings.HasPrefix(line, "#") {
				s.arrived.Add(1)
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		_ = cmd.Wait()
	})
	select {
	case s.Addr = <-listening:
	case <-done:
		t.Fatalf("the delay server ended before it listened: %s", stderr.String())
	case <-time.After(15 * time.Second):
		t.Fatal("the delay server did not say where it listens within 15 s")
	}
	return s
}

// WaitFor polls cond until it holds or within has passed, and says whether
// it held.
func WaitFor(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Result is what a finished run of a program produced.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
	// Stop is the time from SIGINT to the program's exit (Interrupt only).
	Stop time.Duration
}

// LastLine is the last line of stdout.
func (r Result) LastLine() string {
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	return lines[len(lines)-1]
}

func (r Result) String() string {
	return fmt.Sprintf("exit code %d\n--- stdout (tail) ---\n%s\n--- stderr ---\n%s", r.ExitCode, tail(r.Stdout, 2000), r.Stderr)
}

// Interrupt starts bin with args, waits until ready() holds (for example,
// until every request has reached the server), sends it SIGINT as Ctrl-C
// would, and returns what it printed and how long it took to exit.
func Interrupt(t *testing.T, bin string, args []string, ready func() bool, readyWithin time.Duration) Result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), target.DefaultAddrEnv+"=127.0.0.1:1")
	var stdout, stderr syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	if !WaitFor(readyWithin, ready) {
		t.Fatalf("%s was not ready for Ctrl-C within %s\n--- stderr ---\n%s", filepath.Base(bin), readyWithin, stderr.String())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("send SIGINT: %v", err)
	}
	var err error
	select {
	case err = <-exited:
		exited <- err // for the cleanup
	case <-time.After(runTimeout):
		t.Fatalf("%s did not exit within %s of SIGINT", filepath.Base(bin), runTimeout)
	}
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), Stop: time.Since(sent)}
	res.ExitCode = exitCode(t, err)
	return res
}

// Run runs bin with args to the end.
func Run(t *testing.T, bin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), target.DefaultAddrEnv+"=127.0.0.1:1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %s", filepath.Base(bin), strings.Join(args, " "), runTimeout)
	}
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: exitCode(t, err)}
}

// exitCode is the exit status a finished command's error carries.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("the program was killed by %v", ws.Signal())
		}
		return exit.ExitCode()
	}
	t.Fatalf("run the program: %v", err)
	return -1
}

// OpenFDs counts the open file descriptors of process pid (Linux only).
func OpenFDs(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(entries), err
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
