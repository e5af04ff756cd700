//go:build linux || darwin || freebsd

// plan.go describes the workload of a run, and checks it before anything
// starts, so that a run that cannot work ends with one line saying why.

package main

import (
	"fmt"
	"time"
)

// Plan is the workload of one run: Executors executors, each making
// Requests requests.
type Plan struct {
	// Executors is the number of executors, each on an OS thread of its own.
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
	// SharedReactor makes all executors share one reactor, with a thread of
	// its own, as the book does (-reactor shared). By default each executor
	// drives a reactor of its own (runtime_per_executor.go).
	SharedReactor bool
}

// DefaultRequestTimeout is -timeout's default. It is generous on purpose:
// under heavy load the connects alone can take seconds (a full listen
// backlog makes the kernel retry SYNs after 1 s, 3 s...).
const DefaultRequestTimeout = 30 * time.Second

// Bounds on the flags. Past them a run is a mistake rather than an experiment.
const (
	maxExecutors = 1024      // each executor is an OS thread
	maxRequests  = 1_000_000 // per executor; the socket check is the real bound
	maxDelay     = 60 * time.Second
)

// Total is the number of requests of the whole run.
func (p Plan) Total() int { return p.Executors * p.Requests }

// delayOf is the delay request i asks the server for. The server counts whole
// milliseconds, so a fixed delay is rounded down to the millisecond.
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

// MaxDelay is the longest delay any request of the run asks for.
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

// validatePlan checks the flags that shape the workload.
func validatePlan(p Plan) error {
	switch {
	case p.Executors < 1 || p.Executors > maxExecutors:
		return fmt.Errorf("-executors %d: must be between 1 and %d", p.Executors, maxExecutors)
	case p.Requests < 1 || p.Requests > maxRequests:
		return fmt.Errorf("-requests %d: must be between 1 and %d", p.Requests, maxRequests)
	case p.FixedDelay && (p.Delay < 0 || p.Delay > maxDelay):
		return fmt.Errorf("-delay %s: must be between 0 and %s", p.Delay, maxDelay)
	case !p.FixedDelay && p.MaxDelay() > maxDelay:
		return fmt.Errorf("-requests %d without -delay: request %d would wait %s, more than the delay server's limit of %s; pass a fixed delay, e.g. -delay 1s",
			p.Requests, p.Requests-1, p.MaxDelay(), maxDelay)
	}
	return nil
}
