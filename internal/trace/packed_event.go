package trace

import "time"

// packedEvent is an Event as a lane stores it while the run goes on. It holds
// no pointers: the garbage collector never scans the recording (100,000
// events of a 10,000-request run), storing one needs no write barrier,
// and sorting them moves plain memory. What an Event holds by pointer
// (the task's executor, a text, a timer) the record holds as a number
// into its lane's tables, 0 for none. Stop turns the records back into
// Events once the run is over.
type packedEvent struct {
	at, dur, due time.Duration
	task         int
	fd, reg, n   int32
	executor     int32 // the task's executor: 1 + its index in tables.lanes
	text         int32 // the error or the interest: 1 + its index in tables.texts
	timer        int32 // 1 + its index in tables.timers
	kind         Kind
	result       Result
	open         bool
}

// laneTables are the pointers a lane's records refer to by number.
type laneTables struct {
	lanes     []*Lane // the executors of the tasks this lane recorded
	texts     []string
	timers    []any
	timerIDs  map[any]int32    // a timer's number, so that set, fired and cancel share it
	interests map[string]int32 // the few interests get one number each
}

// compact is e as a packedEvent, adding what it points to to the tables.
func (t *laneTables) compact(e Event) packedEvent {
	r := packedEvent{at: e.At, dur: e.Dur, due: e.Due, task: e.Task.ID, fd: int32(e.FD), reg: int32(e.Reg), n: int32(e.N), kind: e.Kind, result: e.Result, open: e.Open}
	if e.Task.Executor != nil {
		r.executor = t.laneNumber(e.Task.Executor)
	}
	switch {
	case e.Err != "":
		t.texts = append(t.texts, e.Err)
		r.text = int32(len(t.texts))
	case e.Interest != "":
		r.text = t.interestNumber(e.Interest)
	}
	if e.Timer != nil {
		r.timer = t.timerNumber(e.Timer)
	}
	return r
}

// laneNumber is l's number in t.lanes. A lane records tasks of one
// executor, or of a few (a shared reactor), so a look down the list is
// quick.
func (t *laneTables) laneNumber(l *Lane) int32 {
	for i, known := range t.lanes {
		if known == l {
			return int32(i + 1)
		}
	}
	t.lanes = append(t.lanes, l)
	return int32(len(t.lanes))
}

// interestNumber is interest's number in t.texts, added the first time.
func (t *laneTables) interestNumber(interest string) int32 {
	if n, ok := t.interests[interest]; ok {
		return n
	}
	if t.interests == nil {
		t.interests = map[string]int32{}
	}
	t.texts = append(t.texts, interest)
	n := int32(len(t.texts))
	t.interests[interest] = n
	return n
}

// timerNumber is timer's number in t.timers, added the first time.
func (t *laneTables) timerNumber(timer any) int32 {
	if n, ok := t.timerIDs[timer]; ok {
		return n
	}
	if t.timerIDs == nil {
		t.timerIDs = map[any]int32{}
	}
	t.timers = append(t.timers, timer)
	n := int32(len(t.timers))
	t.timerIDs[timer] = n
	return n
}

// snapshot is the tables as they are now, for reading while the lane
// records on: appends after it go past the lengths it holds, and the maps,
// which only the lane reads, are left out.
func (t *laneTables) snapshot() laneTables {
	return laneTables{lanes: t.lanes[:len(t.lanes):len(t.lanes)], texts: t.texts[:len(t.texts):len(t.texts)], timers: t.timers[:len(t.timers):len(t.timers)]}
}

// laneRecords is what drain hands over: a lane's records and the tables
// they refer to.
type laneRecords struct {
	lane   *Lane
	chunks [][]packedEvent
	tables laneTables
}

// event is r as the Event it was recorded from.
func (lr *laneRecords) event(r *packedEvent) Event {
	e := Event{At: r.at, Dur: r.dur, Due: r.due, Kind: r.kind, Lane: lr.lane, Task: Task{ID: r.task}, Result: r.result, FD: int(r.fd), Reg: int(r.reg), N: int(r.n), Open: r.open}
	if r.executor > 0 {
		e.Task.Executor = lr.tables.lanes[r.executor-1]
	}
	if r.text > 0 {
		if text := lr.tables.texts[r.text-1]; r.kind == Register {
			e.Interest = text
		} else {
			e.Err = text
		}
	}
	if r.timer > 0 {
		e.Timer = lr.tables.timers[r.timer-1]
	}
	return e
}
