//go:build linux || darwin || freebsd

// median.go sums up the repeated runs of each point by their median. The
// median, not the mean, because on a shared machine one run in three can be
// slowed by something else entirely, and a mean would carry that run's
// outlier into the table; the median of three ignores one bad run.

package main

import (
	"slices"
	"time"
)

// Point is what the runs of one approach at one request count add up to.
type Point struct {
	Approach  string
	Requests  int
	Executors int
	Delay     time.Duration
	// Runs is how many runs were made; Measured how many of them gave
	// figures; Broken how many did not end StatusOK.
	Runs     int
	Measured int
	Broken   int
	// The medians over the measured runs; meaningless when Measured is 0.
	WallMS    float64
	CPUMS     float64
	PeakRSSKB float64
	OSThreads float64
	// ThreadsMeasured says the system could count the child's threads.
	ThreadsMeasured bool
	OK              float64
	Failed          float64
	// ServerCPUMS is the median over the runs whose server CPU was read;
	// ServerMeasured says there was at least one.
	ServerCPUMS    float64
	ServerMeasured bool
	// Error is the reason the first broken run gave.
	Error string
}

// BrokeDown says some run of this point did not succeed in full: the system
// broke down here, or came close to it.
func (p Point) BrokeDown() bool { return p.Broken > 0 }

// Median is the middle value of xs, or the mean of the two middle values
// when there is an even number; false when xs is empty. xs is not changed.
func Median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid], true
	}
	return (sorted[mid-1] + sorted[mid]) / 2, true
}

// Aggregate turns runs into points, one per (count, approach), in the order
// in which the points first appear among the runs (for a sweep: by count,
// then in the order of -approaches).
func Aggregate(runs []Run) []Point {
	type key struct {
		requests int
		approach string
	}
	var order []key
	groups := map[key][]Run{}
	for _, r := range runs {
		k := key{r.Requests, r.Approach}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	points := make([]Point, 0, len(order))
	for _, k := range order {
		points = append(points, aggregatePoint(groups[k]))
	}
	return points
}

// aggregatePoint sums up the runs of one point (at least one).
func aggregatePoint(runs []Run) Point {
	first := runs[0]
	p := Point{Approach: first.Approach, Requests: first.Requests, Executors: first.Executors, Delay: first.Delay, Runs: len(runs)}
	var wall, cpu, rss, threads, ok, failed, server []float64
	for _, r := range runs {
		if r.Status != StatusOK {
			p.Broken++
			if p.Error == "" {
				p.Error = r.Error
			}
		}
		if r.ServerMeasured {
			server = append(server, float64(r.ServerCPUMS))
		}
		if !r.Measured {
			continue
		}
		p.Measured++
		wall = append(wall, float64(r.WallMS))
		cpu = append(cpu, float64(r.CPUMS))
		rss = append(rss, float64(r.PeakRSSKB))
		if r.ThreadsMeasured {
			threads = append(threads, float64(r.OSThreads))
		}
		ok = append(ok, float64(r.OK))
		failed = append(failed, float64(r.Failed))
	}
	p.WallMS, _ = Median(wall)
	p.CPUMS, _ = Median(cpu)
	p.PeakRSSKB, _ = Median(rss)
	p.OSThreads, p.ThreadsMeasured = Median(threads)
	p.OK, _ = Median(ok)
	p.Failed, _ = Median(failed)
	p.ServerCPUMS, p.ServerMeasured = Median(server)
	return p
}
