//go:build linux || darwin || freebsd

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// runLanes are the threads of a made-up run: two executors, whose tasks
// are numbered from 1 each, and a reactor.
type runLanes struct {
	main, other, reactor *trace.Lane
}

// newRunLanes makes the lanes of a recording that is stopped at once: the
// tests write the events themselves, so that WhyPolled is checked on its
// own, whatever the rest of the stage does.
func newRunLanes(t *testing.T) runLanes {
	t.Helper()
	rec, err := trace.Start(0)
	require.NoError(t, err)
	l := runLanes{
		main:    trace.NewLane("executor", "main"),
		other:   trace.NewLane("executor", "other"),
		reactor: trace.NewLane("reactor", ""),
	}
	rec.Stop()
	return l
}

// at is a moment of the made-up run, in milliseconds.
func at(ms float64) time.Duration {
	return time.Duration(ms * float64(time.Millisecond))
}

func spawnOf(task trace.Task, ms float64) trace.Event {
	return trace.Event{Kind: trace.Spawn, At: at(ms), Lane: task.Executor, Task: task}
}

func pollOf(task trace.Task, ms, lastsMs float64, r trace.Result) trace.Event {
	return trace.Event{Kind: trace.Poll, At: at(ms), Dur: at(lastsMs), Lane: task.Executor, Task: task, Result: r}
}

func wakeOf(task trace.Task, by *trace.Lane, ms float64) trace.Event {
	return trace.Event{Kind: trace.Wake, At: at(ms), Lane: by, Task: task}
}

// causeTimes is each cause as "poll@ms <- spawn, wake@ms, ...", easy to
// compare and to read in a failure.
func causeTimes(causes []PollCause) []string {
	var out []string
	for _, c := range causes {
		s := "poll@" + ms(c.Poll.At) + " <-"
		if c.Spawn {
			s += " spawn"
		}
		for _, w := range c.Wakes {
			s += " wake@" + ms(w.At)
		}
		out = append(out, s)
	}
	return out
}

func ms(d time.Duration) string {
	return strings.TrimSuffix(millis(d), ".000ms")
}

func TestWhyPolledFirstPollIsAskedForByTheSpawn(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	causes := WhyPolled([]trace.Event{spawnOf(task, 1), pollOf(task, 2, 1, trace.Ready)}, task)

	require.Len(t, causes, 1, "one poll in the events, so one cause")
	assert.True(t, causes[0].Spawn, "the first poll of a task is asked for by its spawn: Spawn must be true")
	assert.Empty(t, causes[0].Wakes, "no wake came before the first poll")
	assert.False(t, causes[0].Spurious(), "a first poll after the spawn is not spurious")
	assert.Equal(t, trace.Poll, causes[0].Poll.Kind, "Poll holds the poll's own event")
}

func TestWhyPolledLaterPollIsAskedForByTheWakeBeforeIt(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	events := []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 1, trace.Pending),
		wakeOf(task, l.reactor, 10),
		pollOf(task, 11, 1, trace.Ready),
	}
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@11 <- wake@10"}, causeTimes(WhyPolled(events, task)),
		"the second poll comes from the reactor's wake alone: the spawn asked only for the first")
}

func TestWhyPolledGivesAPollEveryWakeSinceThePreviousPoll(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	events := []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 1, trace.Pending),
		wakeOf(task, l.reactor, 10),
		wakeOf(task, l.other, 12),
		pollOf(task, 13, 1, trace.Ready),
	}
	causes := WhyPolled(events, task)
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@13 <- wake@10 wake@12"}, causeTimes(causes),
		"two wakes before one poll are both its causes, oldest first: the ready queue holds the id once, so the executor polls once for both")
	if assert.Len(t, causes, 2) && assert.Len(t, causes[1].Wakes, 2) {
		assert.Same(t, l.other, causes[1].Wakes[1].Lane, "the wake event is kept whole, with the thread that woke")
	}
}

func TestWhyPolledKeepsEachPollsWakesApart(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	events := []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 1, trace.Pending),
		wakeOf(task, l.reactor, 10),
		pollOf(task, 11, 1, trace.Pending),
		wakeOf(task, l.reactor, 20),
		pollOf(task, 21, 1, trace.Pending),
		wakeOf(task, l.reactor, 30),
		pollOf(task, 31, 1, trace.Ready),
	}
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@11 <- wake@10", "poll@21 <- wake@20", "poll@31 <- wake@30"}, causeTimes(WhyPolled(events, task)),
		"each poll has only the wakes since the previous one; if an earlier poll shows a later wake, the causes share memory: start a new slice for each poll (nil), do not reuse the old one with [:0]")
}

func TestWhyPolledTakesAWakeDuringAPollAsTheCauseOfTheNextPoll(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	events := []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 8, trace.Pending), // runs from 2 ms to 10 ms
		wakeOf(task, l.reactor, 5),        // while the poll runs
		pollOf(task, 11, 1, trace.Ready),
	}
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@11 <- wake@5"}, causeTimes(WhyPolled(events, task)),
		"a wake that comes while the task is being polled asks for the next poll: the running poll may already have looked at the socket, so it must be polled again")
}

