//go:build linux || darwin || freebsd

// main.go is the program: it reads the flags, checks them against what the
// system allows, runs one mode, and prints the summary last.
//
// Exit status: 0 when every request succeeded; 1 when any request failed or
// the run could not be done (the last line on stderr says why); 2 for a
// mistake in the flags; 130 when Ctrl-C stopped the run (interrupt.go).

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

const program = "stage05_multithread"

// Modes, in the order the help lists them.
const (
	modeRuntime    = "runtime"
	modeThreads    = "threads"
	modeGoroutines = "goroutines"
)

var modes = []string{modeRuntime, modeThreads, modeGoroutines}

// The runtime mode's two ways to place the reactor (-reactor).
const (
	reactorPerExecutor = "per-executor"
	reactorShared      = "shared"
)

var reactorPlacements = []string{reactorPerExecutor, reactorShared}

// goDefaultMaxThreads is Go's own default for runtime/debug.SetMaxThreads.
const goDefaultMaxThreads = 10_000

// errRequestsFailed ends a run in which some requests failed: the summary has
// already said how many, so main only sets the exit status.
var errRequestsFailed = errors.New("some requests failed")

// usageError is a mistake in the flags (exit status 2).
type usageError = target.UsageError

// usagef makes a usageError, like fmt.Errorf.
var usagef = target.Usagef

func main() {
	// The threads mode re-runs this program as its child; see threads_child.go.
	//
	// The child leaves SIGINT to its default action: Ctrl-C ends it on the
	// spot, and the kernel closes its sockets. It has nothing to tidy up,
	// since it reports each response to the parent as it comes.
	if job, ok := os.LookupEnv(threadsChildEnv); ok {
		os.Exit(threadsChildMain(job, os.Stdout))
	}
	// Ctrl-C (SIGINT) ends ctx instead of the program, so that the run can
	// stop cleanly and say what it finished. After the first one, listening
	// stops: a second Ctrl-C ends the program the usual way, should the
	// clean stop ever get stuck.
	ctx, stopListening := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stopListening)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopListening()
	switch {
	case errors.Is(err, errInterrupted):
		os.Exit(interruptedExitStatus)
	case errors.Is(err, errRequestsFailed):
		// Each failure has been reported already; only the status is left.
		os.Exit(1)
	}
	target.Exit(program, err)
}

// options are the parsed flags.
type options struct {
	mode       string
	reactor    string
	plan       Plan
	quiet      bool
	json       bool
	maxThreads int
	target     *target.Flags
	profile    profileFlags
}

// parseFlags reads the command line. Every mistake comes back as one line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.StringVar(&o.mode, "mode", modeRuntime, "what makes the requests: "+strings.Join(modes, ", "))
	fs.IntVar(&o.plan.Executors, "executors", runtime.NumCPU(), "number of executors, each with its own OS thread")
	fs.IntVar(&o.plan.Requests, "requests", 5, "requests per executor")
	fs.DurationVar(&o.plan.Delay, "delay", 0, "the delay every request asks for (default: request i waits i seconds)")
	fs.DurationVar(&o.plan.Timeout, "timeout", DefaultRequestTimeout, "give up on a request with no complete answer after this long; its delay counts")
	fs.StringVar(&o.reactor, "reactor", reactorPerExecutor, "runtime mode: a reactor driven by each executor ("+reactorPerExecutor+"), or one with its own thread for all ("+reactorShared+", the book's)")
	fs.BoolVar(&o.quiet, "quiet", false, "print no line per response, only the summary")
	fs.BoolVar(&o.json, "json", false, "print the summary as one JSON object")
	fs.IntVar(&o.maxThreads, "max-threads", goDefaultMaxThreads, "Go's limit on OS threads (runtime/debug.SetMaxThreads); threads mode only")
	o.target = target.Register(fs)
	o.profile.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./%s [flags]\n\n", program)
		fmt.Fprintf(fs.Output(), "Makes executors × requests GET requests to the delay server and prints what they cost.\n")
		fmt.Fprintf(fs.Output(), "Exit status: 0 all requests succeeded, 1 a request failed or the run could not be done, 2 bad flags, 130 stopped by Ctrl-C.\n\n")
		printVisibleDefaults(fs)
	}
	// The flag package would print the whole usage after an error; we print
	// one line instead and the usage only when asked for with -h.
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return o, err
	}
	if err != nil {
		return o, usagef("%v (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q: every setting is a flag, e.g. -requests 10 (run with -h for the flags)", fs.Arg(0))
	}
	if !slices.Contains(modes, o.mode) {
		return o, usagef("unknown -mode %q: choose one of %s", o.mode, strings.Join(modes, ", "))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	o.plan.FixedDelay = given["delay"]
	if given["max-threads"] && o.mode != modeThreads {
		return o, usagef("-max-threads applies only to -mode threads")
	}
	if !slices.Contains(reactorPlacements, o.reactor) {
		return o, usagef("unknown -reactor %q: choose one of %s", o.reactor, strings.Join(reactorPlacements, ", "))
	}
	if given["reactor"] && o.mode != modeRuntime {
		return o, usagef("-reactor applies only to -mode runtime")
	}
	o.plan.SharedReactor = o.reactor == reactorShared
	if err := o.profile.check(o.mode); err != nil {
		return o, err
	}
	if o.plan.Timeout <= 0 {
		return o, usagef("-timeout %s: must be more than 0, e.g. -timeout 30s", o.plan.Timeout)
	}
	if o.maxThreads < 1 {
		return o, usagef("-max-threads %d: must be at least 1", o.maxThreads)
	}
	if err := validatePlan(o.plan); err != nil {
		return o, usageError{Err: err}
	}
	return o, nil
}

