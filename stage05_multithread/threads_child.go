//go:build linux || darwin || freebsd

// threads_child.go runs the threads mode in a child process and reports on it.
//
// Why a child process: when the OS refuses a new thread, or the program goes
// past Go's thread limit, the Go runtime does not return an error; it prints
// a fatal error and a stack dump of every goroutine and kills the program.
// limits.go refuses the runs that known limits forbid, but the OS can still
// say no for reasons nobody checked (memory, other processes of the user).
// So the parent re-runs its own executable as a child that does the work;
// if the child dies, the parent is still alive to say in one line what
// happened.
//
// The child writes one JSON object per line to its stdout: one per response,
// then its figures. The parent counts and prints the responses (so -quiet and
// the output writer behave as in the other modes) and watches the child's
// thread count from outside, which still tells something if the child dies.

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// threadsChildEnv marks a process as the child of the threads mode. Its value
// is the job, as JSON, so the child needs no flags: the same mechanism works
// for the program and for its test binary.
const threadsChildEnv = "ASYNCGO_STAGE05_THREADS_CHILD"

// threadsJob is everything the child needs to do the work.
type threadsJob struct {
	// Addr is the server's resolved address; the parent may be running the
	// delay server itself, and the child talks to that one.
	Addr       string `json:"addr"`
	Host       string `json:"host"`
	Plan       Plan   `json:"plan"`
	MaxThreads int    `json:"max_threads"`
}

// Kinds of the lines the child writes.
const (
	eventDone    = "done"
	eventFail    = "fail"
	eventFigures = "figures"
	eventError   = "error"
)

// responseEvent is one line of the child's output.
type responseEvent struct {
	Kind     string   `json:"kind"`
	Executor int      `json:"executor"`
	Index    int      `json:"index"`
	Body     string   `json:"body,omitempty"`
	Err      string   `json:"err,omitempty"`
	Figures  *Figures `json:"figures,omitempty"`
}

// ThreadsLauncher starts the child of the threads mode and reports on it.
type ThreadsLauncher struct {
	// Command builds the child process for the job. The default re-runs
	// this executable with threadsChildEnv set; tests put other commands in
	// to see how the parent reports a child that dies.
	Command func(job []byte) (*exec.Cmd, error)
	// Stderr receives whatever the child writes to its stderr when it
	// exits normally. When it dies, the parent explains instead.
	Stderr io.Writer
	// Timeout bounds the whole child; past it the child is killed.
	Timeout time.Duration
}

// reexecCommand is the default Command: this same executable, marked as the
// child. os.Executable finds the binary even when it was started through
// $PATH or a relative path and the working directory changed since.
func reexecCommand(job []byte) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program to run it as a child: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), threadsChildEnv+"="+string(job))
	return cmd, nil
}

// childStartSlack is added to the child's time budget for starting the
// process and thousands of threads on a loaded machine.
const childStartSlack = time.Minute

// childStderrLimit is how much of the child's stderr the parent keeps. A Go
// crash writes the reason first and then a stack for every goroutine, which
// with thousands of threads runs to megabytes; the reason is in the head.
const childStderrLimit = 64 << 10

