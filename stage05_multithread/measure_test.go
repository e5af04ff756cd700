//go:build linux || darwin || freebsd

package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThreadSamplerSeesThreadsThatAppear(t *testing.T) {
	counter := newThreadCounter(os.Getpid())
	defer counter.close()
	before, err := counter.count()
	require.NoError(t, err, "this process's thread count")
	s := StartThreadSampler(os.Getpid(), time.Millisecond)
	t.Cleanup(func() { s.Stop() }) // a test that stops early leaves no sampler behind

	// Add goroutines that each lock themselves to a thread and wait, until
	// the process really has `extra` threads more. One goroutine is not
	// always one more thread: Go keeps idle threads for reuse (other tests
	// of the package leave some), and a goroutine may take one of those.
	const extra = 5
	hold := make(chan struct{})
	var wg sync.WaitGroup
	release := sync.OnceFunc(func() {
		close(hold)
		wg.Wait()
	})
	t.Cleanup(release) // also when the test stops early
	now := before
	for held := 0; now < before+extra; held++ {
		require.Less(t, held, 200, "200 goroutines holding a thread each, and still %d threads (%d at the start)", now, before)
		locked := make(chan struct{})
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			close(locked)
			<-hold
		})
		<-locked
		now, err = counter.count()
		require.NoError(t, err)
	}

	require.Eventually(t, func() bool { return s.Peak() >= now }, 10*time.Second, time.Millisecond,
		"the sampler should see the %d threads the process has now (%d at the start); peak %d", now, before, s.Peak())
	release()

	assert.GreaterOrEqual(t, s.Stop(), now)
}

func TestThreadSamplerOfAGoneProcessReportsZero(t *testing.T) {
	// The pid of a child that has exited and been waited for belongs to no
	// process (until the kernel hands it out again, which takes a while).
	gone := exec.Command("sh", "-c", "exit 0")
	require.NoError(t, gone.Run())
	s := StartThreadSampler(gone.Process.Pid, time.Millisecond)
	assert.Zero(t, s.Stop())
}

// scriptedCounter plays a threadCounter that answers from a list, then fails.
type scriptedCounter struct {
	counts []int
	closed bool
}

func (c *scriptedCounter) count() (int, error) {
	if len(c.counts) == 0 {
		return 0, errors.New("count unknown")
	}
	n := c.counts[0]
	c.counts = c.counts[1:]
	return n, nil
}

func (c *scriptedCounter) close() { c.closed = true }

func TestThreadSamplerKeepsThePeakAndSkipsUnknownCounts(t *testing.T) {
	counter := &scriptedCounter{counts: []int{3, 9, 4}}
	s := &ThreadSampler{counter: counter}
	for range 5 { // the last two looks find no count
		s.sample()
	}
	assert.Equal(t, 9, s.Peak())

	unknown := &ThreadSampler{counter: &scriptedCounter{}}
	unknown.sample()
	assert.Zero(t, unknown.Peak(), "a count that cannot be had is no figure, not a guess")
}

func TestThreadSamplerClosesItsCounter(t *testing.T) {
	counter := &scriptedCounter{counts: []int{2}}
	s := &ThreadSampler{counter: counter, every: time.Millisecond, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	assert.Equal(t, 2, s.Stop())
	assert.True(t, counter.closed)
	assert.Equal(t, 2, s.Stop(), "a second Stop only gives the peak again")
}

func TestMaxRSSToKBConvertsEachSystemsUnit(t *testing.T) {
	assert.EqualValues(t, 8220, maxRSSToKB(8220, 1024), "Linux and FreeBSD count kB")
	assert.EqualValues(t, 8220, maxRSSToKB(8220*1024, 1), "macOS counts bytes")
	assert.EqualValues(t, 1, maxRSSToKB(2047, 1), "a partial kB is dropped")
	assert.Zero(t, maxRSSToKB(0, 1))
}

func TestPeakRSSIsInKBOnThisSystem(t *testing.T) {
	// Touch 32 MB so that it is resident: the peak must be at least that.
	// A unit mistake (bytes read as kB) would make it a thousand times too
	// large, past any real process's 16 GB.
	const size = 32 << 20
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	m := StartMeasurement(time.Millisecond)
	f := m.Stop()
	runtime.KeepAlive(buf)

	assert.GreaterOrEqual(t, f.PeakRSSKB, int64(size/1024))
	assert.Less(t, f.PeakRSSKB, int64(16<<20), "16 GB in kB")
}

func TestMeasurementTakesWallAndCPUTime(t *testing.T) {
	m := StartMeasurement(time.Millisecond)
	deadline := time.Now().Add(50 * time.Millisecond)
	spins := 0
	for time.Now().Before(deadline) {
		spins++ // burn CPU so there is something to measure
	}
	f := m.Stop()

	assert.GreaterOrEqual(t, f.Wall, 50*time.Millisecond)
	assert.Positive(t, f.CPU, "%d spins of CPU work should show", spins)
	assert.Positive(t, f.PeakRSSKB)
	assert.Positive(t, f.OSThreads)
}

func TestSamplingIntervalFollowsTheShortestDelay(t *testing.T) {
	assert.Equal(t, 20*time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5}), "1 s delays: the longest interval")
	assert.Equal(t, 2*time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5, Delay: 100 * time.Millisecond, FixedDelay: true}))
	assert.Equal(t, time.Millisecond, SamplingInterval(Plan{Executors: 1, Requests: 5, FixedDelay: true}), "never below 1 ms")
}
