// Package trace records what a stage's runtime does, thread by thread, and
// writes it as a story (Narrative) or as Chrome trace event JSON
// (WriteChrome) for Perfetto and chrome://tracing.
//
// A stage holds one *Lane per OS thread that does runtime work: each
// executor and the reactor. With tracing off, NewLane returns nil and every
// method of a nil *Lane returns at once, so a call site costs one
// comparison. With tracing on, each lane appends to its own chunks of
// packed events under its own mutex: a thread never waits for a lock that
// another thread's events take, and lanes are registered once, under the
// recorder's mutex. Stop puts the lanes' events in time order, and the
// analysis and the writers work on that, after the run.
//
// The lessons stay readable: each call site is one line that says what it
// records (e.trace.Parks()). Everything else (hazards, what a task waits
// for, the formats) is worked out here, after the run, from the events.
package trace

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSlowPoll is how long a poll may run before the trace calls it a
// hazard: a poll that long is almost always blocking inside Poll.
//
// The rule is on wall-clock time, not on the thread's CPU time, because
// the mistake it looks for mostly burns none: a sleep, a blocking read or
// a lock held by another thread keeps the executor from its other tasks
// while the CPU is idle. Wall-clock time also counts the moments the OS
// took the thread away, so the threshold must stand well above that noise:
// on a busy two-core machine a healthy first poll (a connect, the first
// allocations, a garbage collection) has been seen to take over 10 ms,
// while a poll that really blocks takes as long as what it waits for,
// usually far more. 50 ms keeps both apart; -trace-slow changes it.
const DefaultSlowPoll = 50 * time.Millisecond

// Recorder collects the lanes of one run.
type Recorder struct {
	start    time.Time
	slowPoll time.Duration

	mu    sync.Mutex
	lanes []*Lane

	// watcher is set on a background recording (Watch): Start takes over
	// from it. resumes is set on a recording that took over: its Stop
	// starts the watcher's background recording again.
	watcher *Watcher
	resumes *Watcher
}

// active is the recorder NewLane registers lanes with; nil while nothing
// is being traced.
var active atomic.Pointer[Recorder]

// ErrAlreadyTracing is Start's answer while another recording runs.
var ErrAlreadyTracing = errors.New("trace: a recording is already running; stop it first")

// Start begins a recording: lanes made by NewLane from now until Stop
// belong to it. slowPoll is the longest a poll may take before it counts
// as a hazard (0: DefaultSlowPoll). Only one recording runs at a time; a
// background recording (Watch) gives way to it until it stops.
func Start(slowPoll time.Duration) (*Recorder, error) {
	r := newRecorder(slowPoll)
	for {
		cur := active.Load()
		switch {
		case cur == nil:
			if active.CompareAndSwap(nil, r) {
				return r, nil
			}
		case cur.watcher != nil:
			if active.CompareAndSwap(cur, r) {
				r.resumes = cur.watcher
				return r, nil
			}
		default:
			return nil, ErrAlreadyTracing
		}
	}
}

// newRecorder returns a recording that starts now and is not active yet.
func newRecorder(slowPoll time.Duration) *Recorder {
	if slowPoll <= 0 {
		slowPoll = DefaultSlowPoll
	}
	return &Recorder{start: time.Now(), slowPoll: slowPoll}
}

// Stop ends the recording and returns what it holds, in time order, with
// the hazards found in it. Lanes keep accepting events afterwards (a
// reactor thread may still be inside its wait), but they are not read again.
func (r *Recorder) Stop() *Trace {
	if active.CompareAndSwap(r, nil) && r.resumes != nil {
		r.resumes.resume()
	}
	r.mu.Lock()
	lanes := r.lanes
	r.mu.Unlock()
	for _, l := range lanes {
		if l.gt != nil {
			l.gt.stop()
		}
	}
	return r.snapshot()
}

// snapshot analyses what the recording holds so far. The lanes go on
// recording: what drain hands over stays as it is.
func (r *Recorder) snapshot() *Trace {
	now := time.Since(r.start)
	r.mu.Lock()
	lanes := append([]*Lane(nil), r.lanes...)
	r.mu.Unlock()
	perLane := make([]laneRecords, len(lanes))
	for i, l := range lanes {
		perLane[i] = l.drain(now)
	}
	events := mergeInTimeOrder(perLane)
	return analyze(lanes, events, r.slowPoll, now)
}

// RuntimeKind is the kind of lane of a runtime without wakers, whose one
// thread both polls and waits in the poller (stage 02): the analysis takes
// a wait that returned events as the wake of that thread's tasks, and a
// socket registered during a poll as what can wake the task polled.
const RuntimeKind = "runtime"

// NewLane returns the lane of one thread of runtime work (kind is
// "executor", "reactor" or RuntimeKind; name tells executors apart and may
// be empty), or nil when no recording is running.
func NewLane(kind, name string) *Lane {
	r := active.Load()
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	l := &Lane{rec: r, kind: kind, name: name, tid: len(r.lanes) + 1}
	l.gt = newGoTrace(l.Name())
	r.lanes = append(r.lanes, l)
	return l
}
