//go:build linux || darwin || freebsd

// A helper for the executor tests: waiting for a task's first poll with a
// deadline, so that an executor that never polls fails its test at once
// instead of hanging it until go test's timeout.

package main

import (
	"testing"
	"time"
)

// waitForWaker waits for the waker a pendingUntilWoken task hands out at
// its first poll. If BlockOn returns first, it never got as far as polling
// the task (or it panicked), so the test fails at once with what BlockOn
// returned instead of waiting for a waker that cannot come.
func waitForWaker(t *testing.T, wakers <-chan Waker, done <-chan error, out *syncBuffer) Waker {
	t.Helper()
	select {
	case w := <-wakers:
		return w
	case err := <-done:
		t.Fatalf("BlockOn returned (%v) before it polled its task: main must become a task whose first poll comes before the executor parks; output:\n%s", err, out)
	case <-time.After(5 * time.Second):
		t.Fatalf("the task was not polled within 5s of BlockOn starting: main must become a task whose first poll comes before the executor parks; output:\n%s", out)
	}
	return Waker{}
}
