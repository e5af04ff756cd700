//go:build linux || darwin || freebsd

// summary.go prints the figures of a run, last, either as one readable line
// or, with -json, as one JSON object that scripts and tests can read.

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Summary is the outcome of one run.
type Summary struct {
	Mode      string `json:"mode"`
	Executors int    `json:"executors"`
	// Requests is the total over all executors.
	Requests int `json:"requests"`
	OK       int `json:"ok"`
	Failed   int `json:"failed"`
	// Unfinished is the number of requests that neither succeeded nor
	// failed: not 0 only when Ctrl-C stopped the run.
	Unfinished int `json:"unfinished"`
	// Interrupted says Ctrl-C stopped the run: the figures cover what
	// finished before it.
	Interrupted bool  `json:"interrupted"`
	WallMS      int64 `json:"wall_ms"`
	// CPUMS is user plus system CPU time of the process during the run.
	CPUMS      int64 `json:"cpu_ms"`
	MaxDelayMS int64 `json:"max_delay_ms"`
	// PeakRSSKB is the peak resident memory in kB on every system (macOS
	// reports bytes; measure.go converts). 0, with OSThreads 0, means
	// unknown: a threads run whose child was stopped by Ctrl-C.
	PeakRSSKB int64 `json:"peak_rss_kb"`
	// OSThreads is the peak number of OS threads of the process that made
	// the requests (the child process in the threads mode), as sampled
	// every few milliseconds, so a lower bound: a peak shorter than one
	// sample can be missed. On Linux the count comes from /proc/PID/status,
	// on FreeBSD from the sysctl kern.proc.pid; macOS gives a thread count
	// only through cgo, so there it is the threads the Go runtime itself
	// runs, which for this program, starting no other threads, are all of
	// its OS threads.
	OSThreads int `json:"os_threads"`
	// ServerInProcess says the delay server ran inside the measured process,
	// so its CPU time, memory and threads are part of the figures. Start the
	// server on its own (go run ./delayserver) for figures of the client alone.
	ServerInProcess bool `json:"server_in_process"`
	// FirstError is the first failure, when there was one.
	FirstError string `json:"first_error,omitempty"`
}

// newSummary puts together the figures of a finished run.
func newSummary(mode string, p Plan, r *Results, f Figures, serverInProcess bool) Summary {
	s := Summary{
		Mode:            mode,
		Executors:       p.Executors,
		Requests:        p.Total(),
		OK:              r.OK(),
		Failed:          r.Failed(),
		Unfinished:      p.Total() - r.OK() - r.Failed(),
		WallMS:          f.Wall.Milliseconds(),
		CPUMS:           f.CPU.Milliseconds(),
		MaxDelayMS:      p.MaxDelay().Milliseconds(),
		PeakRSSKB:       f.PeakRSSKB,
		OSThreads:       f.OSThreads,
		ServerInProcess: serverInProcess,
	}
	if err := r.FirstError(); err != nil {
		s.FirstError = err.Error()
	}
	return s
}

// Print writes the summary as one JSON object or one readable line, each
// ending in a newline.
func (s Summary) Print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(s)
	}
	outcome := fmt.Sprintf("%d ok, %d failed", s.OK, s.Failed)
	if s.Interrupted {
		outcome = fmt.Sprintf("INTERRUPTED (Ctrl-C): %d ok, %d failed, %d unfinished", s.OK, s.Failed, s.Unfinished)
	}
	peaks := fmt.Sprintf("peak RSS %.1f MB, peak OS threads %d", float64(s.PeakRSSKB)/1024, s.OSThreads)
	if s.PeakRSSKB == 0 && s.OSThreads == 0 {
		// Only the threads mode's child knows these, and a child stopped
		// by Ctrl-C never says: a 0 here would read as a measurement.
		peaks = "peak RSS and OS threads unknown (the child process was stopped before it reported them)"
	}
	executors := fmt.Sprintf("%d executors", s.Executors)
	if s.Executors == 1 {
		executors = "1 executor"
	}
	line := fmt.Sprintf("%s: %d requests (%s × %d), %s in %s wall (longest delay %s), CPU %s, %s",
		s.Mode, s.Requests, executors, s.Requests/max(s.Executors, 1), outcome,
		ms(s.WallMS), ms(s.MaxDelayMS), ms(s.CPUMS), peaks)
	if s.ServerInProcess {
		line += " (delay server included)"
	}
	if s.FirstError != "" {
		line += "; first failure: " + s.FirstError
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// ms renders a count of milliseconds as a duration ("1.042s").
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
