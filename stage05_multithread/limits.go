//go:build linux || darwin || freebsd

// limits.go checks, before anything starts, that the run asked for makes
// sense and fits in what the system allows, so that a run that cannot work
// ends with one line saying why and what to change, not with a crash midway.
//
// The limits on threads differ per system; limits_linux.go,
// limits_darwin.go and limits_freebsd.go each read their own through the same
// small API: osThreadLimits, osThreadSuspects and outOfMemoryHint.

package main

import (
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Bounds on the flags. Past them a run is a mistake rather than an experiment.
const (
	maxExecutors = 1024      // each executor is an OS thread in the runtime mode
	maxRequests  = 1_000_000 // per executor; the socket check is the real bound
	maxDelay     = 60 * time.Second
)

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

// socketMargin is the number of descriptors kept free for everything that is
// not a request socket: stdin/out/err, epoll and eventfd, the listener of an
// embedded server, files the runtime opens.
const socketMargin = 64

// checkSockets checks that every request can hold its socket at the same
// time. All modes open all their sockets at once: that is the point of the
// comparison. When the delay server runs inside the same process, each
// connection costs a second descriptor, the server's end.
//
// openFiles is the soft RLIMIT_NOFILE. Go raises the soft limit to the hard
// limit when a program starts, so this is the most the process can get.
func checkSockets(p Plan, serverInProcess bool, openFiles uint64) error {
	sockets := uint64(p.Total())
	why := ""
	if serverInProcess {
		sockets *= 2
		why = " (client and server ends: the delay server runs in this process)"
	}
	if sockets+socketMargin <= openFiles {
		return nil
	}
	return fmt.Errorf("%d requests need %d sockets at once%s but the open-file limit is %d; lower -requests/-executors or raise ulimit -n",
		p.Total(), sockets, why, openFiles)
}

// openFileLimit reads the soft limit on open files.
func openFileLimit() (uint64, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("read the open-file limit: %w", err)
	}
	// Rlimit's fields are uint64 on Linux and macOS, int64 on FreeBSD.
	return uint64(rl.Cur), nil
}

// threadsOverhead estimates the threads the Go runtime needs besides the one
// per request: sysmon, the threads running goroutines (GOMAXPROCS of them),
// the template thread, spare threads parked in the scheduler. It is an
// estimate; the child process guards against being wrong.
func threadsOverhead() int { return 2*runtime.GOMAXPROCS(0) + 16 }

// ThreadLimit is one limit on how many more threads the threads mode may
// create.
type ThreadLimit struct {
	// Name says which limit it is, as the error message shows it.
	Name string
	// Max is the limit itself.
	Max int64
	// InUse is how much of it other tasks already take (0 when unknown).
	InUse int64
	// Raise says how to raise it, given the number of threads needed; nil
	// for a limit the system offers no way to raise (macOS's).
	Raise func(need int64) string
}

// checkThreads checks that the threads mode can create one OS thread per
// request under every known limit, and names the first limit that is too low.
func checkThreads(p Plan, limits []ThreadLimit) error {
	need := int64(p.Total() + threadsOverhead())
	for _, l := range limits {
		free := l.Max - l.InUse
		if need <= free {
			continue
		}
		inUse := ""
		if l.InUse > 0 {
			inUse = fmt.Sprintf(", of which %d are in use", l.InUse)
		}
		if l.Raise == nil {
			return fmt.Errorf("threads mode: %d requests need about %d OS threads but %s is %d%s and cannot be raised; lower -requests/-executors",
				p.Total(), need, l.Name, l.Max, inUse)
		}
		return fmt.Errorf("threads mode: %d requests need about %d OS threads but %s is %d%s; %s, or lower -requests/-executors",
			p.Total(), need, l.Name, l.Max, inUse, l.Raise(need+l.InUse))
	}
	return nil
}

// systemThreadLimits reads the limits the threads mode runs into, in the
// order it would hit them: Go's own, then the system's (osThreadLimits). A
// limit that cannot be read is left out: the child process still catches
// what no check foresaw.
func systemThreadLimits(goMaxThreads int) []ThreadLimit {
	limits := []ThreadLimit{{
		Name: "Go's thread limit",
		Max:  int64(goMaxThreads),
		Raise: func(need int64) string {
			return fmt.Sprintf("pass -max-threads %d", need)
		},
	}}
	return append(limits, osThreadLimits()...)
}
