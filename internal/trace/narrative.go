package trace

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteNarrative writes the trace as a story: one line per event, in time
// order, each with the time since the start, the thread, and what
// happened in words, hazards among them where they happened:
//
//	+0.412ms  executor main  poll task 1 -> pending (waits for fd 7 readable|writable)
func (t *Trace) WriteNarrative(w io.Writer) error {
	bw := bufio.NewWriter(w)
	width := 0
	for _, l := range t.Lanes {
		width = max(width, len(l.Name()))
	}
	h := 0
	for i := 0; i < len(t.Events) || h < len(t.Hazards); {
		var e Event
		var line string
		if h < len(t.Hazards) && (i == len(t.Events) || t.Hazards[h].At < t.Events[i].At) {
			e = t.Hazards[h]
			line = "HAZARD: " + e.Note
			h++
		} else {
			e = t.Events[i]
			line = t.describe(i)
			i++
		}
		fmt.Fprintf(bw, "+%9s  %-*s  %s\n", ms(e.At), width, e.Lane.Name(), line)
	}
	return bw.Flush()
}

// describe is the words for t.Events[i].
func (t *Trace) describe(i int) string {
	e := t.Events[i]
	switch e.Kind {
	case Spawn:
		return fmt.Sprintf("spawn task %d", e.Task.ID)
	case Poll:
		return describePoll(e, t.WaitsFor[i])
	case Park:
		if e.Open {
			return fmt.Sprintf("park: asleep until a waker unparks it (still asleep after %s)", ms(e.Dur))
		}
		return fmt.Sprintf("park: asleep until a waker unparks it (unparked after %s)", ms(e.Dur))
	case Wait:
		if e.Open {
			return fmt.Sprintf("wait in the poller (still waiting after %s)", ms(e.Dur))
		}
		if e.Err != "" {
			return fmt.Sprintf("wait in the poller -> failed after %s: %s", ms(e.Dur), e.Err)
		}
		return fmt.Sprintf("wait in the poller -> %d %s after %s", e.N, plural(e.N, "event"), ms(e.Dur))
	case Wake:
		return "wake " + taskName(e.Task)
	case Register:
		return fmt.Sprintf("register fd %d as registration %d (%s)", e.FD, e.Reg, e.Interest)
	case Deregister:
		return fmt.Sprintf("deregister fd %d (registration %d)", e.FD, e.Reg)
	case KeepWaker:
		return fmt.Sprintf("keep the waker of %s for registration %d", taskName(e.Task), e.Reg)
	case TimerSet:
		return fmt.Sprintf("set a timer for %s, due at +%s", taskName(e.Task), ms(e.Due))
	case TimerFired:
		return fmt.Sprintf("timer of %s fires", taskName(e.Task))
	case TimerCancel:
		return fmt.Sprintf("cancel the timer of %s", taskName(e.Task))
	case Interrupt:
		return "Ctrl-C"
	}
	return fmt.Sprintf("event of kind %d", e.Kind)
}

// describePoll is a poll's line: the task, its answer, and, when pending,
// what can wake it.
func describePoll(e Event, waitsFor string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "poll task %d -> ", e.Task.ID)
	switch {
	case e.Open:
		fmt.Fprintf(&b, "(has not returned after %s)", ms(e.Dur))
	case e.Result == Failed:
		fmt.Fprintf(&b, "error: %s", e.Err)
	case e.Result == Pending && waitsFor != "":
		fmt.Fprintf(&b, "pending (waits for %s)", waitsFor)
	default:
		b.WriteString(e.Result.String())
	}
	return b.String()
}

// plural is word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
