package leakcheck

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestOpenFDsCountsAFileWhileItIsOpen(t *testing.T) {
	before, err := OpenFDs()
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(t.TempDir(), "held-open"))
	require.NoError(t, err)
	during, err := OpenFDs()
	require.NoError(t, err)
	require.NoError(t, f.Close())
	after, err := OpenFDs()
	require.NoError(t, err)

	assert.Equal(t, before+1, during, "one more descriptor while the file is open")
	assert.Equal(t, before, after, "back to the start once it is closed")
}

func TestWaitForFDsReportsADescriptorLeftOpen(t *testing.T) {
	before, err := OpenFDs()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "held-by-the-test")
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()

	err = waitForFDs(before, 50*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "file descriptors leaked")
	if runtime.GOOS == "linux" {
		assert.Contains(t, err.Error(), "held-by-the-test", "the report names what is open")
	}
}

func TestWaitForFDsWaitsForADescriptorClosedLate(t *testing.T) {
	before, err := OpenFDs()
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(t.TempDir(), "closed-late"))
	require.NoError(t, err)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		time.Sleep(20 * time.Millisecond) // a server closing its side a moment later
		_ = f.Close()
	}()

	assert.NoError(t, waitForFDs(before, 10*time.Second))
	<-closed
}

func TestCheckFDsPassesATestThatClosesWhatItOpens(t *testing.T) {
	CheckFDs(t)
	f, err := os.Create(filepath.Join(t.TempDir(), "closed"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
