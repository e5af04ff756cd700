package main

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// TestMain fails the run if a test leaves a goroutine behind (a go list
// that loads a package, not waited for) or a file open.
func TestMain(m *testing.M) {
	leakcheck.Main(m)
}
