package trace

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }
