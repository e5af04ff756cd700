//go:build linux || darwin || freebsd

// schedule.go decides the order of the runs. The approaches take turns:
// round 1 runs every approach once, then round 2, and so on, so that
// whatever else the machine does meanwhile (a shared machine is noisy) falls
// on all approaches alike instead of on the one that happened to run then.
// Each round also starts one approach further along the list, so that no
// approach always runs right after the same other one.

package main

// Job is one run of one approach to make.
type Job struct {
	// Approach is the program's name (Approach.Name).
	Approach string
	// Requests is the total over all executors.
	Requests int
	// Round is 1 for the first run of this point, 2 for the second, ...
	Round int
}

// Schedule lists the runs in the order they are made: for each count
// (smallest first), repeat rounds, each running every approach once, round
// r in the order given rotated by r-1 places.
func Schedule(counts []int, list []Approach, repeat int) []Job {
	jobs := make([]Job, 0, len(counts)*len(list)*repeat)
	for _, n := range counts {
		for round := 1; round <= repeat; round++ {
			for i := range list {
				a := list[(i+round-1)%len(list)]
				jobs = append(jobs, Job{Approach: a.Name, Requests: n, Round: round})
			}
		}
	}
	return jobs
}
