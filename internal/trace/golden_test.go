package trace

import (
	"bytes"
	"encoding/json"
	"errors"
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

// sameAsReference fails t unless WriteChrome writes tr exactly as the
// reference writer does, and names the first entry that differs.
func sameAsReference(t *testing.T, tr *Trace) {
	t.Helper()
	var got, want bytes.Buffer
	require.NoError(t, tr.WriteChrome(&got, "stage"))
	require.NoError(t, refWriteChrome(tr, &want, "stage"))
	gotEvents, wantEvents := decodedEvents(t, got.Bytes()), decodedEvents(t, want.Bytes())
	require.Equal(t, len(wantEvents), len(gotEvents), "as many entries as the reference")
	for i := range wantEvents {
		require.Equal(t, wantEvents[i], gotEvents[i], "entry %d", i)
	}
	if at := firstDifference(got.Bytes(), want.Bytes()); at >= 0 {
		t.Errorf("the bytes differ from the reference's at offset %d:\n got: %q\nwant: %q", at, around(got.Bytes(), at), around(want.Bytes(), at))
	}
}

// firstDifference is the offset of the first byte where a and b differ,
// or -1 if they are equal. A diff of two whole documents of megabytes
// would take minutes to print.
func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// around is the 80 bytes of doc from 40 before at.
func around(doc []byte, at int) []byte {
	return doc[max(0, at-40):min(len(doc), at+40)]
}

func TestWriteChromeMatchesTheReferenceOnTheScriptedTrace(t *testing.T) {
	sameAsReference(t, scriptedTrace())
}

func TestWriteChromeMatchesTheReferenceOnARecordedRun(t *testing.T) {
	tr := record(t, 0, func() { manyRequests(2, 300) })
	require.Greater(t, len(tr.Events), 2*300*8, "the run recorded its requests")
	var buf bytes.Buffer
	require.NoError(t, tr.WriteChrome(&buf, "stage"))
	require.Greater(t, buf.Len(), chromeFlushAt, "the document is long enough to be written in several pieces")
	sameAsReference(t, tr)
}

// failingWriter accepts ok bytes and then fails every write.
type failingWriter struct{ ok int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.ok {
		n := w.ok
		w.ok = 0
		return n, errors.New("disk full")
	}
	w.ok -= len(p)
	return len(p), nil
}

func TestWriteChromeReportsAWriteError(t *testing.T) {
	tr := record(t, 0, func() { manyRequests(1, 300) })
	for _, ok := range []int{0, chromeFlushAt + 10} {
		err := tr.WriteChrome(&failingWriter{ok: ok}, "stage")
		require.Error(t, err, "a write that fails after %d bytes", ok)
		assert.Contains(t, err.Error(), "write the trace: disk full")
	}
}

func TestAppendJSONFloatWritesAsEncodingJSONDoes(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.5, 1.001, 1234.567, 1e-7, 1.5e-9, 1e20, 1e21, 123456789012.125, 1500.000007} {
		want, err := json.Marshal(f)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendJSONFloat(nil, f)), "%v", f)
	}
}

func TestAppendJSONStringWritesAsEncodingJSONDoes(t *testing.T) {
	for _, s := range []string{"", "poll task 1", `a "quote"`, `back\slash`, "<&>", "tab\there", "née", "\xff bad utf-8", "line\u2028sep"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendJSONString(nil, s)), "%q", s)
	}
}
