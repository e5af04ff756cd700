package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record runs script with a recording on and returns the trace.
func record(t *testing.T, slow time.Duration, script func()) *Trace {
	t.Helper()
	rec, err := Start(slow)
	require.NoError(t, err)
	script()
	return rec.Stop()
}

// oneRequest is the life of one task that waits for one socket: spawn,
// poll pending with its waker kept for fd 7, the reactor's wait, the
// wake, the poll that finishes it.
func oneRequest() {
	exec := NewLane("executor", "main")
	reactor := NewLane("reactor", "")
	exec.Spawns(1)
	exec.PollBegins(1)
	reactor.KeepsWaker(1, exec.Task(1))
	reactor.Registers(7, 1, "readable|writable")
	exec.PollEnds(false, nil)
	exec.Parks()
	reactor.WaitBegins()
	reactor.WaitEnds(1, nil)
	reactor.Wakes(exec.Task(1))
	exec.Unparked()
	exec.PollBegins(1)
	reactor.Deregisters(7, 1)
	exec.PollEnds(true, nil)
}

// kinds lists the kinds of t's events in order.
func kinds(t *Trace) []Kind {
	var out []Kind
	for _, e := range t.Events {
		out = append(out, e.Kind)
	}
	return out
}

func TestNilLaneRecordsNothing(t *testing.T) {
	l := NewLane("executor", "main")
	require.Nil(t, l, "with no recording running, NewLane must return nil")
	l.Spawns(1)
	l.PollBegins(1)
	l.PollEnds(true, nil)
	l.Wakes(Task{})
	assert.Equal(t, "", l.Name())
}

func TestStartRefusesASecondRecording(t *testing.T) {
	rec, err := Start(0)
	require.NoError(t, err)
	_, err = Start(0)
	assert.ErrorIs(t, err, ErrAlreadyTracing)
	rec.Stop()
	rec2, err := Start(0)
	require.NoError(t, err, "after Stop a new recording may start")
	rec2.Stop()
}

func TestEventsOfOneRequestComeInOrder(t *testing.T) {
	tr := record(t, 0, oneRequest)
	assert.Equal(t, []Kind{Spawn, Poll, KeepWaker, Register, Park, Wait, Wake, Poll, Deregister}, kinds(tr))
	assert.Empty(t, tr.Hazards, "a well-behaved task has no hazards")
	require.Len(t, tr.Flows, 1, "one wake, one flow")
	assert.Equal(t, Wake, tr.Events[tr.Flows[0].Wake].Kind)
	assert.Equal(t, 7, tr.Flows[0].Poll, "the flow ends at the second poll")
	assert.Equal(t, "fd 7 readable|writable", tr.WaitsFor[1])
	assert.Equal(t, Pending, tr.Events[1].Result)
	assert.Equal(t, Ready, tr.Events[7].Result)
	for i := 1; i < len(tr.Events); i++ {
		assert.LessOrEqual(t, tr.Events[i-1].At, tr.Events[i].At, "events must be in time order")
	}
}

func TestNarrativeTellsTheStory(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, record(t, 0, oneRequest).WriteNarrative(&buf))
	want := []string{
		`executor main  spawn task 1`,
		`reactor        keep the waker of task 1 of main for registration 1`,
		`reactor        register fd 7 as registration 1 \(readable\|writable\)`,
		`executor main  poll task 1 -> pending \(waits for fd 7 readable\|writable\)`,
		`executor main  park: sleep until a waker unparks the executor`,
		`reactor        wait in the poller`,
		`reactor        the wait returned 1 event after \d+\.\d{3}ms`,
		`reactor        wake task 1 of main`,
		`executor main  unparked after \d+\.\d{3}ms`,
		`reactor        deregister fd 7 \(registration 1\)`,
		`executor main  poll task 1 -> ready`,
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, len(want), "one line per event:\n%s", buf.String())
	for i, w := range want {
		assert.Regexp(t, regexp.MustCompile(`^\+\s*\d+\.\d{3}ms  `+w+`$`), lines[i])
	}
}

// chromeFile is the JSON document WriteChrome writes.
type chromeFile struct {
	TraceEvents []map[string]any `json:"traceEvents"`
}

// writeChrome writes tr as JSON and parses it back.
func writeChrome(t *testing.T, tr *Trace) chromeFile {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, tr.WriteChrome(&buf, "test"))
	var doc chromeFile
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc), "the trace must be valid JSON")
	return doc
}

