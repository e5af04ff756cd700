//go:build linux || darwin || freebsd

// This file is the simplest possible runtime: a loop that polls one future
// until it is done, sleeping between polls because it cannot know when the
// future might be able to make progress.

package main

import (
	"fmt"
	"io"
	"time"
)

// pollInterval is how long the loop sleeps between two polls. Too short and
// the loop burns CPU asking a socket that has nothing new; too long and every
// answer is noticed late. Stage 02 removes this guess altogether.
const pollInterval = 100 * time.Millisecond

// PollLoop polls f until it has finished and returns its result. Each time f
// is not ready, it prints "Schedule other tasks" to out (the moment a real
// runtime would run some other task) and sleeps for interval.
//
// The sleep is the weakness this stage exists to show: the loop wakes up
// whether or not anything happened, and an answer that arrives just after a
// poll waits up to a whole interval before anyone looks at it.
//
//workbook:exercise s01-poll-loop
func PollLoop[T any](f Future[T], interval time.Duration, out io.Writer) (T, error) {
	for {
		p := f.Poll()
		if p.Ready {
			return p.Value, p.Err
		}
		fmt.Fprintln(out, "Schedule other tasks")
		time.Sleep(interval)
	}
}
