//go:build linux

// run.go is the record of one run: what was asked, how it ended, and the
// figures, when the child lived to measure them.

package main

import "time"

// Status says how a run ended.
type Status string

const (
	// StatusOK: the child measured the run and every request succeeded.
	StatusOK Status = "ok"
	// StatusFailed: the child measured the run, but some requests failed
	// (Error is the first failure). The figures are real but describe a
	// system that broke down.
	StatusFailed Status = "failed"
	// StatusError: the child ended without figures: stage 05 refused the
	// run (a thread or file limit) or died. Error says why.
	StatusError Status = "error"
	// StatusTimeout: the child did not finish within -timeout and was
	// killed.
	StatusTimeout Status = "timeout"
)

// Run is one run of stage 05.
type Run struct {
	Job
	Executors int
	Delay     time.Duration
	Status    Status
	// Measured says the figures below come from the child's summary. When
	// it is false they are zero and mean nothing; the CSV leaves them empty.
	Measured  bool
	WallMS    int64
	CPUMS     int64
	PeakRSSKB int64
	OSThreads int
	OK        int
	Failed    int
	// ServerCPUMS is the CPU time the delay server used during the run.
	// Its clock counts in ticks of 10 ms, so small runs read 0 or 10.
	ServerCPUMS int64
	// ServerMeasured says ServerCPUMS was read.
	ServerMeasured bool
	// Error is why the run was not StatusOK, on one line.
	Error string
}

// fromSummary fills the figures of r from the child's summary.
func (r *Run) fromSummary(s ChildSummary) {
	r.Measured = true
	r.WallMS = s.WallMS
	r.CPUMS = s.CPUMS
	r.PeakRSSKB = s.PeakRSSKB
	r.OSThreads = s.OSThreads
	r.OK = s.OK
	r.Failed = s.Failed
}
