package trace

import (
	"strings"
	"sync"
	"time"
)

// Lane is the events of one thread: an executor's, or the reactor's.
// Its methods are the call sites in the stages; each one is safe on a nil
// *Lane, where it does nothing, which is how tracing is off.
//
// The thread that owns the lane records its spans (polls, parks, waits).
// Instants may also come from other threads (a future registering its
// socket with a shared reactor runs on its executor's thread), so the
// events are guarded by the lane's own mutex, which nobody else's events
// ever take.
type Lane struct {
	rec  *Recorder
	kind string
	name string
	tid  int
	// gt mirrors the lane into Go's execution tracer; nil unless that
	// tracer was running when the lane was made (-trace FILE.out).
	gt *goTrace

	mu        sync.Mutex
	chunks    [][]packedEvent // full chunks, oldest first
	records   []packedEvent   // the chunk being filled, of capacity laneChunk
	tables    laneTables      // what the records refer to by number
	pollStart time.Duration
	pollTask  int
	parkStart time.Duration
	waitStart time.Duration
	inPoll    bool
	inPark    bool
	inWait    bool
}

// Name is what the narrative calls the lane's thread: "executor main", or
// "reactor" for a lane made with no name, "executor-0" for one whose name
// already says its kind.
func (l *Lane) Name() string {
	switch {
	case l == nil:
		return ""
	case l.name == "":
		return l.kind
	case strings.HasPrefix(l.name, l.kind):
		return l.name
	}
	return l.kind + " " + l.name
}

// Task names task id of this lane's executor.
func (l *Lane) Task(id int) Task {
	return Task{Executor: l, ID: id}
}

// now is the time since the recording started, on the monotonic clock.
func (l *Lane) now() time.Duration {
	return time.Since(l.rec.start)
}

// laneChunk is how many events a lane stores in one piece of memory. A
// lane that outgrows its chunk starts a new one instead of growing a
// slice: growing would copy every event recorded so far, again and again,
// while the thread is doing runtime work.
const laneChunk = 4096

// push stores e, with l.mu held.
func (l *Lane) push(e Event) {
	if len(l.records) == cap(l.records) {
		if l.records != nil {
			l.chunks = append(l.chunks, l.records)
		}
		l.records = make([]packedEvent, 0, laneChunk)
	}
	l.records = append(l.records, l.tables.compact(e))
}

// add stores e at the current time.
func (l *Lane) add(e Event) {
	l.mu.Lock()
	e.At = l.now()
	e.Lane = l
	l.push(e)
	l.mu.Unlock()
}

// Spawns records that task id joined this lane's executor.
func (l *Lane) Spawns(id int) {
	if l != nil {
		l.add(Event{Kind: Spawn, Task: l.Task(id)})
		if l.gt != nil {
			l.gt.log("spawn", "task %d", id)
		}
	}
}

// PollBegins records the start of a poll of task id; PollEnds closes it.
func (l *Lane) PollBegins(id int) {
	if l != nil {
		l.mu.Lock()
		l.pollStart, l.pollTask, l.inPoll = l.now(), id, true
		l.mu.Unlock()
		if l.gt != nil {
			l.gt.end(&l.gt.poll)
			l.gt.poll = l.gt.begin("poll")
			l.gt.log("poll", "task %d", id)
		}
	}
}

// PollEnds records the end of the poll PollBegins opened, with its answer:
// pending, ready, or failed with err.
func (l *Lane) PollEnds(ready bool, err error) {
	if l != nil {
		l.pollEnds(ready, err)
		if l.gt != nil {
			l.gt.end(&l.gt.poll)
		}
	}
}

