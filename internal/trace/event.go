package trace

import "time"

// Kind says what an Event records.
type Kind uint8

// The kinds of event a lane records. Poll, Park and Wait are spans (they
// have a duration); the others are instants.
const (
	Spawn       Kind = iota + 1 // a task joined an executor
	Poll                        // a task was polled; Result says how it answered
	Park                        // an executor slept until a waker unparked it
	Wait                        // a reactor sat in the poller's wait; N is the events it returned
	Wake                        // a waker was called for Task
	Register                    // the poller started watching FD under registration Reg
	Deregister                  // the poller stopped watching FD (registration Reg)
	KeepWaker                   // the reactor keeps Task's waker for registration Reg
	TimerSet                    // a timer for Task was set, due at Due
	TimerFired                  // a timer for Task fired
	TimerCancel                 // a timer for Task was cancelled before it fired
	Interrupt                   // Ctrl-C
	Hazard                      // something that will hang or waste work; Note says what
)

// Result is how a poll answered.
type Result uint8

// The three answers of a poll.
const (
	Pending Result = iota + 1
	Ready
	Failed
)

// String is the word the narrative and the JSON use for r.
func (r Result) String() string {
	switch r {
	case Pending:
		return "pending"
	case Ready:
		return "ready"
	case Failed:
		return "error"
	}
	return "unknown"
}

// Task names one task: its id on the executor whose lane is Executor. Task
// ids are per executor, so an id alone is not enough once there are several.
type Task struct {
	Executor *Lane
	ID       int
}

// Event is one thing that happened on one lane. The small fields sit
// together at the end, so that an Event takes 144 bytes, not 160: a
// trace of 10,000 requests holds about 100,000 of them.
type Event struct {
	At       time.Duration // since the recorder started, on the monotonic clock
	Dur      time.Duration // for Poll, Park, Wait: how long it lasted
	Lane     *Lane         // the thread it happened on
	Task     Task          // the task it concerns, if any
	Err      string        // a failed poll's error, or a failed wait's
	FD, Reg  int
	N        int           // Wait: how many events it returned
	Due      time.Duration // TimerSet: when the timer is due, since the start
	Interest string        // Register: readable, writable or both
	Timer    any           // identifies a timer across set, fired and cancel
	Note     string        // Hazard: what is wrong, in words
	Kind     Kind
	Result   Result
	Open     bool // a span that had not ended when the trace stopped
}
