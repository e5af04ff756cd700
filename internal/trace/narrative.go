package trace

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// WriteNarrative writes the trace as a story: one line per event, in time
// order, each with the time since the start, the thread, and what
// happened in words, hazards among them where they happened:
//
//	+0.412ms  executor main  poll task 1 -> pending (waits for fd 7 readable|writable)
//
// A poll is told when it returns, after what it did (a registration made
// inside the poll comes before the poll's line); a park and a wait are
// told twice, when they begin and when they end, since things happen on
// other threads meanwhile.
func (t *Trace) WriteNarrative(w io.Writer) error {
	type line struct {
		at   time.Duration
		lane *Lane
		text string
	}
	lines := make([]line, 0, len(t.Events)+len(t.Hazards))
	for i, e := range t.Events {
		switch {
		case e.Kind == Poll && !e.Open:
			lines = append(lines, line{e.At + e.Dur, e.Lane, describePoll(e, t.WaitsFor[i])})
		case e.Kind == Park:
			lines = append(lines, line{e.At, e.Lane, "park: sleep until a waker unparks the executor"})
			if !e.Open {
				lines = append(lines, line{e.At + e.Dur, e.Lane, fmt.Sprintf("unparked after %s", ms(e.Dur))})
			}
		case e.Kind == Wait:
			lines = append(lines, line{e.At, e.Lane, "wait in the poller"})
			if !e.Open {
				lines = append(lines, line{e.At + e.Dur, e.Lane, describeWaitEnd(e)})
			}
		default:
			lines = append(lines, line{e.At, e.Lane, t.describe(i)})
		}
	}
	for _, h := range t.Hazards {
		lines = append(lines, line{h.At, h.Lane, "HAZARD: " + h.Note})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at < lines[j].at })
	width := 0
	for _, l := range t.Lanes {
		width = max(width, len(l.Name()))
	}
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		fmt.Fprintf(bw, "+%10s  %-*s  %s\n", ms(l.at), width, l.lane.Name(), l.text)
	}
	return bw.Flush()
}

// describeWaitEnd is the line for the end of a wait in the poller.
func describeWaitEnd(e Event) string {
	if e.Err != "" {
		return fmt.Sprintf("the wait failed after %s: %s", ms(e.Dur), e.Err)
	}
	return fmt.Sprintf("the wait returned %d %s after %s", e.N, plural(e.N, "event"), ms(e.Dur))
}

// describe is the words for t.Events[i], an instant.
func (t *Trace) describe(i int) string {
	e := t.Events[i]
	switch e.Kind {
	case Spawn:
		return fmt.Sprintf("spawn task %d", e.Task.ID)
	case Poll:
		return describePoll(e, "")
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
		fmt.Fprintf(&b, "(began here, has not returned after %s)", ms(e.Dur))
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
