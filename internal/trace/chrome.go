package trace

import (
	"fmt"
	"io"
	"time"
)

// chromePID is the process id every entry carries: a trace is one process.
const chromePID = 1

// micros is d in microseconds, the unit of ts and dur.
func micros(d time.Duration) float64 {
	return float64(d) / float64(time.Microsecond)
}

// WriteChrome writes the trace in the Chrome trace event format
// ({"traceEvents":[...]}), which Perfetto and chrome://tracing open:
// a track per thread, polls, parks and waits as slices, wakes as arrows
// from the waking thread to the poll they caused, hazards as instants.
// process names the process, usually the stage.
//
// A run of 10,000 requests has about 100,000 entries, so the writer
// streams: each entry is appended as JSON text to one buffer, which goes
// to w whenever it fills. Nothing is built per entry but its bytes (no
// map of arguments, no reflection), and the memory it takes stays that
// of the buffer, whatever the length of the trace.
func (t *Trace) WriteChrome(w io.Writer, process string) error {
	c := chromeWriter{w: w, buf: make([]byte, 0, chromeFlushAt+1024)}
	c.buf = append(c.buf, `{"displayTimeUnit":"ms","traceEvents":[`...)
	c.metadata("process_name", 0).str("name", process).end()
	for _, l := range t.Lanes {
		c.metadata("thread_name", l.tid).str("name", l.Name()).end()
		c.metadata("thread_sort_index", l.tid).int("sort_index", l.tid).end()
	}
	for i := range t.Events {
		t.writeEvent(&c, i)
	}
	for _, f := range t.Flows {
		wake, poll := &t.Events[f.Wake], &t.Events[f.Poll]
		c.begin("wake", "wake", "s", wake.At, wake.Lane.tid)
		c.flowID(f.ID, false).end()
		c.begin("wake", "wake", "f", poll.At, poll.Lane.tid)
		c.flowID(f.ID, true).end()
	}
	for _, h := range t.Hazards {
		c.begin("hazard", "hazard", "i", h.At, h.Lane.tid)
		c.instant()
		if h.Task.Executor != nil {
			c.str("executor", h.Task.Executor.Name()).int("task", h.Task.ID)
		}
		c.str("what", h.Note).end()
	}
	c.buf = append(c.buf, "]}\n"...)
	if err := c.flush(); err != nil {
		return fmt.Errorf("write the trace: %w", err)
	}
	return nil
}

// writeEvent appends the entry for t.Events[i]: a slice ("X") for a span
// and for a wake (a slice of no width, so that the flow arrow has a slice
// to start from on the waking thread), an instant ("i") for the rest.
// The arguments of each kind are written in the order of their keys, so
// that the document reads the same as one whose args are JSON objects
// with sorted keys.
func (t *Trace) writeEvent(c *chromeWriter, i int) {
	e := &t.Events[i]
	tid := e.Lane.tid
	switch e.Kind {
	case Spawn:
		c.beginNumbered("spawn task ", e.Task.ID, "spawn", "i", e.At, tid)
		c.instant().task(e.Task)
	case Poll:
		c.beginNumbered("poll task ", e.Task.ID, "poll", "X", e.At, tid)
		c.dur(e.Dur)
		if e.Err != "" {
			c.str("error", e.Err)
		}
		result := e.Result.String()
		if e.Open {
			result = "running"
		}
		c.str("result", result).int("task", e.Task.ID)
		if e.Open {
			c.boolTrue("unfinished")
		}
		if why := t.WaitsFor[i]; why != "" {
			c.str("waits_for", why)
		}
	case Park:
		c.begin("park", "park", "X", e.At, tid)
		c.dur(e.Dur)
		if e.Open {
			c.boolTrue("unfinished")
		}
	case Wait:
		c.begin("wait", "wait", "X", e.At, tid)
		c.dur(e.Dur)
		if e.Err != "" {
			c.str("error", e.Err)
		}
		c.int("events", e.N)
		if e.Open {
			c.boolTrue("unfinished")
		}
	case Wake:
		c.beginNumbered("wake task ", e.Task.ID, "wake", "X", e.At, tid)
		c.dur(e.Dur)
		c.task(e.Task)
	case Register:
		c.beginNumbered("register fd ", e.FD, "register", "i", e.At, tid)
		c.instant().int("fd", e.FD).str("interest", e.Interest).int("registration", e.Reg)
	case Deregister:
		c.beginNumbered("deregister fd ", e.FD, "deregister", "i", e.At, tid)
		c.instant().int("fd", e.FD).int("registration", e.Reg)
	case KeepWaker:
		c.beginNumbered("keep waker of task ", e.Task.ID, "register", "i", e.At, tid)
		c.instant().str("executor", e.Task.Executor.Name()).int("registration", e.Reg).int("task", e.Task.ID)
	case TimerSet:
		c.begin("timer set", "timer", "i", e.At, tid)
		c.instant().float("due_ms", float64(e.Due)/float64(time.Millisecond)).task(e.Task)
	case TimerFired:
		c.begin("timer fired", "timer", "i", e.At, tid)
		c.instant().task(e.Task)
	case TimerCancel:
		c.begin("timer cancelled", "timer", "i", e.At, tid)
		c.instant().task(e.Task)
	case Interrupt:
		c.begin("Ctrl-C", "interrupt", "i", e.At, tid)
		c.instant()
	default:
		c.begin("", "", "i", e.At, tid)
		c.instant()
	}
	c.end()
}
