package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStuckNamesAParkedExecutorAndWhatEachPendingTaskWaitsFor(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		reactor := NewLane("reactor", "")
		for id := 1; id <= 4; id++ {
			exec.Spawns(id)
		}
		exec.PollBegins(1)
		reactor.KeepsWaker(1, exec.Task(1))
		reactor.Registers(7, 1, "readable|writable")
		exec.PollEnds(false, nil)
		exec.PollBegins(2)
		exec.PollEnds(false, nil)
		exec.PollBegins(3)
		exec.PollEnds(false, nil)
		exec.PollBegins(4)
		exec.PollEnds(true, nil)
		reactor.WaitBegins()
		reactor.WaitEnds(1, nil)
		reactor.Wakes(exec.Task(3))
		reactor.WaitBegins() // the reactor waits on: its normal state
		exec.Parks()         // and the executor sleeps, with task 3 woken
	})

	stuck := tr.Stuck()
	require.Len(t, stuck, 4, "the parked executor, then its three pending tasks (task 4 finished; the reactor's wait is not news): %q", stuck)
	assert.Regexp(t, `^executor main was parked for \d+\.\d{3}ms, and no waker unparked it$`, stuck[0])
	assert.Equal(t, "  task 1: pending, waiting for fd 7 readable|writable, which has not happened", stuck[1])
	assert.Equal(t, "  task 2: pending, and the runtime holds nothing that can wake it (no registration, no timer, no waker kept): only a waker held elsewhere could, if anyone calls it", stuck[2])
	assert.Regexp(t, `^  task 3: reactor woke it at \+\d+\.\d{3}ms, but it was not polled again: the wake did not get the executor going`, stuck[3])
}

func TestStuckNamesAPollThatNeverReturned(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.PollBegins(1)
	})
	stuck := tr.Stuck()
	require.Len(t, stuck, 1, "%q", stuck)
	assert.Regexp(t, `^executor main was inside the poll of task 1 of main for \d+\.\d{3}ms: something blocks inside Poll$`, stuck[0])
}

func TestStuckIsEmptyWhenNoExecutorIsStuck(t *testing.T) {
	tr := record(t, 0, func() {
		oneRequest()
		NewLane("reactor", "other").WaitBegins()
	})
	assert.Empty(t, tr.Stuck(), "a finished run whose reactor waits on has nothing stuck")
}

func TestStartTakesOverFromTheWatcherAndGivesBack(t *testing.T) {
	w, err := Watch(0)
	require.NoError(t, err)
	before := NewLane("executor", "before")
	require.NotNil(t, before, "the background recording is running")
	before.Spawns(1)

	rec, err := Start(0)
	require.NoError(t, err, "a test's own recording takes over from the background one")
	during := NewLane("executor", "during")
	during.Spawns(1)
	own := rec.Stop()
	require.Len(t, own.Lanes, 1, "the test's recording holds its own lanes only")
	assert.Same(t, during, own.Lanes[0])

	after := NewLane("executor", "after")
	require.NotNil(t, after, "the background recording begins again once the test's stops")
	after.Spawns(1)
	bg := w.Stop()
	require.Len(t, bg.Lanes, 1, "the background holds what was built since the last test that traced")
	assert.Same(t, after, bg.Lanes[0])
	assert.Nil(t, NewLane("executor", "later"), "after Watcher.Stop nothing records")

	rec, err = Start(0)
	require.NoError(t, err)
	rec.Stop()
	assert.Nil(t, NewLane("executor", "later"), "a stopped watcher does not begin again when a later recording stops")
}

func TestWatchFailsWhileARecordingRuns(t *testing.T) {
	rec, err := Start(0)
	require.NoError(t, err)
	defer rec.Stop()
	_, err = Watch(0)
	assert.ErrorIs(t, err, ErrAlreadyTracing)
}
