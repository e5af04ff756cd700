package trace

// This file is the test oracle of chrome.go.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"
)

// refChromeEvent is one entry of the Chrome trace event format's traceEvents
// array. Every entry has name, ph, ts, pid and tid; the rest depends on ph:
// "X" a slice with dur, "i" an instant with scope s, "s"/"f" the two ends
// of a flow arrow sharing id, "M" metadata such as a thread's name.
type refChromeEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	ID   int            `json:"id,omitempty"`
	Bp   string         `json:"bp,omitempty"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// refWriteChrome is the reference for WriteChrome: the same document,
// built the plain way (every entry in memory, its args in a map, written
// by encoding/json). It is slow, which is why WriteChrome streams, and
// obviously right, which is why the tests hold WriteChrome to it.
func refWriteChrome(t *Trace, w io.Writer, process string) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(`{"displayTimeUnit":"ms","traceEvents":[`); err != nil {
		return err
	}
	enc := json.NewEncoder(bw)
	first := true
	emit := func(e refChromeEvent) error {
		if !first {
			if err := bw.WriteByte(','); err != nil {
				return err
			}
		}
		first = false
		e.Pid = chromePID
		return enc.Encode(e)
	}
	for _, e := range refChromeEvents(t, process) {
		if err := emit(e); err != nil {
			return fmt.Errorf("write the trace: %w", err)
		}
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// refChromeEvents is the trace as entries of traceEvents, metadata first.
func refChromeEvents(t *Trace, process string) []refChromeEvent {
	out := []refChromeEvent{{Name: "process_name", Ph: "M", Args: map[string]any{"name": process}}}
	for _, l := range t.Lanes {
		out = append(out,
			refChromeEvent{Name: "thread_name", Ph: "M", Tid: l.tid, Args: map[string]any{"name": l.Name()}},
			refChromeEvent{Name: "thread_sort_index", Ph: "M", Tid: l.tid, Args: map[string]any{"sort_index": l.tid}})
	}
	for i, e := range t.Events {
		out = append(out, refChromeEventOf(t, i, e))
	}
	for _, f := range t.Flows {
		wake, poll := t.Events[f.Wake], t.Events[f.Poll]
		out = append(out,
			refChromeEvent{Name: "wake", Cat: "wake", Ph: "s", ID: f.ID, Ts: micros(wake.At), Tid: wake.Lane.tid},
			refChromeEvent{Name: "wake", Cat: "wake", Ph: "f", Bp: "e", ID: f.ID, Ts: micros(poll.At), Tid: poll.Lane.tid})
	}
	for _, h := range t.Hazards {
		args := map[string]any{"what": h.Note}
		if h.Task.Executor != nil {
			args["task"] = h.Task.ID
			args["executor"] = h.Task.Executor.Name()
		}
		out = append(out, refChromeEvent{Name: "hazard", Cat: "hazard", Ph: "i", S: "t", Ts: micros(h.At), Tid: h.Lane.tid, Args: args})
	}
	return out
}

// refChromeEventOf is the entry for t.Events[i].
func refChromeEventOf(t *Trace, i int, e Event) refChromeEvent {
	c := refChromeEvent{Ts: micros(e.At), Tid: e.Lane.tid, Ph: "i", S: "t", Args: map[string]any{}}
	span := func(name, cat string) {
		dur := micros(e.Dur)
		c.Name, c.Cat, c.Ph, c.S, c.Dur = name, cat, "X", "", &dur
		if e.Open {
			c.Args["unfinished"] = true
		}
	}
	task := func() {
		c.Args["task"] = e.Task.ID
		c.Args["executor"] = e.Task.Executor.Name()
	}
	switch e.Kind {
	case Spawn:
		c.Name, c.Cat = fmt.Sprintf("spawn task %d", e.Task.ID), "spawn"
		task()
	case Poll:
		span(fmt.Sprintf("poll task %d", e.Task.ID), "poll")
		c.Args["task"] = e.Task.ID
		c.Args["result"] = e.Result.String()
		if e.Open {
			c.Args["result"] = "running"
		}
		if e.Err != "" {
			c.Args["error"] = e.Err
		}
		if why := t.WaitsFor[i]; why != "" {
			c.Args["waits_for"] = why
		}
	case Park:
		span("park", "park")
	case Wait:
		span("wait", "wait")
		c.Args["events"] = e.N
		if e.Err != "" {
			c.Args["error"] = e.Err
		}
	case Wake:
		// A slice of no width, so that the flow arrow has a slice to start
		// from on the waking thread.
		span(fmt.Sprintf("wake task %d", e.Task.ID), "wake")
		task()
	case Register:
		c.Name, c.Cat = fmt.Sprintf("register fd %d", e.FD), "register"
		c.Args["fd"], c.Args["registration"], c.Args["interest"] = e.FD, e.Reg, e.Interest
	case Deregister:
		c.Name, c.Cat = fmt.Sprintf("deregister fd %d", e.FD), "deregister"
		c.Args["fd"], c.Args["registration"] = e.FD, e.Reg
	case KeepWaker:
		c.Name, c.Cat = fmt.Sprintf("keep waker of task %d", e.Task.ID), "register"
		c.Args["registration"] = e.Reg
		task()
	case TimerSet:
		c.Name, c.Cat = "timer set", "timer"
		c.Args["due_ms"] = float64(e.Due) / float64(time.Millisecond)
		task()
	case TimerFired:
		c.Name, c.Cat = "timer fired", "timer"
		task()
	case TimerCancel:
		c.Name, c.Cat = "timer cancelled", "timer"
		task()
	case Interrupt:
		c.Name, c.Cat = "Ctrl-C", "interrupt"
	}
	if len(c.Args) == 0 {
		c.Args = nil
	}
	return c
}

// BenchmarkWriteChromeReference10000Requests is the reference writer on
// the same trace as BenchmarkWriteChrome10000Requests, to compare the two.
func BenchmarkWriteChromeReference10000Requests(b *testing.B) {
	rec, err := Start(0)
	if err != nil {
		b.Fatal(err)
	}
	manyRequests(2, 5000)
	tr := rec.Stop()
	b.ReportAllocs()
	for b.Loop() {
		if err := refWriteChrome(tr, io.Discard, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