// CheckChromeFormat fails t unless doc follows the trace event format as
// this package writes it.
func CheckChromeFormat(t *testing.T, doc chromeFile) {
	t.Helper()
	require.NotEmpty(t, doc.TraceEvents)
	starts, finishes := map[float64]map[string]any{}, map[float64]map[string]any{}
	names := map[float64]bool{}
	for _, e := range doc.TraceEvents {
		for _, key := range []string{"ph", "ts", "pid", "tid", "name"} {
			require.Contains(t, e, key, "every event needs %s: %v", key, e)
		}
		switch e["ph"] {
		case "X":
			require.Contains(t, e, "dur", "a slice needs dur: %v", e)
			assert.GreaterOrEqual(t, e["dur"].(float64), 0.0)
		case "s":
			starts[e["id"].(float64)] = e
		case "f":
			assert.Equal(t, "e", e["bp"])
			finishes[e["id"].(float64)] = e
		case "M":
			if e["name"] == "thread_name" {
				names[e["tid"].(float64)] = true
			}
		case "i":
		default:
			t.Errorf("unexpected ph in %v", e)
		}
	}
	assert.Equal(t, len(starts), len(finishes), "every flow start needs its finish")
	for id, s := range starts {
		f, ok := finishes[id]
		require.True(t, ok, "flow %v has no finish", id)
		assert.LessOrEqual(t, s["ts"].(float64), f["ts"].(float64), "a flow must not go back in time")
	}
	for _, e := range doc.TraceEvents {
		if e["ph"] != "M" {
			assert.True(t, names[e["tid"].(float64)], "tid %v has no thread_name", e["tid"])
		}
	}
}

func TestChromeJSONFollowsTheTraceEventFormat(t *testing.T) {
	doc := writeChrome(t, record(t, 0, oneRequest))
	CheckChromeFormat(t, doc)
	var polls []map[string]any
	for _, e := range doc.TraceEvents {
		if e["cat"] == "poll" {
			polls = append(polls, e)
		}
	}
	require.Len(t, polls, 2)
	assert.Equal(t, map[string]any{"task": 1.0, "result": "pending", "waits_for": "fd 7 readable|writable"}, polls[0]["args"])
	assert.Equal(t, "ready", polls[1]["args"].(map[string]any)["result"])
}

// hazards is the notes of t's hazards.
func hazards(t *Trace) []string {
	var out []string
	for _, h := range t.Hazards {
		out = append(out, h.Note)
	}
	return out
}

func TestHazardPendingWithNothingToWakeIt(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.PollBegins(1)
		exec.PollEnds(false, nil)
	})
	require.Len(t, tr.Hazards, 1)
	assert.Contains(t, tr.Hazards[0].Note, "task 1 of main answered pending with nothing that can wake it")
}

func TestNoHazardWhenATaskWakesItselfOrHasATimer(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.Spawns(2)
		exec.PollBegins(1)
		exec.Wakes(exec.Task(1))
		exec.PollEnds(false, nil)
		var timer int
		exec.PollBegins(2)
		exec.SetsTimer(&timer, time.Now(), exec.Task(2))
		exec.PollEnds(false, nil)
	})
	assert.Empty(t, hazards(tr))
	assert.Equal(t, "a wake that came during the poll", tr.WaitsFor[2])
}

func TestHazardAfterDeregisterNothingIsLeft(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		reactor := NewLane("reactor", "")
		exec.Spawns(1)
		exec.PollBegins(1)
		reactor.KeepsWaker(1, exec.Task(1))
		reactor.Deregisters(5, 1)
		exec.PollEnds(false, nil)
	})
	require.Len(t, tr.Hazards, 1, "a deregistered socket no longer wakes the task")
	assert.Contains(t, tr.Hazards[0].Note, "nothing that can wake it")
}

func TestHazardSlowPoll(t *testing.T) {
	tr := record(t, time.Millisecond, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.PollBegins(1)
		time.Sleep(5 * time.Millisecond) // the deliberate mistake: blocking inside a poll
		exec.PollEnds(true, nil)
	})
	require.Len(t, tr.Hazards, 1)
	assert.Contains(t, tr.Hazards[0].Note, "something blocks inside Poll")
}

func TestHazardPollThatNeverReturns(t *testing.T) {
	tr := record(t, time.Hour, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.PollBegins(1)
	})
	require.Len(t, tr.Hazards, 1)
	assert.Contains(t, tr.Hazards[0].Note, "has not returned")
	assert.True(t, tr.Events[1].Open)
}

func TestHazardWakeOfAFinishedTask(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		reactor := NewLane("reactor", "")
		exec.Spawns(1)
		exec.PollBegins(1)
		exec.PollEnds(true, errors.New("boom"))
		reactor.Wakes(exec.Task(1))
	})
	require.Len(t, tr.Hazards, 1)
	assert.Contains(t, tr.Hazards[0].Note, "reactor woke task 1 of main, which has finished")
	assert.Empty(t, tr.Flows, "a wake that leads to no poll has no arrow")
}

