//go:build linux || darwin || freebsd

// summary.go is the run's last line of stdout: how many requests, how many
// answered, how many failed, and how long it all took. Scripts (and the
// comparison tool, which runs every program the same way) read it.

package main

import (
	"fmt"
	"time"
)

// Summary is the outcome of one run.
type Summary struct {
	Plan   Plan
	OK     int
	Failed int
	// Interrupted says Ctrl-C stopped the run: the counts cover what
	// finished before it, and the requests left are unfinished.
	Interrupted bool
	// Wall is the time from the first request's start to the last one's end.
	Wall time.Duration
}

// Unfinished is the number of requests that neither succeeded nor failed:
// not 0 only when Ctrl-C stopped the run.
func (s Summary) Unfinished() int { return s.Plan.Total() - s.OK - s.Failed }

// String is the summary line, e.g.
//
//	stage06_production: 10 requests (2 executors × 5), 10 ok, 0 failed in 4.004s
//
// or, after Ctrl-C,
//
//	stage06_production: 10 requests (2 executors × 5), INTERRUPTED (Ctrl-C): 2 ok, 0 failed, 8 unfinished in 1.503s
func (s Summary) String() string {
	outcome := fmt.Sprintf("%d ok, %d failed", s.OK, s.Failed)
	if s.Interrupted {
		outcome = fmt.Sprintf("INTERRUPTED (Ctrl-C): %d ok, %d failed, %d unfinished", s.OK, s.Failed, s.Unfinished())
	}
	return fmt.Sprintf("%s: %d requests (%d executors × %d), %s in %s",
		program, s.Plan.Total(), s.Plan.Executors, s.Plan.Requests, outcome, s.Wall.Round(time.Millisecond))
}
