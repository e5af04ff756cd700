package trace

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// updateGolden rewrites testdata/*.golden from what the writers produce:
// go test ./internal/trace -run Golden -update-golden. The files in the
// repository were made by the writers that built every entry in memory
// with encoding/json, so these tests hold the streaming writers to the
// same output.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/*.golden from the writers' output")

// scriptedTrace is a trace with fixed times that holds every kind of event,
// every argument the writers print and every hazard the analysis finds:
// a failed and a slow poll, a failed wait, a wake of a finished task, a
// poll with nothing to wake it, a spurious poll, a timer that fires and
// one that is cancelled, a runtime without wakers, Ctrl-C with pending
// tasks, and spans that never ended. Its times are odd numbers of
// nanoseconds so that the microseconds in the JSON have fractions.
func scriptedTrace() *Trace {
	e0 := &Lane{kind: "executor", name: "executor-0", tid: 1}
	main := &Lane{kind: "executor", name: "main", tid: 2}
	re := &Lane{kind: "reactor", tid: 3}
	rt := &Lane{kind: RuntimeKind, tid: 4}
	timerA, timerB := new(int), new(int)
	us := func(n float64) time.Duration { return time.Duration(n * float64(time.Microsecond)) }
	ev := func(at time.Duration, l *Lane, e Event) Event {
		e.At, e.Lane = at, l
		return e
	}
	events := []Event{
		ev(0, e0, Event{Kind: Spawn, Task: e0.Task(1)}),
		ev(us(1.001), e0, Event{Kind: Spawn, Task: e0.Task(2)}),
		ev(us(2.5), e0, Event{Kind: Poll, Task: e0.Task(1), Dur: us(1.25), Result: Pending}),
		ev(us(2.75), re, Event{Kind: KeepWaker, Reg: 1, Task: e0.Task(1)}),
		ev(us(2.875), re, Event{Kind: Register, FD: 7, Reg: 1, Interest: "readable|writable"}),
		ev(us(3.0625), e0, Event{Kind: TimerSet, Timer: timerA, Due: 1500*time.Millisecond + 7, Task: e0.Task(1)}),
		ev(us(4.003), e0, Event{Kind: Poll, Task: e0.Task(2), Dur: 1, Result: Ready}),
		ev(us(5), re, Event{Kind: Wait, Dur: us(100000.123), N: 1}),
		ev(us(5), e0, Event{Kind: Park, Dur: us(200000.001)}),
		ev(us(100005.7), re, Event{Kind: Wake, Task: e0.Task(1)}),
		ev(us(200006), e0, Event{Kind: Poll, Task: e0.Task(1), Dur: 60*time.Millisecond + 3, Result: Failed, Err: `read fd 7: connection reset by "peer" <&>`}),
		ev(us(200007), re, Event{Kind: Deregister, FD: 7, Reg: 1}),
		ev(us(200008), e0, Event{Kind: TimerCancel, Timer: timerA, Task: e0.Task(1)}),
		ev(us(300000), re, Event{Kind: Wake, Task: e0.Task(1)}),
		ev(us(300001), main, Event{Kind: Spawn, Task: main.Task(1)}),
		ev(us(300002), main, Event{Kind: Poll, Task: main.Task(1), Dur: us(0.5), Result: Pending}),
		ev(us(300004), main, Event{Kind: Poll, Task: main.Task(1), Dur: us(0.5), Result: Pending}),
		ev(us(300010), main, Event{Kind: Spawn, Task: main.Task(2)}),
		ev(us(300011), main, Event{Kind: Poll, Task: main.Task(2), Dur: us(2), Result: Pending}),
		ev(us(300012), main, Event{Kind: TimerSet, Timer: timerB, Due: us(300500.5), Task: main.Task(2)}),
		ev(us(300500.5), re, Event{Kind: TimerFired, Timer: timerB, Task: main.Task(2)}),
		ev(us(300501), re, Event{Kind: Wake, Task: main.Task(2)}),
		ev(us(300502), main, Event{Kind: Poll, Task: main.Task(2), Dur: us(1), Result: Ready}),
		ev(us(300600), re, Event{Kind: Wait, Dur: us(3), Err: "wait in epoll: interrupted system call"}),
		ev(us(300700), rt, Event{Kind: Poll, Task: rt.Task(1), Dur: us(4), Result: Pending}),
		ev(us(300701), rt, Event{Kind: Register, FD: 11, Reg: 1, Interest: "readable"}),
		ev(us(300710), rt, Event{Kind: Wait, Dur: us(20), N: 1}),
		ev(us(300731), rt, Event{Kind: Poll, Task: rt.Task(1), Dur: us(4), Result: Ready}),
		ev(us(300800), e0, Event{Kind: Spawn, Task: e0.Task(3)}),
		ev(us(300801), e0, Event{Kind: Poll, Task: e0.Task(3), Dur: us(5), Result: Pending}),
		ev(us(300802), re, Event{Kind: KeepWaker, Reg: 2, Task: e0.Task(3)}),
		ev(us(300803), re, Event{Kind: Register, FD: 9, Reg: 2, Interest: "readable"}),
		ev(us(300900), e0, Event{Kind: Interrupt}),
		ev(us(301000), main, Event{Kind: Poll, Task: main.Task(3), Dur: us(2000), Open: true}),
		ev(us(301001), e0, Event{Kind: Park, Dur: us(1999), Open: true}),
		ev(us(301002), re, Event{Kind: Wait, Dur: us(1998), Open: true}),
	}
	return analyze([]*Lane{e0, main, re, rt}, events, 50*time.Millisecond, us(303000))
}

// checkGolden compares got with testdata/name, or rewrites the file with
// -update-golden.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/trace -run Golden -update-golden to make it")
	assert.Equal(t, string(want), string(got), "the output differs from %s", path)
}

func TestGoldenChromeJSON(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, scriptedTrace().WriteChrome(&buf, "golden"))
	checkGolden(t, "scripted.json.golden", buf.Bytes())
	require.NoError(t, Validate(bytes.NewReader(buf.Bytes())))
}

func TestGoldenNarrative(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, scriptedTrace().WriteNarrative(&buf))
	checkGolden(t, "scripted.narrative.golden", buf.Bytes())
}

// TestGoldenHoldsEveryHazard guards the script itself: if it stops
// producing one of the hazards, the golden files stop checking how that
// hazard is written.
func TestGoldenHoldsEveryHazard(t *testing.T) {
	notes := hazards(scriptedTrace())
	for _, want := range []string{"which has finished", "ran 60.000ms", "nothing that can wake it", "spurious poll", "Ctrl-C with 2 tasks pending", "waiting for fd 9 readable", "has not returned"} {
		assert.True(t, containsNote(notes, want), "no hazard says %q: %q", want, notes)
	}
}

// containsNote says whether one of notes contains part.
func containsNote(notes []string, part string) bool {
	for _, n := range notes {
		if bytes.Contains([]byte(n), []byte(part)) {
			return true
		}
	}
	return false
}

// decodedEvents is the traceEvents of a JSON document, decoded.
func decodedEvents(t *testing.T, doc []byte) []map[string]any {
	t.Helper()
	var f chromeFile
	require.NoError(t, json.Unmarshal(doc, &f))
	return f.TraceEvents
}

