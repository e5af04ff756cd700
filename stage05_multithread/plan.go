//go:build linux || darwin || freebsd

// plan.go describes the workload every mode runs, so that the three modes
// (runtime, threads, goroutines) are compared on exactly the same requests.

package main

import (
	"fmt"
	"time"
)

// Plan is the workload of one run: Executors groups of Requests requests each.
//
// In the runtime mode an executor is a real executor on its own OS thread. The
// threads and goroutines modes have no executors; they keep the same grouping
// only so that the totals, the paths and the printed lines match and the modes
// can be compared request for request.
type Plan struct {
	// Executors is the number of executors (groups of requests).
	Executors int
	// Requests is the number of requests each executor makes.
	Requests int
	// Delay is the delay every request asks for when FixedDelay is set.
	Delay time.Duration
	// FixedDelay makes every request ask for Delay. When it is false, request
	// i of each executor asks for i seconds, as in the book, so the responses
	// arrive one second apart and their order shows the executor at work.
	FixedDelay bool
	// Timeout bounds each request, from its first step to the last byte of
	// the answer (-timeout); 0 means DefaultRequestTimeout. The delay the
	// request asks for counts against it.
	Timeout time.Duration
	// SharedReactor makes the runtime mode share one reactor, with a thread
	// of its own, between all executors, as the book does (-reactor
	// shared). By default each executor drives a reactor of its own
	// (-reactor per-executor; see mode_runtime_driven.go).
	SharedReactor bool
}

// DefaultRequestTimeout is -timeout's default. It is generous on purpose:
// under heavy load the connects alone can take seconds (a full listen
// backlog makes the kernel retry SYNs after 1 s, 3 s...).
const DefaultRequestTimeout = 30 * time.Second

// Total is the number of requests of the whole run.
func (p Plan) Total() int { return p.Executors * p.Requests }

// delayOf is the delay request i asks the server for. The server counts whole
// milliseconds, so a fixed delay is rounded down to the millisecond here and
// everywhere else (Path and MaxDelay agree on it).
func (p Plan) delayOf(i int) time.Duration {
	if p.FixedDelay {
		return p.Delay.Truncate(time.Millisecond)
	}
	return time.Duration(i) * time.Second
}

// Path is the URL path of request i (0-based within its executor):
// /{delay_ms}/HelloWorld{i}.
func (p Plan) Path(i int) string {
	return fmt.Sprintf("/%d/HelloWorld%d", p.delayOf(i).Milliseconds(), i)
}

// MaxDelay is the longest delay any request of the run asks for: a lower
// bound on the wall time of every mode, whatever its machinery.
func (p Plan) MaxDelay() time.Duration {
	if p.Requests < 1 {
		return 0
	}
	return p.delayOf(p.Requests - 1)
}

// RequestTimeout bounds one request from its first step to the last byte,
// so that a server that never answers turns into a counted failure instead
// of a hang: Timeout, or DefaultRequestTimeout when it is not set.
func (p Plan) RequestTimeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultRequestTimeout
}
