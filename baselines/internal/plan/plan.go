// Package plan is the part of the two baselines that is not the lesson: the
// workload every request-making program of the workbook runs (the common
// flags, the request paths), the tally of responses with one line per
// response, and the summary line that the comparison tool reads.
//
// The baselines themselves, one goroutine per request and one OS thread per
// request, live in ../goroutines and ../threads; each is a small main package
// that uses this one for everything but how a request is made.
package plan

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// DefaultTimeout is -timeout's default: a deadline for the whole request,
// generous because under heavy load the connects alone can take seconds (a
// full listen backlog makes the kernel resend a SYN after 1 s, then 3 s).
const DefaultTimeout = 30 * time.Second

// Bounds on the flags; past them a run is a mistake, not an experiment.
const (
	maxExecutors = 1024
	maxRequests  = 1_000_000
	maxDelay     = 60 * time.Second // the delay server refuses longer delays
)

// Plan is the workload of one run: Executors groups of Requests requests.
// The baselines have no executors; they keep the grouping so that their
// paths, their lines and their totals match the runtime's request for
// request.
type Plan struct {
	Executors int
	Requests  int
	// Delay is what every request asks for when FixedDelay is set;
	// otherwise request i of each group asks for i seconds, as in the book.
	Delay      time.Duration
	FixedDelay bool
	// Timeout is a deadline for each whole request, from its first step to
	// the last byte of the answer.
	Timeout time.Duration
	// Quiet drops the line per response; only the summary is printed.
	Quiet bool
	// Target holds -addr and -allow-remote.
	Target *target.Flags
}

// Register adds the common flags to fs and returns the Plan they fill in.
// Call Check once fs is parsed.
func Register(fs *flag.FlagSet) *Plan {
	p := &Plan{}
	fs.IntVar(&p.Executors, "executors", 2, "number of groups of requests (the runtime's executors)")
	fs.IntVar(&p.Requests, "requests", 5, "requests per executor")
	fs.DurationVar(&p.Delay, "delay", 0, "the delay every request asks for (default: request i waits i seconds)")
	fs.DurationVar(&p.Timeout, "timeout", DefaultTimeout, "a deadline for each whole request, from connect to the last byte")
	fs.BoolVar(&p.Quiet, "quiet", false, "print no line per response, only the summary")
	p.Target = target.Register(fs)
	return p
}

// Check validates the parsed flags (but -addr) and notes whether -delay was
// given. Every mistake is a target.UsageError (exit status 2).
func (p *Plan) Check(fs *flag.FlagSet) error {
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "delay" {
			p.FixedDelay = true
		}
	})
	switch {
	case p.Executors < 1 || p.Executors > maxExecutors:
		return target.Usagef("-executors %d: must be between 1 and %d", p.Executors, maxExecutors)
	case p.Requests < 1 || p.Requests > maxRequests:
		return target.Usagef("-requests %d: must be between 1 and %d", p.Requests, maxRequests)
	case p.FixedDelay && (p.Delay < 0 || p.Delay > maxDelay):
		return target.Usagef("-delay %s: must be between 0 and %s", p.Delay, maxDelay)
	case !p.FixedDelay && p.MaxDelay() > maxDelay:
		return target.Usagef("-requests %d without -delay: request %d would wait %s, more than the delay server allows (%s); pass a fixed delay, e.g. -delay 1s",
			p.Requests, p.Requests-1, p.MaxDelay(), maxDelay)
	case p.Timeout <= 0:
		return target.Usagef("-timeout %s: must be more than 0, e.g. -timeout 30s", p.Timeout)
	}
	return nil
}

// Parse reads args into fs (which holds the common flags and any of the
// program's own) with target.Parse, and checks the common ones. -h prints the
// usage to stderr and returns flag.ErrHelp; every mistake comes back as one
// line. -addr is checked later, by target.Flags.Resolve.
func (p *Plan) Parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := target.Parse(fs, args, stderr); err != nil {
		return err
	}
	return p.Check(fs)
}

// Total is the number of requests of the whole run.
func (p *Plan) Total() int { return p.Executors * p.Requests }

// delayOf is the delay request i asks for, in the whole milliseconds the
// server counts.
func (p *Plan) delayOf(i int) time.Duration {
	if p.FixedDelay {
		return p.Delay.Truncate(time.Millisecond)
	}
	return time.Duration(i) * time.Second
}

// MaxDelay is the longest delay any request of the run asks for.
func (p *Plan) MaxDelay() time.Duration { return p.delayOf(p.Requests - 1) }

// Path is the URL path of request i of a group: /{delay_ms}/HelloWorld{i}.
func (p *Plan) Path(i int) string {
	return fmt.Sprintf("/%d/HelloWorld%d", p.delayOf(i).Milliseconds(), i)
}
