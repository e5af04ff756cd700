package examples

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

// TestMain fails the run if a test leaves a goroutine behind or a file
// open.
func TestMain(m *testing.M) {
	leakcheck.Main(m)
}
