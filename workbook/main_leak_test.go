package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind: a watcher not
// stopped, a test process not waited for.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