func TestHazardSpuriousPoll(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "main")
		exec.Spawns(1)
		exec.PollBegins(1)
		exec.Wakes(exec.Task(1))
		exec.PollEnds(false, nil)
		exec.PollBegins(1) // woken: fine
		exec.Wakes(exec.Task(1))
		exec.PollEnds(false, nil)
		exec.PollBegins(1) // woken during the last poll: fine
		exec.PollEnds(false, nil)
		exec.PollBegins(1) // nobody woke it
		exec.PollEnds(true, nil)
	})
	got := hazards(tr)
	require.Len(t, got, 2, "%q", got)
	assert.Contains(t, got[0], "nothing that can wake it", "the third poll left it with nothing")
	assert.Contains(t, got[1], "spurious poll")
}

func TestCtrlCReportsPendingTasks(t *testing.T) {
	tr := record(t, 0, func() {
		exec := NewLane("executor", "executor-0")
		exec.Spawns(1)
		exec.Spawns(2)
		exec.PollBegins(1)
		exec.KeepsWaker(3, exec.Task(1))
		exec.Registers(9, 3, "readable")
		exec.PollEnds(false, nil)
		exec.PollBegins(2)
		exec.PollEnds(true, nil)
		exec.Interrupted()
	})
	assert.Equal(t, []string{
		"Ctrl-C with 1 tasks pending",
		"at Ctrl-C task 1 of executor-0 was pending, waiting for fd 9 readable, which had not happened",
	}, hazards(tr))
	doc := writeChrome(t, tr)
	CheckChromeFormat(t, doc)
	n := 0
	for _, e := range doc.TraceEvents {
		if e["cat"] == "hazard" {
			n++
			assert.Equal(t, "i", e["ph"])
		}
	}
	assert.Equal(t, 2, n, "each hazard is an instant of cat hazard")
}

