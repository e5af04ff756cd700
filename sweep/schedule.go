//go:build linux

// schedule.go decides the order of the runs. The modes take turns: round 1
// runs every mode once, then round 2, and so on, so that whatever else the
// machine does during the sweep (it is shared and noisy) falls on all modes
// alike instead of on the one that happened to run at that moment.

package main

// Job is one run of stage 05 to make.
type Job struct {
	Mode string
	// Requests is the total over all executors.
	Requests int
	// Round is 1 for the first run of this point, 2 for the second, ...
	Round int
}

// Schedule lists the runs of a sweep in the order they are made: for each
// count (smallest first), Repeat rounds, each running every mode once in
// the order given.
func Schedule(counts []int, modes []string, repeat int) []Job {
	jobs := make([]Job, 0, len(counts)*len(modes)*repeat)
	for _, n := range counts {
		for round := 1; round <= repeat; round++ {
			for _, mode := range modes {
				jobs = append(jobs, Job{Mode: mode, Requests: n, Round: round})
			}
		}
	}
	return jobs
}