func TestWhyPolledCallsAPollThatNothingAskedForSpurious(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	events := []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 1, trace.Pending),
		pollOf(task, 4, 1, trace.Pending),
	}
	causes := WhyPolled(events, task)
	require.Len(t, causes, 2, "two polls in the events, so two causes")
	assert.False(t, causes[1].Spawn, "only the first poll comes from the spawn")
	assert.Empty(t, causes[1].Wakes, "no wake came between the two polls")
	assert.True(t, causes[1].Spurious(), "a poll with no spawn and no wake before it is spurious")
}

func TestWhyPolledTellsTasksOfDifferentExecutorsApart(t *testing.T) {
	l := newRunLanes(t)
	mine, theirs := l.main.Task(1), l.other.Task(1)
	events := []trace.Event{
		spawnOf(mine, 1),
		spawnOf(theirs, 1.5),
		pollOf(mine, 2, 1, trace.Pending),
		pollOf(theirs, 2, 1, trace.Pending),
		wakeOf(theirs, l.reactor, 10),
		pollOf(theirs, 11, 1, trace.Ready),
		wakeOf(mine, l.reactor, 20),
		pollOf(mine, 21, 1, trace.Ready),
	}
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@21 <- wake@20"}, causeTimes(WhyPolled(events, mine)),
		"task 1 of executor main and task 1 of executor other are different tasks: compare the whole trace.Task, not only its ID")
}

func TestWhyPolledLooksOnlyAtSpawnsWakesAndPollsOfItsTask(t *testing.T) {
	l := newRunLanes(t)
	task, neighbour := l.main.Task(1), l.main.Task(2)
	events := []trace.Event{
		spawnOf(task, 1),
		spawnOf(neighbour, 1.5),
		pollOf(task, 2, 1, trace.Pending),
		{Kind: trace.KeepWaker, At: at(2.5), Lane: l.reactor, Task: task, Reg: 1},
		{Kind: trace.TimerSet, At: at(2.6), Lane: l.main, Task: task, Due: at(50)},
		wakeOf(task, l.reactor, 10),
		pollOf(neighbour, 10.5, 1, trace.Pending),
		wakeOf(neighbour, l.reactor, 11),
		{Kind: trace.TimerFired, At: at(11.5), Lane: l.main, Task: task},
		pollOf(task, 12, 1, trace.Ready),
	}
	assert.Equal(t, []string{"poll@2 <- spawn", "poll@12 <- wake@10"}, causeTimes(WhyPolled(events, task)),
		"a kept waker or a timer is not a wake (the wake is its own event), and the polls and wakes of another task change nothing for this one")
}

func TestWhyPolledOfATaskNeverPolledIsEmpty(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(3)
	events := []trace.Event{spawnOf(task, 1), wakeOf(task, l.reactor, 2)}
	assert.Empty(t, WhyPolled(events, task), "no poll, so no cause, whatever came before")
	assert.Empty(t, WhyPolled(nil, task), "no events at all")
}

func TestNarrativeEndsWithWhyEachPollHappened(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	tr := &trace.Trace{Events: []trace.Event{
		spawnOf(task, 1),
		pollOf(task, 2, 8, trace.Pending),
		wakeOf(task, l.reactor, 5),
		pollOf(task, 11, 1, trace.Pending),
		pollOf(task, 13, 1, trace.Ready),
	}}
	var out strings.Builder
	require.NoError(t, explainPolls(tr, &out))
	assert.Equal(t, `why each poll happened (WhyPolled in why_polled.go):
  task 1 of executor main, poll 1 (began +2.000ms): its spawn
  task 1 of executor main, poll 2 (began +11.000ms): woken by reactor at +5.000ms, during poll 1
  task 1 of executor main, poll 3 (began +13.000ms): nothing asked for it: a spurious poll
`, out.String())
}

func TestNarrativeEpilogueSurvivesAWhyPolledThatPanics(t *testing.T) {
	l := newRunLanes(t)
	task := l.main.Task(1)
	tr := &trace.Trace{Events: []trace.Event{spawnOf(task, 1), pollOf(task, 2, 1, trace.Ready)}}
	notDone := func([]trace.Event, trace.Task) []PollCause {
		panic("workbook: exercise s03-why-polled is not done yet; run: go run ./workbook hint s03-why-polled")
	}
	var out strings.Builder
	require.NoError(t, explainPollsWith(notDone, tr, &out))
	assert.Equal(t, `why each poll happened (WhyPolled in why_polled.go):
  WhyPolled stopped: workbook: exercise s03-why-polled is not done yet; run: go run ./workbook hint s03-why-polled
`, out.String(), "the run is over: a WhyPolled not written yet ends the epilogue with its message, not the program with a stack trace")
}