// run is the whole program but for choosing the exit status. When ctx ends
// (Ctrl-C), the run stops, the summary says what finished, and run returns
// errInterrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	t, err := o.target.Resolve(stderr)
	if err != nil {
		return target.Explain(err, t)
	}
	defer func() {
		if closeErr := t.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("stop the embedded delay server: %w", closeErr)
		}
	}()

	// In the threads mode the child holds the client sockets and this process
	// the server's, so each process needs one socket per request.
	serverInProcess := t.Embedded != nil && o.mode != modeThreads
	openFiles, err := openFileLimit()
	if err != nil {
		return err
	}
	if err := checkSockets(o.plan, serverInProcess, openFiles); err != nil {
		return err
	}
	if o.mode == modeThreads {
		if err := checkThreads(o.plan, systemThreadLimits(o.maxThreads)); err != nil {
			return err
		}
	}

	r := NewResults(stdout, o.quiet)
	stopProfiles, err := o.profile.start()
	if err != nil {
		return err
	}
	figures, err := runMode(ctx, o, t, r, stderr)
	interrupted := ctx.Err() != nil
	if errors.Is(err, errChildInterrupted) {
		interrupted, err = true, nil
	}
	if profErr := stopProfiles(); profErr != nil && err == nil {
		err = profErr
	}
	if err != nil {
		return target.Explain(err, t)
	}
	summary := newSummary(o.mode, o.plan, r, figures, serverInProcess)
	summary.Interrupted = interrupted
	if err := summary.Print(stdout, o.json); err != nil {
		return fmt.Errorf("print the summary: %w", err)
	}
	switch {
	case summary.Interrupted:
		return errInterrupted
	case r.Failed() > 0:
		return errRequestsFailed
	}
	return nil
}

// runMode runs the chosen mode and measures it. When ctx ends, the mode
// stops early; what it finished is in r.
func runMode(ctx context.Context, o options, t *target.Target, r *Results, stderr io.Writer) (Figures, error) {
	switch o.mode {
	case modeThreads:
		return runThreadsChild(ctx, o, t, r, stderr)
	case modeGoroutines:
		return measured(o.plan, func() error { return runGoroutinesUntil(ctx, t, o.plan, r) })
	default:
		return measured(o.plan, func() error { return runRuntime(ctx, t, o.plan, r) })
	}
}

// runThreadsChild runs the threads mode in its child process. If ctx ends,
// the child is stopped (interruptibleChild) and whatever it died of is not
// an error: the run was interrupted, and the responses it reported are in r.
//
// A child that died of SIGINT was interrupted too, even if ctx has not
// ended (yet): Ctrl-C in a terminal signals the whole process group at
// once, and the child can die, and this process see it, before the
// goroutine that turns this process's own SIGINT into the end of ctx has
// run; and a SIGINT sent to the child alone never reaches this process.
// Then it returns errChildInterrupted, with the figures of an interrupted
// run.
func runThreadsChild(ctx context.Context, o options, t *target.Target, r *Results, stderr io.Writer) (Figures, error) {
	var child *exec.Cmd
	launcher := ThreadsLauncher{
		Command: func(job []byte) (*exec.Cmd, error) {
			cmd, err := reexecCommand(job)
			if err != nil {
				return nil, err
			}
			child = interruptibleChild(ctx, cmd)
			return child, nil
		},
		Stderr: stderr,
		// Generous: only a child that is truly stuck runs into it. A
		// blocked request can take a timeout per step (connect, write,
		// read), and the delay asked for may exceed the timeout.
		Timeout: 2*(o.plan.MaxDelay()+o.plan.RequestTimeout()) + childStartSlack,
	}
	start := time.Now()
	figures, err := launcher.Run(t, o.plan, o.maxThreads, r)
	switch {
	case ctx.Err() != nil:
		return childFigures(child, time.Since(start)), nil
	case err != nil && child != nil && child.ProcessState != nil && signalOf(child.ProcessState) == syscall.SIGINT:
		return childFigures(child, time.Since(start)), errChildInterrupted
	}
	return figures, err
}

// measured runs a mode inside this process and measures it.
func measured(p Plan, mode func() error) (Figures, error) {
	m := StartMeasurement(SamplingInterval(p))
	err := mode()
	figures := m.Stop()
	return figures, err
}
