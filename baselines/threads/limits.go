//go:build linux || darwin || freebsd

// limits.go checks, before any thread starts, that the system allows one
// thread and one socket per request. Past a thread limit the Go runtime does
// not return an error: it prints "failed to create new OS thread" with a
// stack dump and ends the program. So a run that a known limit forbids ends
// here, with one line that names the limit and how to raise it.
//
// Each system reads its own limits (limits_linux.go, limits_bsd.go) through
// one function, osThreadLimits; a limit that cannot be read is left out,
// never guessed.

package main

import (
	"fmt"
	"runtime"

	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// goDefaultMaxThreads is Go's own default for runtime/debug.SetMaxThreads.
const goDefaultMaxThreads = 10_000

// threadsOverhead estimates the threads Go needs besides one per request:
// sysmon, a thread per P running goroutines, spare threads it keeps parked.
func threadsOverhead() int { return 2*runtime.GOMAXPROCS(0) + 16 }

// threadLimit is one limit on how many threads this program may start.
type threadLimit struct {
	// name says which limit it is, as the error shows it.
	name string
	// max is the limit; inUse how much of it other tasks already take (0
	// when the system does not say).
	max, inUse int64
	// raise says how to raise it to need; nil for a limit that cannot be.
	raise func(need int64) string
}

// checkLimits checks the run against the open-file limit and every known
// limit on threads, and returns the Go thread limit to set: maxThreads, or
// when that is 0, as many as the run needs (at least Go's default).
func checkLimits(p *plan.Plan, maxThreads int, serverInProcess bool) (int, error) {
	if err := target.CheckSockets(p.Total(), serverInProcess); err != nil {
		return 0, err
	}
	need := p.Total() + threadsOverhead()
	goLimit := maxThreads
	if goLimit == 0 {
		goLimit = max(goDefaultMaxThreads, need)
	}
	limits := append([]threadLimit{{
		name: "Go's thread limit (-max-threads)", max: int64(goLimit),
		raise: func(need int64) string { return fmt.Sprintf("pass -max-threads %d (or 0)", need) },
	}}, osThreadLimits()...)
	for _, l := range limits {
		if int64(need) <= l.max-l.inUse {
			continue
		}
		inUse := ""
		if l.inUse > 0 {
			inUse = fmt.Sprintf(", of which %d are in use", l.inUse)
		}
		how := "it cannot be raised; lower -requests or -executors"
		if l.raise != nil {
			how = l.raise(int64(need)+l.inUse) + ", or lower -requests or -executors"
		}
		return 0, fmt.Errorf("%d requests need about %d OS threads, but %s is %d%s: %s",
			p.Total(), need, l.name, l.max, inUse, how)
	}
	return goLimit, nil
}
