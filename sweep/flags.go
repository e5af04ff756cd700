//go:build linux

// flags.go reads the sweep's command line into a Config and checks it, so
// that a mistake ends with one line naming the flag before anything is built
// or started.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// The modes of stage 05, in the order the sweep runs them by default.
const (
	modeRuntime    = "runtime"
	modeThreads    = "threads"
	modeGoroutines = "goroutines"
)

var knownModes = []string{modeRuntime, modeThreads, modeGoroutines}

// Bounds on the flags; past them a sweep is a mistake, not an experiment.
const (
	maxExecutors = 1024 // stage 05's own bound
	maxRepeat    = 100
	maxDelay     = 60 * time.Second // the delay server refuses longer delays
)

// Config is what one sweep does.
type Config struct {
	// Counts are the total numbers of requests per run, ascending.
	Counts []int
	// Delay is the delay every request asks the server for.
	Delay time.Duration
	// Executors is stage 05's -executors; each run asks for Count/Executors
	// requests per executor.
	Executors int
	// Modes are the stage 05 modes, in the order each round runs them.
	Modes []string
	// Repeat is how many times each (mode, count) point is run.
	Repeat int
	// OutDir receives runs.csv, medians.csv and the chart.
	OutDir string
	// Timeout bounds one child; past it the child is killed and the run
	// recorded as timed out.
	Timeout time.Duration
	// MaxThreads is passed to the threads mode as -max-threads; 0 means
	// "as many as the run needs", so that Go's default limit of 10,000 is
	// not what stops it (set it to see that limit at work).
	MaxThreads int
}

// Defaults: the seed's question at the scale of the targets.
var (
	defaultCounts = []int{100, 1000, 5000, 10000}
	quickCounts   = []int{100, 1000}
)

const (
	defaultDelay   = time.Second
	defaultRepeat  = 3
	quickRepeat    = 1
	defaultTimeout = 2 * time.Minute
)

// usageError is a mistake on the command line (exit status 2).
type usageError = target.UsageError

// usagef makes a usageError, like fmt.Errorf.
var usagef = target.Usagef

