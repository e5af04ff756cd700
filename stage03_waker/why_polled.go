//go:build linux || darwin || freebsd

// This file reads a recorded run (-trace) and says why each poll of a task
// happened. It is the waker's contract seen from outside: an executor polls
// a task because something asked for it, its spawn for the first poll and a
// wake for every later one. A poll that nothing asked for is wasted work,
// and a task that answered pending with nothing left to wake it is a hang.

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// PollCause is why the executor polled a task once.
type PollCause struct {
	// Poll is the poll itself, an event of kind trace.Poll.
	Poll trace.Event
	// Spawn says that this is the task's first poll, which its spawn asked
	// for.
	Spawn bool
	// Wakes are the wakes of the task that asked for this poll, oldest
	// first: every one since the task's previous poll began.
	Wakes []trace.Event
}

// Spurious says that nothing asked for the poll: no spawn, no wake. An
// executor that polls only what was woken never makes one.
func (c PollCause) Spurious() bool {
	return !c.Spawn && len(c.Wakes) == 0
}

// WhyPolled goes through the events of a run in time order and returns one
// PollCause for each poll of task, in the order the polls happened.
//
// A task is one task of one executor: compare whole trace.Task values,
// since every executor numbers its tasks from 1. The events are placed at
// their start, so a wake that came while the task was being polled comes
// after that poll's event, and it asks for the next poll: the wake may
// announce exactly what the running poll has just found missing, so the
// executor must poll once more. Several wakes before one poll are all its
// causes: the ready queue holds a task's id once, however often it is
// woken.
//
//workbook:exercise s03-why-polled
func WhyPolled(events []trace.Event, task trace.Task) []PollCause {
	var causes []PollCause
	spawned := false
	var wakes []trace.Event
	for _, e := range events {
		if e.Task != task {
			continue
		}
		switch e.Kind {
		case trace.Spawn:
			spawned = true
		case trace.Wake:
			wakes = append(wakes, e)
		case trace.Poll:
			causes = append(causes, PollCause{Poll: e, Spawn: spawned, Wakes: wakes})
			// A fresh slice, not wakes[:0]: the cause just stored keeps the
			// old one, and appending to its memory would rewrite it.
			spawned, wakes = false, nil
		}
	}
	return causes
}

// explainPolls writes, after the narrative of a -trace run, why each poll
// of each task happened, using WhyPolled:
//
//	task 1 of executor main, poll 4 (began +604.970ms): woken by reactor at +605.915ms, during poll 3
func explainPolls(t *trace.Trace, w io.Writer) error {
	return explainPollsWith(WhyPolled, t, w)
}

// explainPollsWith is explainPolls with the function that finds the causes
// given. The run is over and its story told when it is called, so a
// WhyPolled that panics (not written yet, say) ends only this epilogue,
// with its message, instead of the program with a stack trace.
func explainPollsWith(why func([]trace.Event, trace.Task) []PollCause, t *trace.Trace, w io.Writer) error {
	fmt.Fprintln(w, "why each poll happened (WhyPolled in why_polled.go):")
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(w, "  WhyPolled stopped: %v\n", r)
		}
	}()
	for _, spawn := range t.Events {
		if spawn.Kind != trace.Spawn {
			continue
		}
		task := spawn.Task
		causes := why(t.Events, task)
		for i, c := range causes {
			fmt.Fprintf(w, "  %s, poll %d (began +%s): %s\n", taskName(task), i+1, millis(c.Poll.At), describeCause(c, causes[:i]))
		}
	}
	return nil
}

// describeCause says in words what asked for the poll c; earlier are the
// task's polls before it, to tell a wake that came during one of them.
func describeCause(c PollCause, earlier []PollCause) string {
	if c.Spurious() {
		return "nothing asked for it: a spurious poll"
	}
	text := ""
	if c.Spawn {
		text = "its spawn"
	}
	for _, wake := range c.Wakes {
		if text != "" {
			text += "; "
		}
		text += fmt.Sprintf("woken by %s at +%s", wake.Lane.Name(), millis(wake.At))
		if n := len(earlier); n > 0 {
			prev := earlier[n-1].Poll
			if wake.At < prev.At+prev.Dur {
				text += fmt.Sprintf(", during poll %d", n)
			}
		}
	}
	return text
}

// taskName is "task 1 of executor main".
func taskName(task trace.Task) string {
	return fmt.Sprintf("task %d of %s", task.ID, task.Executor.Name())
}

// millis writes d in milliseconds, as the narrative does.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}
