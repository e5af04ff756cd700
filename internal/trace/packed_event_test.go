package trace

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackedEventsComeBackAsRecorded records one event of every kind
// through lanes, with every field set that the kind has, and checks that
// Stop hands each back as it was given: the numbers, the texts, the
// timer's identity, the task's executor (another lane's, of two), and the spans
// left open.
func TestPackedEventsComeBackAsRecorded(t *testing.T) {
	timer := new(int)
	otherTimer := new(int)
	due := time.Now().Add(time.Hour)
	var exec, exec2, reactor *Lane
	tr := record(t, 0, func() {
		exec = NewLane("executor", "main")
		reactor = NewLane("reactor", "")
		exec2 = NewLane("executor", "executor-1")
		exec.Spawns(3)
		exec.PollBegins(3)
		reactor.Registers(17, 5, "writable")
		reactor.KeepsWaker(5, exec.Task(3))
		exec.SetsTimer(timer, due, exec.Task(3))
		exec.SetsTimer(otherTimer, due, exec.Task(3))
		exec.PollEnds(true, errors.New(`connect: "refused"`))
		reactor.WaitBegins()
		reactor.WaitEnds(4, errors.New("epoll_wait: bad file descriptor"))
		reactor.Wakes(exec.Task(3))
		reactor.Wakes(exec2.Task(9))
		reactor.FiresTimer(timer, exec.Task(3))
		reactor.CancelsTimer(otherTimer, Task{ID: 8})
		reactor.Deregisters(17, 5)
		reactor.Interrupted()
		exec.PollBegins(4)
		exec.Parks()
		reactor.WaitBegins()
	})
	type want struct {
		kind Kind
		lane *Lane
		task Task
		fd   int
		reg  int
		n    int
		text string // Err, or Interest for a Register
		tmr  any
		open bool
	}
	wants := []want{
		{kind: Spawn, lane: exec, task: exec.Task(3)},
		{kind: Poll, lane: exec, task: exec.Task(3), text: `connect: "refused"`},
		{kind: Register, lane: reactor, fd: 17, reg: 5, text: "writable"},
		{kind: KeepWaker, lane: reactor, reg: 5, task: exec.Task(3)},
		{kind: TimerSet, lane: exec, task: exec.Task(3), tmr: timer},
		{kind: TimerSet, lane: exec, task: exec.Task(3), tmr: otherTimer},
		{kind: Wait, lane: reactor, n: 4, text: "epoll_wait: bad file descriptor"},
		{kind: Wake, lane: reactor, task: exec.Task(3)},
		{kind: Wake, lane: reactor, task: exec2.Task(9)},
		{kind: TimerFired, lane: reactor, task: exec.Task(3), tmr: timer},
		{kind: TimerCancel, lane: reactor, task: Task{ID: 8}, tmr: otherTimer},
		{kind: Deregister, lane: reactor, fd: 17, reg: 5},
		{kind: Interrupt, lane: reactor},
		{kind: Poll, lane: exec, task: exec.Task(4), open: true},
		{kind: Park, lane: exec, open: true},
		{kind: Wait, lane: reactor, open: true},
	}
	require.Len(t, tr.Events, len(wants), "one event per call")
	for i, w := range wants {
		e := tr.Events[i]
		text := e.Err
		if e.Kind == Register {
			text = e.Interest
			assert.Empty(t, e.Err, "event %d", i)
		} else {
			assert.Empty(t, e.Interest, "event %d", i)
		}
		got := want{kind: e.Kind, lane: e.Lane, task: e.Task, fd: e.FD, reg: e.Reg, n: e.N, text: text, tmr: e.Timer, open: e.Open}
		assert.Equal(t, w, got, "event %d", i)
		if w.tmr != nil {
			assert.Same(t, w.tmr, e.Timer, "event %d keeps the timer's identity", i)
		}
	}
	assert.Equal(t, Failed, tr.Events[1].Result)
	assert.InDelta(t, float64(time.Hour), float64(tr.Events[4].Due), float64(time.Second), "the due time is an hour after the start")
}

// TestALaneRecordsOnWhileStopReadsIt is for the race detector: a thread
// that keeps recording while Stop reads its lane (a reactor still in its
// wait) must neither race with Stop nor change what Stop returned.
func TestALaneRecordsOnWhileStopReadsIt(t *testing.T) {
	rec, err := Start(0)
	require.NoError(t, err)
	lane := NewLane("reactor", "")
	exec := NewLane("executor", "main")
	for id := range laneChunk + 10 {
		lane.Wakes(exec.Task(id))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				lane.Registers(i, i, "readable")
				lane.SetsTimer(new(int), time.Now(), exec.Task(i))
			}
		}
	}()
	tr := rec.Stop()
	n := len(tr.Events)
	first := tr.Events[0]
	close(stop)
	wg.Wait()
	require.GreaterOrEqual(t, n, laneChunk+10)
	assert.Len(t, tr.Events, n)
	assert.Equal(t, first, tr.Events[0])
	for _, e := range tr.Events {
		if e.Kind == Register {
			assert.Equal(t, "readable", e.Interest)
		}
	}
}