func TestFlagRejectsABadDestination(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	Flag(fs)
	err := fs.Parse([]string{"-trace", "out.txt"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "want narrative, a file name ending in .json, or one ending in .out")
	err = fs.Parse([]string{"-trace-slow", "-3ms"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "want a positive duration")
}

func TestRunWritesTheJSONFileEvenWhenTheRunFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	s := &Settings{Dest: path}
	boom := errors.New("boom")
	err := s.Run("test", io.Discard, func() error {
		oneRequest()
		return boom
	})
	assert.ErrorIs(t, err, boom)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc chromeFile
	require.NoError(t, json.Unmarshal(data, &doc))
	CheckChromeFormat(t, doc)
}

func TestRunFailsAtOnceOnAPathItCannotCreate(t *testing.T) {
	s := &Settings{Dest: filepath.Join(t.TempDir(), "no", "such", "dir.json")}
	ran := false
	err := s.Run("test", io.Discard, func() error { ran = true; return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "create the trace file")
	assert.False(t, ran)
}

func TestRunWritesTheExplanationAfterTheNarrative(t *testing.T) {
	var seen *Trace
	s := &Settings{Dest: Narrative, Explain: func(tr *Trace, w io.Writer) error {
		seen = tr
		_, err := io.WriteString(w, "THE END\n")
		return err
	}}
	var out bytes.Buffer
	require.NoError(t, s.Run("test", &out, func() error { oneRequest(); return nil }))
	require.NotNil(t, seen, "Explain must be called with the trace of the run")
	assert.NotEmpty(t, seen.Events)
	text := out.String()
	assert.True(t, strings.HasSuffix(text, "THE END\n"), "the explanation comes last:\n%s", text)
	assert.Contains(t, text, "spawn task 1", "the narrative comes first")
}

func TestRunWithJSONDoesNotExplain(t *testing.T) {
	called := false
	s := &Settings{Dest: filepath.Join(t.TempDir(), "run.json"), Explain: func(*Trace, io.Writer) error { called = true; return nil }}
	require.NoError(t, s.Run("test", io.Discard, func() error { oneRequest(); return nil }))
	assert.False(t, called, "the explanation is text for the narrative; the JSON file has no place for it")
}

func TestRunOffRecordsNothing(t *testing.T) {
	s := &Settings{}
	var lane *Lane
	require.NoError(t, s.Run("test", io.Discard, func() error { lane = NewLane("executor", "main"); return nil }))
	assert.Nil(t, lane)
}

func TestValidateAcceptsWhatWriteChromeWrites(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, record(t, 0, oneRequest).WriteChrome(&buf, "test"))
	assert.NoError(t, Validate(&buf))
}

func TestValidateRejectsBrokenTraces(t *testing.T) {
	for name, doc := range map[string]string{
		"no ts":          `{"traceEvents":[{"name":"a","ph":"i","pid":1,"tid":1}]}`,
		"negative dur":   `{"traceEvents":[{"name":"t","ph":"M","ts":0,"pid":1,"tid":1},{"name":"a","ph":"X","ts":1,"dur":-1,"pid":1,"tid":1}]}`,
		"unpaired flow":  `{"traceEvents":[{"name":"t","ph":"M","ts":0,"pid":1,"tid":1},{"name":"w","ph":"s","id":1,"ts":1,"pid":1,"tid":1}]}`,
		"backward flow":  `{"traceEvents":[{"name":"t","ph":"M","ts":0,"pid":1,"tid":1},{"name":"w","ph":"s","id":1,"ts":5,"pid":1,"tid":1},{"name":"w","ph":"f","bp":"e","id":1,"ts":2,"pid":1,"tid":1}]}`,
		"unnamed thread": `{"traceEvents":[{"name":"a","ph":"i","ts":1,"pid":1,"tid":3}]}`,
		"not JSON":       `{"traceEvents":[`,
	} {
		assert.Error(t, Validate(strings.NewReader(doc)), name)
	}
}

// pollOf is a finished poll of task 1 of lane l that took dur.
func pollOf(l *Lane, at, dur time.Duration) Event {
	return Event{Kind: Poll, Lane: l, Task: l.Task(1), At: at, Dur: dur, Result: Ready}
}

func TestDefaultSlowPollLetsABusyMachinesFirstPollPass(t *testing.T) {
	exec := &Lane{kind: "executor", name: "main", tid: 1}
	spawn := Event{Kind: Spawn, Lane: exec, Task: exec.Task(1)}
	// A healthy first poll on a loaded machine: the thread lost the CPU
	// for a while. It must not be called blocking.
	tr := analyze([]*Lane{exec}, []Event{spawn, pollOf(exec, 0, 11*time.Millisecond)}, DefaultSlowPoll, time.Second)
	assert.Empty(t, hazards(tr), "a poll of 11ms is scheduling noise, not a blocking poll")
	// A poll that sleeps as long as a request's round trip does block.
	tr = analyze([]*Lane{exec}, []Event{spawn, pollOf(exec, 0, 200*time.Millisecond)}, DefaultSlowPoll, time.Second)
	require.Len(t, tr.Hazards, 1)
	assert.Contains(t, tr.Hazards[0].Note, "something blocks inside Poll")
}

// stage02Request is stage 02's life of one request: one thread both polls
// and waits, a registration made inside the poll, no wakers.
func stage02Request(rt *Lane) {
	rt.Spawns(1)
	rt.PollBegins(1)
	rt.Registers(7, 7, "readable|writable")
	rt.PollEnds(false, nil)
	rt.WaitBegins()
	rt.WaitEnds(1, nil)
	rt.PollBegins(1)
	rt.Deregisters(7, 7)
	rt.PollEnds(true, nil)
}

func TestRuntimeWithoutWakersHasNoHazardsWhenItsWaitsBringEvents(t *testing.T) {
	tr := record(t, time.Hour, func() { stage02Request(NewLane(RuntimeKind, "")) })
	assert.Empty(t, hazards(tr))
	assert.Equal(t, "fd 7 readable|writable", tr.WaitsFor[1], "the socket registered in the poll is what the task waits for")
}

func TestRuntimeWithoutWakersReportsAPendingPollThatRegisteredNothing(t *testing.T) {
	tr := record(t, time.Hour, func() {
		rt := NewLane(RuntimeKind, "")
		rt.Spawns(1)
		rt.PollBegins(1)
		rt.PollEnds(false, nil) // the mistake: pending, with no socket registered
	})
	require.Len(t, tr.Hazards, 1, "%q", hazards(tr))
	assert.Contains(t, tr.Hazards[0].Note, "nothing that can wake it")
}

func TestRuntimeWithoutWakersReportsAPollAfterAWaitThatBroughtNothing(t *testing.T) {
	tr := record(t, time.Hour, func() {
		rt := NewLane(RuntimeKind, "")
		rt.Spawns(1)
		rt.PollBegins(1)
		rt.Registers(7, 7, "readable|writable")
		rt.PollEnds(false, nil)
		rt.WaitBegins()
		rt.WaitEnds(0, nil) // a timeout or a signal: nothing happened
		rt.PollBegins(1)    // the mistake: polled anyway
		rt.PollEnds(false, nil)
	})
	require.Len(t, tr.Hazards, 1, "%q", hazards(tr))
	assert.Contains(t, tr.Hazards[0].Note, "spurious poll")
}
