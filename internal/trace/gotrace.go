package trace

import (
	"context"
	"fmt"
	rtrace "runtime/trace"
)

// goTrace mirrors a lane into Go's own execution tracer (runtime/trace),
// so that `go tool trace` shows the runtime's polls, parks and waits on the
// goroutines and OS threads Go ran them on, next to what Go's scheduler
// did meanwhile: which M carried the executor, when it blocked in a system
// call, when the garbage collector stopped it.
//
// Each lane is a runtime/trace task named after its thread; a poll, a park
// and a wait are regions of that task (a region begins and ends on one
// goroutine, which holds here: the executor that begins a poll ends it);
// the instants (spawn, wake, register, ...) are log messages whose category
// is the kind of event.
type goTrace struct {
	ctx  context.Context
	task *rtrace.Task
	// The regions still open; nil when there is none.
	poll, park, wait *rtrace.Region
}

// newGoTrace starts the runtime/trace task of the lane named name, or
// returns nil when Go's execution tracer is not running: then the lane
// records only its own events.
func newGoTrace(name string) *goTrace {
	if !rtrace.IsEnabled() {
		return nil
	}
	ctx, task := rtrace.NewTask(context.Background(), name)
	return &goTrace{ctx: ctx, task: task}
}

// begin opens a region of the given type and returns it.
func (g *goTrace) begin(regionType string) *rtrace.Region {
	return rtrace.StartRegion(g.ctx, regionType)
}

// end closes *r if it is open.
func (g *goTrace) end(r **rtrace.Region) {
	if *r != nil {
		(*r).End()
		*r = nil
	}
}

// log writes one instant: category is what happened, the message the
// details a reader of `go tool trace` needs.
func (g *goTrace) log(category, format string, args ...any) {
	rtrace.Log(g.ctx, category, fmt.Sprintf(format, args...))
}

// stop ends the lane's task. Regions left open (an executor still parked
// when the run ended) are left to the tracer, which shows them unfinished.
func (g *goTrace) stop() {
	g.task.End()
}
