package main

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// TestMain fails the run if a test leaves a goroutine behind (a watcher not
// stopped, a test process not waited for) or a file open.
func TestMain(m *testing.M) {
	leakcheck.Main(m)
}
