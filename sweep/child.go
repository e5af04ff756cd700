//go:build linux

// child.go runs stage 05 once, as a child process, and turns whatever
// happens to it into a Run: its figures when it measured itself, or the one
// line that says why it could not, when it was refused, died or hung.
//
// Why a process per run: each mode must start from a fresh process, or the
// threads, memory and heap that one run leaves behind would be charged to the
// next (Go never gives idle threads back, and peak RSS only grows).

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stage05Program is how stage 05 starts its one-line failure messages.
const stage05Program = "stage05_multithread"

// goDefaultMaxThreads is Go's default thread limit (runtime/debug.SetMaxThreads).
const goDefaultMaxThreads = 10_000

// threadsHeadroom is added to the request count when the sweep raises the
// threads mode's -max-threads: the Go runtime's own threads. It is above
// stage 05's own estimate (2 per CPU + 16) so that estimate never refuses.
func threadsHeadroom() int { return 2*runtime.NumCPU() + 64 }

// childWaitDelay bounds how long a killed child may keep its output pipes
// open (through a grandchild) before the sweep stops waiting for them.
const childWaitDelay = 5 * time.Second

// childOutputLimit caps what the sweep keeps of a child's output. A Go crash
// prints a stack per goroutine, megabytes with thousands of threads; the
// reason is at the start, and the summary is one short line.
const childOutputLimit = 256 << 10

// ChildRunner runs stage 05 as a child process, one Job at a time.
type ChildRunner struct {
	// Stage05 is the path of the built stage 05 program.
	Stage05 string
	// Env is added to the child's environment (tests use it to make a fake
	// stage 05 behave one way or another).
	Env []string
	// ServerAddr is the delay server's host:port, passed as -addr.
	ServerAddr string
	Delay      time.Duration
	Executors  int
	// Timeout bounds one child.
	Timeout time.Duration
	// MaxThreads is the threads mode's -max-threads; 0 raises it as far as
	// each run needs.
	MaxThreads int
}

// Args is the command line of the child for job.
func (c ChildRunner) Args(job Job) []string {
	args := []string{
		"-mode", job.Mode,
		"-executors", strconv.Itoa(c.Executors),
		"-requests", strconv.Itoa(job.Requests / c.Executors),
		"-delay", c.Delay.String(),
		"-quiet", "-json",
		"-addr", c.ServerAddr,
	}
	if job.Mode == modeThreads {
		if limit := c.maxThreads(job.Requests); limit > 0 {
			args = append(args, "-max-threads", strconv.Itoa(limit))
		}
	}
	return args
}

// maxThreads is the -max-threads to pass for a run of n requests, or 0 to
// leave Go's default.
func (c ChildRunner) maxThreads(n int) int {
	if c.MaxThreads > 0 {
		return c.MaxThreads
	}
	// One thread per request is the point of the threads mode; Go's default
	// limit would refuse it at 10,000 requests for a reason that is Go's,
	// not the operating system's.
	if need := n + threadsHeadroom(); need > goDefaultMaxThreads {
		return need
	}
	return 0
}

// Run runs job and reports how it went. The error is only for an
// interrupted sweep (ctx done): every way a child can fail is a result,
// recorded in the Run.
func (c ChildRunner) Run(ctx context.Context, job Job) (Run, error) {
	run := Run{Job: job, Executors: c.Executors, Delay: c.Delay}
	childCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()

	cmd := exec.CommandContext(childCtx, c.Stage05, c.Args(job)...)
	cmd.Env = append(os.Environ(), c.Env...)
	// Its own process group: Ctrl-C in the terminal reaches the sweep only,
	// which then ends the child, and the threads mode's grandchild with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = childWaitDelay
	stdout := &headBuffer{limit: childOutputLimit}
	stderr := &headBuffer{limit: childOutputLimit}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return run, ctx.Err()
	case errors.Is(childCtx.Err(), context.DeadlineExceeded):
		run.Status = StatusTimeout
		run.Error = fmt.Sprintf("killed after -timeout %s without finishing", c.Timeout)
		return run, nil
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		// It did not even start (or its output could not be collected).
		run.Status = StatusError
		run.Error = oneLine(fmt.Sprintf("run %s: %v", c.Stage05, err))
		return run, nil
	}

	summary, parseErr := ParseSummary(stdout.Bytes())
	if parseErr == nil {
		parseErr = summary.check(job, c.Executors)
	}
	if parseErr != nil {
		run.Status = StatusError
		if errors.Is(parseErr, errNoSummary) {
			run.Error = childReason(stderr.Bytes(), cmd.ProcessState)
		} else {
			run.Error = oneLine(parseErr.Error())
		}
		return run, nil
	}
	run.fromSummary(summary)
	switch {
	case summary.Failed > 0:
		run.Status = StatusFailed
		run.Error = fmt.Sprintf("%d of %d requests failed; first: %s", summary.Failed, summary.Requests, oneLine(summary.FirstError))
	case exit != nil:
		// All requests ok and yet a failure status: say so, keep figures.
		run.Status = StatusFailed
		run.Error = childReason(stderr.Bytes(), cmd.ProcessState)
	default:
		run.Status = StatusOK
	}
	return run, nil
}

// childReason is the one line that says why a child ended without success.
// Stage 05 ends every failure with a line "stage05_multithread: why"; failing
// that (a crash), the first line it wrote, which is where Go puts the reason.
func childReason(stderr []byte, state *os.ProcessState) string {
	how := "exited"
	if state != nil {
		how = describeExit(state)
	}
	var own, first string
	for line := range strings.Lines(string(stderr)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if first == "" {
			first = line
		}
		if rest, ok := strings.CutPrefix(line, stage05Program+": "); ok {
			own = rest
		}
	}
	switch {
	case own != "":
		return truncate(oneLine(own), 400)
	case first != "":
		return truncate(oneLine(how+": "+first), 400)
	}
	return how + " without a summary or a message"
}

// describeExit says how a process ended: its exit status or its signal.
func describeExit(state *os.ProcessState) string {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(state.ExitCode())
}

// killGroup kills a child and every process it started: they share the
// process group the child leads.
func killGroup(p *os.Process) error {
	if p == nil {
		return nil
	}
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill process group %d: %w", p.Pid, err)
	}
	return nil
}

// headBuffer keeps the first limit bytes written to it and drops the rest,
// while still accepting everything, so that the writer never blocks.
type headBuffer struct {
	buf   bytes.Buffer
	limit int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.limit - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Bytes is what was kept.
func (h *headBuffer) Bytes() []byte { return h.buf.Bytes() }