// Run runs the plan in a child process. Responses go to r as they arrive;
// the returned figures are the child's own, measured as the other modes
// measure themselves.
func (l ThreadsLauncher) Run(t *target.Target, p Plan, maxThreads int, r *Results) (Figures, error) {
	job, err := json.Marshal(threadsJob{Addr: t.AddrPort.String(), Host: t.Host, Plan: p, MaxThreads: maxThreads})
	if err != nil {
		return Figures{}, fmt.Errorf("encode the threads job: %w", err)
	}
	cmd, err := l.Command(job)
	if err != nil {
		return Figures{}, err
	}
	events, err := cmd.StdoutPipe()
	if err != nil {
		return Figures{}, fmt.Errorf("threads mode: pipe to the child: %w", err)
	}
	stderr := &headBuffer{limit: childStderrLimit}
	cmd.Stderr = stderr
	reserveThreads(parentThreads())
	if err := cmd.Start(); err != nil {
		return Figures{}, fmt.Errorf("threads mode: start the child process: %w", err)
	}
	// On macOS the parent cannot count the child's threads (see
	// measure_darwin.go) and this sampler sees nothing; the child's own
	// figures still carry its peak.
	sampler := StartThreadSampler(cmd.Process.Pid, SamplingInterval(p))
	// A child that hangs must not hang the parent with it.
	watchdog := time.AfterFunc(l.Timeout, func() { cmd.Process.Kill() })

	figures, readErr := readChildEvents(events, r)
	waitErr := cmd.Wait()
	killed := !watchdog.Stop() // false: the watchdog fired
	// The child is gone, so the sampler's last look finds nothing; its peak
	// is what it saw while the child lived.
	seenThreads := sampler.Stop()

	switch {
	case killed:
		return Figures{}, fmt.Errorf("threads mode: the child process did not finish within %s and was killed (%d responses arrived)", l.Timeout, r.OK()+r.Failed())
	case waitErr != nil:
		return Figures{}, explainChildDeath(cmd.ProcessState, waitErr, stderr.Bytes(), seenThreads)
	case readErr != nil:
		return Figures{}, fmt.Errorf("threads mode: %w", readErr)
	case figures == nil:
		return Figures{}, errors.New("threads mode: the child process exited without reporting its figures")
	}
	if got := r.OK() + r.Failed(); got != p.Total() {
		return Figures{}, fmt.Errorf("threads mode: the child process reported %d of %d responses", got, p.Total())
	}
	if l.Stderr != nil && stderr.Len() > 0 {
		l.Stderr.Write(stderr.Bytes())
	}
	figures.OSThreads = max(figures.OSThreads, seenThreads)
	return *figures, nil
}

// parentThreads is how many threads the parent may need while the child
// runs: one per P to run goroutines, one blocked in wait4 for the child, one
// for the sampler, and a few for the runtime's own helpers.
func parentThreads() int { return runtime.GOMAXPROCS(0) + 4 }

// reserveThreads makes sure this process has at least n OS threads before the
// child starts. ulimit -u and a cgroup's pids.max count the parent's threads
// and the child's together; if the child used up the limit and the parent
// then needed one more thread (Go creates them on demand), the parent would
// die too and nobody would be left to explain. Go never ends an idle thread,
// so threads created now stay ready for reuse.
//
// To create them, n goroutines lock themselves to a thread each and wait
// together: a thread whose goroutine is locked and parked cannot run anything
// else, so the runtime must have n of them. Unlocking afterwards returns the
// threads to the runtime's idle pool instead of ending them.
func reserveThreads(n int) {
	var locked, done sync.WaitGroup
	release := make(chan struct{})
	locked.Add(n)
	for range n {
		done.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			locked.Done()
			<-release
		})
	}
	locked.Wait()
	close(release)
	done.Wait()
}

// readChildEvents reads the child's lines until it closes its stdout, passes
// each response on to r, and returns the figures line.
func readChildEvents(events io.Reader, r *Results) (*Figures, error) {
	var figures *Figures
	var firstErr error
	lines := bufio.NewScanner(events)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	for lines.Scan() {
		var ev responseEvent
		if err := json.Unmarshal(lines.Bytes(), &ev); err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("unreadable line from the child process %q: %w", truncate(lines.Text(), 80), err)
			}
			continue
		}
		switch ev.Kind {
		case eventDone:
			r.Done(ev.Executor, ev.Index, ev.Body)
		case eventFail:
			r.Fail(ev.Executor, ev.Index, errors.New(ev.Err))
		case eventFigures:
			figures = ev.Figures
		case eventError:
			if firstErr == nil {
				firstErr = errors.New(ev.Err)
			}
		}
	}
	// Keep reading to the end even after a bad line: a child blocked on a
	// full pipe would never exit.
	if err := lines.Err(); err != nil && firstErr == nil {
		firstErr = fmt.Errorf("read from the child process: %w", err)
	}
	return figures, firstErr
}

// Patterns of the fatal errors the Go runtime prints when it cannot have a
// thread: the OS refused one (without cgo: clone failed; with cgo:
// pthread_create failed), or the program went past SetMaxThreads.
var (
	osRefusedThread = regexp.MustCompile(`runtime: failed to create new OS thread \(have (\d+) already; errno=(\d+)\)|runtime/cgo: pthread_create failed: [^\n]*`)
	goThreadLimit   = regexp.MustCompile(`runtime: program exceeds (\d+)-thread limit`)
)