// parseFlags reads args into a Config. -h prints the usage to stderr and
// returns flag.ErrHelp; every mistake comes back as one line.
func parseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := Config{}
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	counts := fs.String("counts", joinInts(defaultCounts), "comma-separated total `requests` per run; each a multiple of -executors")
	fs.DurationVar(&cfg.Delay, "delay", defaultDelay, "the delay every request asks the delay server for")
	fs.IntVar(&cfg.Executors, "executors", 2, "stage 05's -executors; a run of N requests asks for N/executors per executor")
	modes := fs.String("modes", strings.Join(knownModes, ","), "comma-separated stage 05 `modes`, run round-robin in this order")
	fs.IntVar(&cfg.Repeat, "repeat", defaultRepeat, "runs per point; the tables and the chart show the median")
	fs.StringVar(&cfg.OutDir, "out", "perf-out", "`directory` for runs.csv, medians.csv and sweep.png")
	fs.DurationVar(&cfg.Timeout, "timeout", defaultTimeout, "longest a single run may take before it is killed and recorded as timed out")
	fs.IntVar(&cfg.MaxThreads, "max-threads", 0, "-max-threads for the threads mode; 0 raises Go's limit as far as each run needs")
	quick := fs.Bool("quick", false, fmt.Sprintf("a short try-out: -counts %s -repeat %d unless those are given", joinInts(quickCounts), quickRepeat))
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: go run ./%s [flags]\n\n", program)
		fmt.Fprintln(out, "Runs stage 05 in each mode as a child process against a delay server in another process,")
		fmt.Fprintln(out, "for each request count, round-robin over the modes, -repeat times, and writes the figures")
		fmt.Fprintln(out, "of every run (runs.csv), their medians (medians.csv) and a chart (sweep.png) to -out.")
		fmt.Fprintln(out, "A run that fails or is refused (a thread or file limit) is recorded with its reason; the sweep goes on.")
		fmt.Fprintln(out, "Exit status: 0 the sweep ran (whatever the runs found), 1 it could not run, 2 bad flags, 130 interrupted.")
		fmt.Fprintln(out)
		fs.PrintDefaults()
	}
	// One line per mistake instead of the flag package's whole usage.
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return cfg, err
	}
	if err != nil {
		return cfg, usagef("%v (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return cfg, usagef("unexpected argument %q: every setting is a flag, e.g. -counts 100,1000 (run with -h for the flags)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *quick {
		if !given["counts"] {
			*counts = joinInts(quickCounts)
		}
		if !given["repeat"] {
			cfg.Repeat = quickRepeat
		}
	}

	if cfg.Counts, err = parseCounts(*counts); err != nil {
		return cfg, usageError{Err: err}
	}
	if cfg.Modes, err = parseModes(*modes); err != nil {
		return cfg, usageError{Err: err}
	}
	if err := cfg.validate(); err != nil {
		return cfg, usageError{Err: err}
	}
	return cfg, nil
}

// validate checks the settings that depend on each other.
func (c Config) validate() error {
	switch {
	case c.Executors < 1 || c.Executors > maxExecutors:
		return fmt.Errorf("-executors %d: must be between 1 and %d", c.Executors, maxExecutors)
	case c.Repeat < 1 || c.Repeat > maxRepeat:
		return fmt.Errorf("-repeat %d: must be between 1 and %d", c.Repeat, maxRepeat)
	case c.Delay < 0 || c.Delay > maxDelay:
		return fmt.Errorf("-delay %s: must be between 0 and %s (the delay server's limit)", c.Delay, maxDelay)
	case c.Delay%time.Millisecond != 0:
		return fmt.Errorf("-delay %s: the delay server counts whole milliseconds; use e.g. %s", c.Delay, c.Delay.Truncate(time.Millisecond))
	case c.Timeout <= c.Delay:
		return fmt.Errorf("-timeout %s: must be longer than -delay %s, or every run times out", c.Timeout, c.Delay)
	case c.MaxThreads < 0:
		return fmt.Errorf("-max-threads %d: must be 0 (as many as needed) or a positive limit", c.MaxThreads)
	case c.MaxThreads > 0 && !slices.Contains(c.Modes, modeThreads):
		return fmt.Errorf("-max-threads applies only to the threads mode, which -modes %s leaves out", strings.Join(c.Modes, ","))
	case strings.TrimSpace(c.OutDir) == "":
		return errors.New("-out is empty: name a directory for the results, e.g. -out perf-out")
	}
	for _, n := range c.Counts {
		if n%c.Executors != 0 {
			return fmt.Errorf("-counts %d is not a multiple of -executors %d: every executor makes the same number of requests; use e.g. %d", n, c.Executors, max(n/c.Executors, 1)*c.Executors)
		}
	}
	return nil
}

// parseCounts reads "100,1000" into ascending, distinct, positive counts.
func parseCounts(text string) ([]int, error) {
	var counts []int
	for field := range strings.SplitSeq(text, ",") {
		field = strings.TrimSpace(field)
		n, err := strconv.Atoi(strings.ReplaceAll(field, "_", ""))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-counts %q: %q is not a positive whole number; write e.g. -counts 100,1000", text, field)
		}
		if slices.Contains(counts, n) {
			return nil, fmt.Errorf("-counts %q: %d appears twice", text, n)
		}
		counts = append(counts, n)
	}
	slices.Sort(counts)
	return counts, nil
}

// parseModes reads "threads,goroutines" into known, distinct modes, keeping
// their order: it is the order in which each round runs them.
func parseModes(text string) ([]string, error) {
	var modes []string
	for field := range strings.SplitSeq(text, ",") {
		mode := strings.TrimSpace(field)
		if !slices.Contains(knownModes, mode) {
			return nil, fmt.Errorf("-modes %q: unknown mode %q; choose from %s", text, mode, strings.Join(knownModes, ", "))
		}
		if slices.Contains(modes, mode) {
			return nil, fmt.Errorf("-modes %q: %s appears twice", text, mode)
		}
		modes = append(modes, mode)
	}
	return modes, nil
}

// joinInts writes counts the way -counts reads them.
func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
