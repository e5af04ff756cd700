package trace

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Trace is a finished recording: every lane's events in time order, the
// hazards found in them, which wake led to which poll, and what each
// pending poll left its task waiting for.
type Trace struct {
	Lanes   []*Lane
	Events  []Event // in time order; spans are placed at their start
	Hazards []Event // Kind Hazard, in time order
	Flows   []Flow
	// WaitsFor says, for the index in Events of a poll that answered
	// pending, what can wake its task ("fd 7 (registration 2)").
	WaitsFor map[int]string
	End      time.Duration // when the recording stopped

	// What the analysis knew of every task and registration at the end,
	// for Stuck.
	tasks map[Task]*taskState
	regFD map[regKey]Event
}

// Flow links a wake to the poll it caused: Events[Wake] made the executor
// poll the task in Events[Poll].
type Flow struct {
	ID, Wake, Poll int
}

// taskState is what the analysis knows of one task at a point in time.
type taskState struct {
	finished bool
	polled   bool
	woken    []int // indices of the wakes since the last poll began (the spawn counts as one, -1)
	regs     map[regKey]bool
	timers   map[any]bool
	inPoll   int // index of the poll under way, or -1
	selfWake bool
}

// regKey is a registration: ids are per reactor, so the reactor's lane is
// part of the key.
type regKey struct {
	reactor *Lane
	reg     int
}

// point is one moment the analysis looks at: an event, or a span's end.
type point struct {
	at    time.Duration
	index int
	end   bool
}

// analyze orders the events and replays them, task by task, to find the
// hazards, the flows and what each pending task waits for.
func analyze(lanes []*Lane, events []Event, slowPoll, end time.Duration) *Trace {
	if !slices.IsSortedFunc(events, byTime) {
		slices.SortStableFunc(events, byTime)
	}
	t := &Trace{Lanes: lanes, Events: events, WaitsFor: map[int]string{}, End: end}
	points := make([]point, 0, len(events)+len(events)/2)
	for i, e := range events {
		points = append(points, point{at: e.At, index: i})
		if e.Kind == Poll || e.Kind == Wait {
			points = append(points, point{at: e.At + e.Dur, index: i, end: true})
		}
	}
	slices.SortStableFunc(points, func(a, b point) int { return cmp.Compare(a.at, b.at) })

	tasks := map[Task]*taskState{}
	state := func(task Task) *taskState {
		s := tasks[task]
		if s == nil {
			s = &taskState{regs: map[regKey]bool{}, timers: map[any]bool{}, inPoll: -1}
			tasks[task] = s
		}
		return s
	}
	regOwner := map[regKey]Task{}
	regFD := map[regKey]Event{}
	polling := map[*Lane]Task{} // the task each lane is polling right now
	hazard := func(at time.Duration, lane *Lane, task Task, format string, args ...any) {
		t.Hazards = append(t.Hazards, Event{Kind: Hazard, At: at, Lane: lane, Task: task, Note: fmt.Sprintf(format, args...)})
	}
	for _, p := range points {
		e := events[p.index]
		switch e.Kind {
		case Spawn:
			s := state(e.Task)
			s.woken = append(s.woken, -1)
		case Wake:
			s := state(e.Task)
			if s.finished {
				hazard(e.At, e.Lane, e.Task, "%s woke %s, which has finished: something still holds its waker (a registration never deregistered, a timer never cancelled)", e.Lane.Name(), taskName(e.Task))
				continue
			}
			if s.inPoll >= 0 {
				s.selfWake = true
			}
			s.woken = append(s.woken, p.index)
		case KeepWaker:
			key := regKey{e.Lane, e.Reg}
			if old, ok := regOwner[key]; ok && old != e.Task {
				delete(state(old).regs, key)
			}
			regOwner[key] = e.Task
			state(e.Task).regs[key] = true
		case Register:
			key := regKey{e.Lane, e.Reg}
			regFD[key] = e
			// A runtime without wakers (kind "runtime", stage 02) polls
			// its task whenever its wait returns: the socket a poll
			// registers is what wakes the task that was polled.
			if task, ok := polling[e.Lane]; ok && e.Lane.kind == RuntimeKind {
				regOwner[key] = task
				state(task).regs[key] = true
			}
		case Wait:
			// On a runtime without wakers, a wait that returned events
			// is the wake of every task of that thread: it polls them next.
			if p.end && e.Lane.kind == RuntimeKind && e.N > 0 {
				for task, s := range tasks {
					if task.Executor == e.Lane && !s.finished {
						s.woken = append(s.woken, -1)
					}
				}
			}
		case Deregister:
			key := regKey{e.Lane, e.Reg}
			if owner, ok := regOwner[key]; ok {
				delete(state(owner).regs, key)
				delete(regOwner, key)
			}
		case TimerSet:
			state(e.Task).timers[e.Timer] = true
		case TimerFired, TimerCancel:
			delete(state(e.Task).timers, e.Timer)
		case Interrupt:
			t.reportPending(e, tasks, regFD)
		case Poll:
			s := state(e.Task)
			if !p.end {
				polling[e.Lane] = e.Task
				t.pollBegins(p.index, e, s, hazard)
				continue
			}
			delete(polling, e.Lane)
			t.pollEnds(p.index, e, s, slowPoll, regFD, hazard)
		}
	}
	slices.SortStableFunc(t.Hazards, func(a, b Event) int { return cmp.Compare(a.At, b.At) })
	t.tasks, t.regFD = tasks, regFD
	return t
}

