//go:build linux || darwin || freebsd

// This file is the plan of a run: how many executors, how many requests
// each, and what delay each request asks the server for.

package main

import (
	"fmt"
	"time"
)

// maxDelay is the longest delay the delay server accepts.
const maxDelay = 60 * time.Second

// Plan is the work of one run: Executors executors, each spawning Requests
// requests from its own async_main.
type Plan struct {
	Executors int
	Requests  int
	// Delay is what every request asks the server to wait, when FixedDelay
	// is set (-delay). Otherwise request i asks for i seconds, as in the
	// book, so each executor's answers arrive one second apart and in order.
	Delay      time.Duration
	FixedDelay bool
}

// Total is the number of requests of the whole run.
func (p Plan) Total() int { return p.Executors * p.Requests }

// Path is what request i of an executor asks for: /{delay_ms}/HelloWorld{i}.
func (p Plan) Path(i int) string {
	delay := time.Duration(i) * time.Second
	if p.FixedDelay {
		delay = p.Delay
	}
	return fmt.Sprintf("/%d/HelloWorld%d", delay.Milliseconds(), i)
}

// check says what is wrong with a plan, in terms of the flags that set it.
func (p Plan) check() error {
	switch {
	case p.Executors < 1:
		return fmt.Errorf("-executors %d: must be at least 1", p.Executors)
	case p.Requests < 1:
		return fmt.Errorf("-requests %d: must be at least 1", p.Requests)
	case p.Delay < 0 || p.Delay > maxDelay:
		return fmt.Errorf("-delay %s: must be between 0s and %s (the delay server's limit)", p.Delay, maxDelay)
	case !p.FixedDelay && time.Duration(p.Requests-1)*time.Second > maxDelay:
		return fmt.Errorf("-requests %d: request i waits i seconds and the delay server waits at most %s; use at most %d, or give every request the same -delay", p.Requests, maxDelay, int(maxDelay/time.Second)+1)
	}
	return nil
}
