//go:build linux || darwin || freebsd

// run.go is the record of one run: what it asks for, how it ends, and the
// figures taken of the child process from outside.

package main

import "time"

// Status says how a run ended.
type Status string

const (
	// StatusOK: the child printed its summary and every request succeeded.
	StatusOK Status = "ok"
	// StatusFailed: the child printed its summary, but some requests
	// failed (Error is why). The figures are real but describe a system
	// that broke down.
	StatusFailed Status = "failed"
	// StatusError: the child ended without a summary: it refused the run
	// (a thread or file limit) or died. Error says why.
	StatusError Status = "error"
	// StatusTimeout: the child did not finish within -run-timeout and was
	// killed.
	StatusTimeout Status = "timeout"
)

// Run is one run of one approach.
type Run struct {
	Job
	Executors int
	Delay     time.Duration
	Status    Status
	// Measured says the child ran the requests and printed its summary,
	// so the figures below mean something. When it is false they are
	// zero; the CSV leaves them empty.
	Measured bool
	// WallMS is from the child's start to its exit, as the sweep saw it.
	WallMS int64
	// CPUMS is user plus system CPU time of the child, all its threads,
	// from the rusage the kernel hands over with its exit status (wait4).
	CPUMS int64
	// PeakRSSKB is the child's peak resident memory: on Linux the most
	// VmHWM sampled while it ran, elsewhere from the same rusage
	// (procsample_linux.go says why not the rusage on Linux).
	PeakRSSKB int64
	// OSThreads is the most threads the child was seen with, sampled
	// while it ran; ThreadsMeasured is false where the system offers no
	// way to count another process's threads (macOS without cgo).
	OSThreads       int
	ThreadsMeasured bool
	// OK and Failed are the counts of the child's summary line.
	OK     int
	Failed int
	// ServerCPUMS is the CPU time the delay server used during the run;
	// ServerMeasured says it could be read (Linux only).
	ServerCPUMS    int64
	ServerMeasured bool
	// Error is why the run was not StatusOK, on one line.
	Error string
}