// pollBegins links the wakes since the task's last poll to this one, and
// calls the poll spurious if there were none.
func (t *Trace) pollBegins(index int, e Event, s *taskState, hazard func(time.Duration, *Lane, Task, string, ...any)) {
	if len(s.woken) == 0 {
		hazard(e.At, e.Lane, e.Task, "%s polled %s without a wake since its last poll: a spurious poll, wasted work", e.Lane.Name(), taskName(e.Task))
	}
	for _, w := range s.woken {
		if w >= 0 {
			t.Flows = append(t.Flows, Flow{ID: len(t.Flows) + 1, Wake: w, Poll: index})
		}
	}
	s.woken = s.woken[:0]
	s.inPoll = index
	s.selfWake = false
	s.polled = true
}

// pollEnds looks at the poll's answer: a pending task must be wakeable, a
// poll must not run long, a finished task must not be woken any more.
func (t *Trace) pollEnds(index int, e Event, s *taskState, slowPoll time.Duration, regFD map[regKey]Event, hazard func(time.Duration, *Lane, Task, string, ...any)) {
	s.inPoll = -1
	at := e.At + e.Dur
	if e.Open {
		hazard(at, e.Lane, e.Task, "the poll of %s began %s before the trace ended and has not returned: it blocks inside Poll", taskName(e.Task), ms(e.Dur))
		return
	}
	if e.Dur > slowPoll {
		hazard(at, e.Lane, e.Task, "the poll of %s ran %s (more than %s): something blocks inside Poll, and every other task of %s waited", taskName(e.Task), ms(e.Dur), ms(slowPoll), e.Lane.Name())
	}
	if e.Result != Pending {
		s.finished = true
		return
	}
	why := waitsFor(s, regFD)
	t.WaitsFor[index] = why
	if why == "" {
		hazard(at, e.Lane, e.Task, "%s answered pending with nothing that can wake it (no registration, no timer, no waker kept): it will never be polled again", taskName(e.Task))
	}
}

// waitsFor says what can wake a task: its registrations, its timers, or
// a wake that came during its own poll. "" means nothing can.
func waitsFor(s *taskState, regFD map[regKey]Event) string {
	var parts []string
	if s.selfWake {
		parts = append(parts, "a wake that came during the poll")
	}
	keys := make([]regKey, 0, len(s.regs))
	for k := range s.regs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].reg < keys[j].reg })
	for _, k := range keys {
		if r, ok := regFD[k]; ok {
			parts = append(parts, fmt.Sprintf("fd %d %s", r.FD, r.Interest))
		} else {
			parts = append(parts, fmt.Sprintf("registration %d", k.reg))
		}
	}
	switch n := len(s.timers); {
	case n == 1:
		parts = append(parts, "a timer")
	case n > 1:
		parts = append(parts, fmt.Sprintf("%d timers", n))
	}
	return strings.Join(parts, ", ")
}

// maxListed is how many pending tasks a Ctrl-C report names one by one.
const maxListed = 10

// reportPending says, at Ctrl-C, which tasks were pending and what each
// was waiting for: the reason none of them had been woken yet.
func (t *Trace) reportPending(e Event, tasks map[Task]*taskState, regFD map[regKey]Event) {
	var pending []Task
	for task, s := range tasks {
		if !s.finished && s.polled {
			pending = append(pending, task)
		}
	}
	sort.Slice(pending, func(i, j int) bool {
		a, b := pending[i], pending[j]
		if a.Executor.tid != b.Executor.tid {
			return a.Executor.tid < b.Executor.tid
		}
		return a.ID < b.ID
	})
	add := func(task Task, note string) {
		t.Hazards = append(t.Hazards, Event{Kind: Hazard, At: e.At, Lane: e.Lane, Task: task, Note: note})
	}
	add(Task{}, fmt.Sprintf("Ctrl-C with %d tasks pending", len(pending)))
	for i, task := range pending {
		if i == maxListed {
			add(Task{}, fmt.Sprintf("... and %d more pending tasks", len(pending)-maxListed))
			break
		}
		why := waitsFor(tasks[task], regFD)
		if why == "" {
			add(task, fmt.Sprintf("at Ctrl-C %s was pending with nothing that could wake it", taskName(task)))
			continue
		}
		add(task, fmt.Sprintf("at Ctrl-C %s was pending, waiting for %s, which had not happened", taskName(task), why))
	}
}

// taskName is "task 3 of executor main".
func taskName(t Task) string {
	if t.Executor == nil {
		return fmt.Sprintf("task %d", t.ID)
	}
	if t.Executor.name == "" {
		// A lane without a name of its own (stage 02's one runtime) is
		// named by its kind.
		return fmt.Sprintf("task %d of %s", t.ID, t.Executor.Name())
	}
	return fmt.Sprintf("task %d of %s", t.ID, t.Executor.name)
}

// ms writes d in milliseconds with three decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}