func (l *Lane) pollEnds(ready bool, err error) {
	e := Event{Kind: Poll, Lane: l, Result: Pending}
	switch {
	case ready && err != nil:
		e.Result, e.Err = Failed, err.Error()
	case ready:
		e.Result = Ready
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.inPoll {
		return
	}
	e.At, e.Task = l.pollStart, l.Task(l.pollTask)
	e.Dur = l.now() - l.pollStart
	l.inPoll = false
	l.push(e)
}

// Parks records that the executor goes to sleep; Unparked that it woke.
func (l *Lane) Parks() {
	if l != nil {
		l.mu.Lock()
		l.parkStart, l.inPark = l.now(), true
		l.mu.Unlock()
		if l.gt != nil {
			l.gt.end(&l.gt.park)
			l.gt.park = l.gt.begin("park")
		}
	}
}

// Unparked closes the park that Parks opened.
func (l *Lane) Unparked() {
	if l != nil {
		l.closeSpan(Park, &l.inPark, &l.parkStart, 0, nil)
		if l.gt != nil {
			l.gt.end(&l.gt.park)
		}
	}
}

// WaitBegins records that the thread enters the poller's wait.
func (l *Lane) WaitBegins() {
	if l != nil {
		l.mu.Lock()
		l.waitStart, l.inWait = l.now(), true
		l.mu.Unlock()
		if l.gt != nil {
			l.gt.end(&l.gt.wait)
			l.gt.wait = l.gt.begin("wait in the poller")
		}
	}
}

// WaitEnds records that the wait returned n events, or failed with err.
func (l *Lane) WaitEnds(n int, err error) {
	if l != nil {
		l.closeSpan(Wait, &l.inWait, &l.waitStart, n, err)
		if l.gt != nil {
			l.gt.end(&l.gt.wait)
			l.gt.log("wait returned", "%d events", n)
		}
	}
}

// closeSpan appends the span of kind that began at *start, if one is open.
func (l *Lane) closeSpan(kind Kind, open *bool, start *time.Duration, n int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !*open {
		return
	}
	*open = false
	e := Event{Kind: kind, Lane: l, At: *start, Dur: l.now() - *start, N: n}
	if err != nil {
		e.Err = err.Error()
	}
	l.push(e)
}

// Wakes records that this thread calls the waker of task.
func (l *Lane) Wakes(task Task) {
	if l != nil {
		l.add(Event{Kind: Wake, Task: task})
		if l.gt != nil {
			l.gt.log("wake", "%s", taskName(task))
		}
	}
}

// Registers records that the poller watches fd for interest under
// registration reg.
func (l *Lane) Registers(fd, reg int, interest string) {
	if l != nil {
		l.add(Event{Kind: Register, FD: fd, Reg: reg, Interest: interest})
		if l.gt != nil {
			l.gt.log("register", "fd %d as registration %d (%s)", fd, reg, interest)
		}
	}
}

// Deregisters records that the poller stops watching fd (registration reg)
// and forgets its waker.
func (l *Lane) Deregisters(fd, reg int) {
	if l != nil {
		l.add(Event{Kind: Deregister, FD: fd, Reg: reg})
		if l.gt != nil {
			l.gt.log("deregister", "fd %d (registration %d)", fd, reg)
		}
	}
}

// KeepsWaker records that the reactor keeps task's waker for registration
// reg: an event on that registration will wake the task.
func (l *Lane) KeepsWaker(reg int, task Task) {
	if l != nil {
		l.add(Event{Kind: KeepWaker, Reg: reg, Task: task})
		if l.gt != nil {
			l.gt.log("keep waker", "%s for registration %d", taskName(task), reg)
		}
	}
}

// SetsTimer records that timer (a pointer that stays the same for the
// timer's life: it matches set, fired and cancel) will wake task at due.
func (l *Lane) SetsTimer(timer any, due time.Time, task Task) {
	if l != nil {
		l.add(Event{Kind: TimerSet, Timer: timer, Due: due.Sub(l.rec.start), Task: task})
		if l.gt != nil {
			l.gt.log("timer set", "for %s", taskName(task))
		}
	}
}

// FiresTimer records that timer expired and its task is about to be woken.
func (l *Lane) FiresTimer(timer any, task Task) {
	if l != nil {
		l.add(Event{Kind: TimerFired, Timer: timer, Task: task})
		if l.gt != nil {
			l.gt.log("timer fired", "for %s", taskName(task))
		}
	}
}

// CancelsTimer records that timer was taken back before it fired.
func (l *Lane) CancelsTimer(timer any, task Task) {
	if l != nil {
		l.add(Event{Kind: TimerCancel, Timer: timer, Task: task})
		if l.gt != nil {
			l.gt.log("timer cancelled", "for %s", taskName(task))
		}
	}
}

// Interrupted records Ctrl-C.
func (l *Lane) Interrupted() {
	if l != nil {
		l.add(Event{Kind: Interrupt})
		if l.gt != nil {
			l.gt.log("Ctrl-C", "the run is interrupted")
		}
	}
}

// drain returns the lane's records as they are stored, oldest chunk
// first, with the spans still open at now closed there and marked Open in
// a last chunk of their own, and the tables they refer to. Nothing is
// copied but the chunk list and the tables' headers: a lane only ever
// appends, so what drain returns stays as it is while the lane records on
// (a reactor thread may still be inside its wait).
func (l *Lane) drain(now time.Duration) laneRecords {
	l.mu.Lock()
	defer l.mu.Unlock()
	var open []packedEvent
	if l.inPoll {
		open = append(open, l.tables.compact(Event{Kind: Poll, At: l.pollStart, Dur: now - l.pollStart, Task: l.Task(l.pollTask), Open: true}))
	}
	if l.inPark {
		open = append(open, l.tables.compact(Event{Kind: Park, At: l.parkStart, Dur: now - l.parkStart, Open: true}))
	}
	if l.inWait {
		open = append(open, l.tables.compact(Event{Kind: Wait, At: l.waitStart, Dur: now - l.waitStart, Open: true}))
	}
	chunks := append(l.chunks[:len(l.chunks):len(l.chunks)], l.records, open)
	return laneRecords{lane: l, chunks: chunks, tables: l.tables.snapshot()}
}