// explainChildDeath turns the way the child ended into one line: what
// happened, how far it got, and what to try.
func explainChildDeath(state *os.ProcessState, waitErr error, stderr []byte, seenThreads int) error {
	how := waitErr.Error()
	if state != nil {
		how = describeExit(state)
	}
	prefix := "threads mode: the child process died"
	if seenThreads > 0 {
		prefix = fmt.Sprintf("threads mode: the child process died after starting %d threads", seenThreads)
	}
	if m := goThreadLimit.FindSubmatch(stderr); m != nil {
		return fmt.Errorf("%s: %s; Go's thread limit was reached — pass a higher -max-threads or try fewer requests", prefix, m[0])
	}
	if m := osRefusedThread.Find(stderr); m != nil {
		return fmt.Errorf("%s: %s; the OS refused more threads — try fewer requests, or raise the limit that stopped it: %s", prefix, m, threadLimitSuspects())
	}
	if state != nil && signalOf(state) == syscall.SIGKILL {
		return fmt.Errorf("%s: %s; %s — try fewer requests", prefix, how, outOfMemoryHint)
	}
	if line := firstLine(stderr); line != "" {
		return fmt.Errorf("%s (%s): %s", prefix, how, line)
	}
	return fmt.Errorf("%s (%s) without saying why", prefix, how)
}

// threadLimitSuspects lists the limits that can make the OS refuse a thread
// (each system's own: osThreadSuspects), the address-space limit first when
// there is one, because it is the easiest to overlook: every thread reserves
// a whole stack (ulimit -s) of it.
func threadLimitSuspects() string {
	suspects := osThreadSuspects()
	var as, stack unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_AS, &as) == nil && as.Cur != unix.RLIM_INFINITY &&
		unix.Getrlimit(unix.RLIMIT_STACK, &stack) == nil {
		suspects = fmt.Sprintf("ulimit -v (%d kB, and each thread reserves a stack of ulimit -s, %d kB, of it), ", as.Cur/1024, stack.Cur/1024) + suspects
	}
	return suspects
}

// describeExit says how a process ended: its exit status or its signal.
func describeExit(state *os.ProcessState) string {
	if sig := signalOf(state); sig != 0 {
		return "killed by signal " + sig.String()
	}
	return "exit status " + strconv.Itoa(state.ExitCode())
}

// signalOf is the signal that ended the process, or 0.
func signalOf(state *os.ProcessState) syscall.Signal {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// firstLine is the first non-empty line of text.
func firstLine(text []byte) string {
	for line := range strings.Lines(string(text)) {
		if line = strings.TrimSpace(line); line != "" {
			return truncate(line, 300)
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// headBuffer keeps the first limit bytes written to it and drops the rest.
// It never fails a write, so the child is never blocked on its stderr.
type headBuffer struct {
	mu    sync.Mutex
	limit int
	buf   bytes.Buffer
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.limit - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Bytes is what was kept.
func (h *headBuffer) Bytes() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return bytes.Clone(h.buf.Bytes())
}

// Len is how much was kept.
func (h *headBuffer) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.Len()
}

// threadsChildMain is the whole life of the child: do the job, write one line
// per response and then the figures to stdout. It returns the exit status.
func threadsChildMain(jobJSON string, stdout io.Writer) int {
	out := &lineWriter{enc: json.NewEncoder(stdout)}
	var job threadsJob
	if err := json.Unmarshal([]byte(jobJSON), &job); err != nil {
		out.write(responseEvent{Kind: eventError, Err: fmt.Sprintf("bad job in %s: %v", threadsChildEnv, err)})
		return 1
	}
	addr, err := netip.ParseAddrPort(job.Addr)
	if err != nil {
		out.write(responseEvent{Kind: eventError, Err: fmt.Sprintf("bad address in the job: %v", err)})
		return 1
	}
	if job.MaxThreads > 0 {
		debug.SetMaxThreads(job.MaxThreads)
	}
	t := &target.Target{AddrPort: addr, Host: job.Host}
	r := &Results{relay: out.write}

	m := StartMeasurement(SamplingInterval(job.Plan))
	err = runThreads(t, job.Plan, r)
	figures := m.Stop()
	if err != nil {
		out.write(responseEvent{Kind: eventError, Err: err.Error()})
		return 1
	}
	out.write(responseEvent{Kind: eventFigures, Figures: &figures})
	return 0
}

// lineWriter writes events one whole line at a time from any thread.
type lineWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *lineWriter) write(ev responseEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// A write error means the parent is gone; there is nobody left to tell.
	_ = w.enc.Encode(ev)
}
