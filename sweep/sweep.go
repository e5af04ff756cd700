//go:build linux || darwin || freebsd

// sweep.go makes the runs of a schedule one after the other, charges the
// delay server's CPU time to each, reports every run as it ends, and prints
// the medians of a request count as soon as its last round is done.

package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// ServerWatch is what the sweep needs of the delay server while it runs:
// its CPU time so far, and whether it is still there.
type ServerWatch interface {
	CPUTime() (time.Duration, error)
	Exited() (bool, string)
}

// Sweeper makes the runs of a sweep.
type Sweeper struct {
	Runner ChildRunner
	Server ServerWatch
	// Progress gets one line per run; Tables the medians of each count
	// when its last run is done.
	Progress io.Writer
	Tables   io.Writer
	// SettleMax bounds the wait for the server to go quiet between runs;
	// 0 means settleMax.
	SettleMax time.Duration
}

// Between two runs the delay server is still closing the connections of
// the run that ended; the next run would share the CPU with that work and
// be charged with it. So before each run the sweep waits until the
// server's CPU time has not moved for settleQuiet (its clock counts 10 ms
// ticks), at most settleMax. Where the server's CPU cannot be read while it
// runs, it waits settleFallback instead.
const (
	settleQuiet    = 200 * time.Millisecond
	settleMax      = 5 * time.Second
	settleFallback = time.Second
)

// Sweep makes the runs of jobs in order and returns them. It stops early,
// returning the runs made so far, when ctx ends (Ctrl-C) or the delay
// server goes away; a run that fails is recorded and the sweep goes on.
func (s *Sweeper) Sweep(ctx context.Context, jobs []Job) ([]Run, error) {
	var runs []Run
	before, errBefore := s.settle(ctx)
	for i, job := range jobs {
		if gone, why := s.Server.Exited(); gone {
			return runs, fmt.Errorf("the delay server stopped during the sweep (%s); %d of %d runs were made", why, len(runs), len(jobs))
		}
		run, err := s.Runner.Run(ctx, job)
		if err != nil {
			return runs, err
		}
		// The server's CPU from quiet to quiet: the run's closing
		// connections are charged to the run, not to the next one.
		after, errAfter := s.settle(ctx)
		if errBefore == nil && errAfter == nil {
			run.ServerCPUMS = (after - before).Milliseconds()
			run.ServerMeasured = true
		}
		before, errBefore = after, errAfter
		runs = append(runs, run)
		fmt.Fprintf(s.Progress, "[%*d/%d] %s\n", digits(len(jobs)), i+1, len(jobs), describeRun(run))

		if i+1 == len(jobs) || jobs[i+1].Requests != job.Requests {
			if err := s.printCount(job.Requests, runs); err != nil {
				return runs, err
			}
		}
	}
	return runs, nil
}

// settle waits until the delay server is quiet (see settleQuiet) and
// returns its CPU time then.
func (s *Sweeper) settle(ctx context.Context) (time.Duration, error) {
	limit := s.SettleMax
	if limit == 0 {
		limit = settleMax
	}
	deadline := time.Now().Add(limit)
	last, err := s.Server.CPUTime()
	if err != nil {
		sleep(ctx, min(settleFallback, limit))
		return 0, err
	}
	quietSince := time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		sleep(ctx, settleQuiet/4)
		now, err := s.Server.CPUTime()
		if err != nil {
			return 0, err
		}
		if now != last {
			last, quietSince = now, time.Now()
		} else if time.Since(quietSince) >= settleQuiet {
			break
		}
	}
	return last, nil
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// printCount prints the medians of the runs at request count n, and each
// approach's ratios to the goroutines baseline when it ran.
func (s *Sweeper) printCount(n int, runs []Run) error {
	var atCount []Run
	for _, r := range runs {
		if r.Requests == n {
			atCount = append(atCount, r)
		}
	}
	points := Aggregate(atCount)
	fmt.Fprintf(s.Tables, "\n%d requests, medians:\n\n", n)
	if err := WriteTable(s.Tables, points); err != nil {
		return fmt.Errorf("print the medians: %w", err)
	}
	if ratios := WithRounds(Ratios(points, baseline), atCount, baseline); len(ratios) > 0 {
		fmt.Fprintln(s.Tables)
		if err := WriteRatios(s.Tables, ratios, baseline); err != nil {
			return fmt.Errorf("print the ratios: %w", err)
		}
	}
	fmt.Fprintln(s.Tables)
	return nil
}

// describeRun is the progress line of one run.
func describeRun(r Run) string {
	head := fmt.Sprintf("%s, %d requests, round %d: %s", r.Approach, r.Requests, r.Round, r.Status)
	if r.Measured {
		head += fmt.Sprintf(", %d ok, wall %s, CPU %s, peak RSS %.1f MiB",
			r.OK, ms(r.WallMS), ms(r.CPUMS), float64(r.PeakRSSKB)/1024)
		if r.ThreadsMeasured {
			head += fmt.Sprintf(", %d OS threads", r.OSThreads)
		}
	}
	if r.ServerMeasured {
		head += fmt.Sprintf(", server CPU %s", ms(r.ServerCPUMS))
	}
	if r.Error != "" {
		head += " — " + r.Error
	}
	return head
}

// ms renders a count of milliseconds as a duration.
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// digits is the width of n in decimal, to align the progress counter.
func digits(n int) int { return len(fmt.Sprint(n)) }
