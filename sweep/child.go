//go:build linux || darwin || freebsd

// child.go runs one approach once, as a child process, and measures it from
// outside, the same way for every approach: the wall time from start to
// exit, the CPU time from the rusage that comes with the exit status, the
// threads and (on Linux) the peak memory sampled while it runs
// (procsample.go). From the child it reads only its summary line, for the
// counts of answers and failures.
//
// A process per run: each must start fresh, or the threads, memory and heap
// that one run leaves behind would be charged to the next (Go never gives
// idle threads back, and peak RSS only grows).

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// childWaitDelay bounds how long a killed child may keep its output pipes
// open before the sweep stops waiting for them.
const childWaitDelay = 5 * time.Second

// childOutputLimit caps what the sweep keeps of a child's output. A Go crash
// prints a stack per goroutine, megabytes with thousands of threads; the
// reason is at the start, and the summary is one short line at the end.
const childOutputLimit = 256 << 10

// ChildRunner runs the approaches as child processes, one Job at a time.
type ChildRunner struct {
	// Programs maps an approach's name to its built program.
	Programs map[string]string
	// Env is added to the child's environment (tests use it to make a
	// fake program behave one way or another).
	Env []string
	// ServerAddr is the delay server's host:port, passed as -addr.
	ServerAddr string
	Delay      time.Duration
	Executors  int
	// Timeout bounds one child.
	Timeout time.Duration
	// MaxThreads is the threads baseline's -max-threads; 0 leaves it to
	// the program, which raises Go's limit as far as the run needs.
	MaxThreads int
}

// Args is the command line of the child for job.
func (c ChildRunner) Args(job Job) []string {
	args := []string{
		"-executors", strconv.Itoa(c.Executors),
		"-requests", strconv.Itoa(job.Requests / c.Executors),
		"-delay", c.Delay.String(),
		"-quiet",
		"-addr", c.ServerAddr,
	}
	if a, ok := lookupApproach(job.Approach); ok && a.MaxThreads && c.MaxThreads > 0 {
		args = append(args, "-max-threads", strconv.Itoa(c.MaxThreads))
	}
	return args
}

// Run runs job and reports how it went. The error is only for an
// interrupted sweep (ctx done): every way a child can fail is a result,
// recorded in the Run.
func (c ChildRunner) Run(ctx context.Context, job Job) (Run, error) {
	run := Run{Job: job, Executors: c.Executors, Delay: c.Delay}
	program, ok := c.Programs[job.Approach]
	if !ok {
		return run, fmt.Errorf("no program built for %s", job.Approach)
	}
	childCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()

	cmd := exec.CommandContext(childCtx, program, c.Args(job)...)
	cmd.Env = append(os.Environ(), c.Env...)
	// Its own process group: Ctrl-C in the terminal reaches the sweep
	// only, which then ends the child.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = childWaitDelay
	stdout := &headTailBuffer{limit: childOutputLimit}
	stderr := &headTailBuffer{limit: childOutputLimit}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	started := time.Now()
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		run.Status = StatusError
		run.Error = oneLine(fmt.Sprintf("start %s: %v", program, err))
		return run, nil
	}
	sampler := startSampler(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(started)
	peak := sampler.stop()

	switch {
	case ctx.Err() != nil:
		return run, ctx.Err()
	case errors.Is(childCtx.Err(), context.DeadlineExceeded):
		run.Status = StatusTimeout
		run.Error = fmt.Sprintf("killed after -run-timeout %s without finishing", c.Timeout)
		return run, nil
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		run.Status = StatusError
		run.Error = oneLine(fmt.Sprintf("run %s: %v", program, err))
		return run, nil
	}

	summary, parseErr := ParseSummary(stdout.Tail())
	if parseErr == nil {
		parseErr = summary.check(job, c.Executors)
	}
	if parseErr != nil {
		run.Status = StatusError
		if errors.Is(parseErr, errNoSummary) {
			run.Error = childReason(job.Approach, stderr.Head(), cmd.ProcessState)
		} else {
			run.Error = oneLine(parseErr.Error())
		}
		return run, nil
	}
	run.Measured = true
	run.WallMS = wall.Milliseconds()
	run.CPUMS = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Milliseconds()
	run.PeakRSSKB = peak.peakRSSKB
	if !peak.rssMeasured {
		run.PeakRSSKB = rusagePeakRSSKB(cmd.ProcessState)
	}
	run.OSThreads, run.ThreadsMeasured = peak.threads, peak.threadsMeasured
	run.OK, run.Failed = summary.OK, summary.Failed
	switch {
	case summary.Failed > 0 || summary.OK < summary.Requests:
		run.Status = StatusFailed
		run.Error = fmt.Sprintf("%d of %d requests failed", summary.Requests-summary.OK, summary.Requests)
		if why := childReason(job.Approach, stderr.Tail(), cmd.ProcessState); exit != nil {
			run.Error += "; " + why
		}
	case exit != nil:
		// All requests ok and yet a failure status: say so, keep figures.
		run.Status = StatusFailed
		run.Error = childReason(job.Approach, stderr.Tail(), cmd.ProcessState)
	default:
		run.Status = StatusOK
	}
	return run, nil
}

// childReason is the one line that says why a child ended without success.
// Every program of the workbook ends a failure with a line "name: why";
// failing that (a crash), the first line it wrote, where Go puts the reason.
func childReason(name string, stderr []byte, state *os.ProcessState) string {
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
		if rest, ok := strings.CutPrefix(line, name+": "); ok {
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

// headTailBuffer keeps the first and the last limit/2 bytes written to it
// and drops what lies between, while accepting everything, so that the
// writer never blocks: the reason for a crash is at the head of stderr, the
// summary at the tail of stdout.
type headTailBuffer struct {
	head, tail bytes.Buffer
	limit      int
}

func (h *headTailBuffer) Write(p []byte) (int, error) {
	half := h.limit / 2
	if room := half - h.head.Len(); room > 0 {
		h.head.Write(p[:min(len(p), room)])
	}
	h.tail.Write(p)
	if extra := h.tail.Len() - half; extra > 0 {
		h.tail.Next(extra)
	}
	return len(p), nil
}

// Head is the start of what was written.
func (h *headTailBuffer) Head() []byte { return h.head.Bytes() }

// Tail is the end of what was written.
func (h *headTailBuffer) Tail() []byte { return h.tail.Bytes() }
