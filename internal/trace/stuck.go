package trace

import (
	"fmt"
	"sort"
)

// Stuck says what the runtime's threads were in the middle of when the
// recording stopped, for a run that was stopped because it hung (the
// exercise runner's deadline): each executor caught inside a park, a poll
// or its own wait in the poller, for how long, and, for each, the tasks it
// still had pending and what could wake each one. That is the reason none
// of them was polled again. An empty answer means no executor was stuck.
//
// Reactors on a thread of their own are not listed: waiting in the poller
// is their normal state.
func (t *Trace) Stuck() []string {
	var lines []string
	for _, e := range t.Events {
		if !e.Open || e.Lane == nil || e.Lane.kind == "reactor" {
			continue
		}
		switch e.Kind {
		case Park:
			lines = append(lines, fmt.Sprintf("%s was parked for %s, and no waker unparked it", e.Lane.Name(), ms(e.Dur)))
		case Wait:
			lines = append(lines, fmt.Sprintf("%s was waiting in the poller for %s, and no event came", e.Lane.Name(), ms(e.Dur)))
		case Poll:
			lines = append(lines, fmt.Sprintf("%s was inside the poll of %s for %s: something blocks inside Poll", e.Lane.Name(), taskName(e.Task), ms(e.Dur)))
		default:
			continue
		}
		lines = append(lines, t.pendingOf(e.Lane, e.Task)...)
	}
	return lines
}

// pendingOf lists, indented, the tasks of executor lane that were pending
// at the end and what could wake each, at most maxListed of them, leaving
// out polled: the task inside the poll that never returned, if any.
func (t *Trace) pendingOf(lane *Lane, polled Task) []string {
	var ids []int
	for task, s := range t.tasks {
		if task.Executor == lane && task != polled && !s.finished && s.inPoll < 0 && (s.polled || len(s.woken) > 0) {
			ids = append(ids, task.ID)
		}
	}
	sort.Ints(ids)
	var lines []string
	for i, id := range ids {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("  ... and %d more pending tasks", len(ids)-maxListed))
			break
		}
		task := Task{Executor: lane, ID: id}
		s := t.tasks[task]
		if n := len(s.woken); n > 0 {
			what := "its spawn asked for a first poll"
			if w := s.woken[n-1]; w >= 0 {
				what = fmt.Sprintf("%s woke it at +%s", t.Events[w].Lane.Name(), ms(t.Events[w].At))
			}
			lines = append(lines, fmt.Sprintf("  task %d: %s, but it was not polled again: the wake did not get the executor going (look at Wake, the ready queue and Unpark)", id, what))
			continue
		}
		why := waitsFor(s, t.regFD)
		if why == "" {
			lines = append(lines, fmt.Sprintf("  task %d: pending, and the runtime holds nothing that can wake it (no registration, no timer, no waker kept): only a waker held elsewhere could, if anyone calls it", id))
			continue
		}
		lines = append(lines, fmt.Sprintf("  task %d: pending, waiting for %s, which has not happened", id, why))
	}
	return lines
}
