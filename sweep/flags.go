//go:build linux || darwin || freebsd

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

// Bounds on the flags; past them a sweep is a mistake, not an experiment.
const (
	maxExecutors = 1024
	maxRepeat    = 100
	maxDelay     = 60 * time.Second // the delay server refuses longer delays
)

// Config is what one sweep or comparison does.
type Config struct {
	// Compare makes one comparison at one size (Counts has one entry),
	// printed as a table with ratios; no chart.
	Compare bool
	// Counts are the total numbers of requests per run, ascending.
	Counts []int
	// Delay is the delay every request asks the server for.
	Delay time.Duration
	// Executors is every program's -executors; a run of N requests asks
	// for N/Executors per executor.
	Executors int
	// Approaches are the programs, in the order each round runs them.
	Approaches []Approach
	// Repeat is how many times each (approach, count) point is run.
	Repeat int
	// OutDir receives runs.csv, medians.csv and, for a sweep, the chart.
	OutDir string
	// RunTimeout bounds one child; past it the child is killed and the run
	// recorded as timed out.
	RunTimeout time.Duration
	// MaxThreads is passed to the threads baseline as -max-threads; 0 lets
	// it raise Go's limit as far as each run needs.
	MaxThreads int
}

// Defaults: 100 to 10,000 concurrent requests, the range where the
// approaches part ways on a 2-core machine.
var (
	defaultCounts = []int{100, 1000, 5000, 10000}
	quickCounts   = []int{100, 1000}
)

const (
	defaultDelay      = time.Second
	defaultRepeat     = 3
	quickRepeat       = 1
	defaultRunTimeout = 2 * time.Minute
)

// usagef makes a flag mistake (exit status 2), like fmt.Errorf.
var usagef = target.Usagef

// parseFlags reads args into a Config. -h prints the usage to stderr and
// returns flag.ErrHelp; every mistake comes back as one line.
func parseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := Config{}
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.BoolVar(&cfg.Compare, "compare", false, "compare the approaches at one size, -executors × -requests, instead of sweeping -counts")
	requests := fs.Int("requests", 5000, "with -compare: requests per executor")
	counts := fs.String("counts", joinInts(defaultCounts), "comma-separated total `requests` per run; each a multiple of -executors")
	fs.DurationVar(&cfg.Delay, "delay", defaultDelay, "the delay every request asks the delay server for")
	fs.IntVar(&cfg.Executors, "executors", 2, "every program's -executors; a run of N requests asks for N/executors per executor")
	names := make([]string, len(approaches))
	for i, a := range approaches {
		names[i] = a.Name
	}
	approachList := fs.String("approaches", strings.Join(names, ","), "comma-separated `programs`, run in turn in this order: "+approachNames())
	fs.IntVar(&cfg.Repeat, "repeat", defaultRepeat, "runs per point; the tables and the chart show the median")
	fs.StringVar(&cfg.OutDir, "out", "perf-out", "`directory` for runs.csv, medians.csv and sweep.png")
	fs.DurationVar(&cfg.RunTimeout, "run-timeout", defaultRunTimeout, "longest a single run may take before it is killed and recorded as timed out")
	fs.IntVar(&cfg.MaxThreads, "max-threads", 0, "-max-threads for the threads baseline; 0 lets it raise Go's limit as far as each run needs")
	quick := fs.Bool("quick", false, fmt.Sprintf("a short try-out: -counts %s -repeat %d unless those are given", joinInts(quickCounts), quickRepeat))
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: go run ./%s [flags]\n", program)
		fmt.Fprintf(out, "       go run ./%s -compare -requests 5000 -executors 2 -delay 1s -repeat 7\n\n", program)
		fmt.Fprintln(out, "Runs each approach as a child process against a delay server in a process of its own, in turn,")
		fmt.Fprintln(out, "-repeat times per request count, and measures each run from outside: wall time, CPU time from")
		fmt.Fprintln(out, "the child's rusage, peak OS threads and peak RSS sampled while it runs. A sweep writes every run")
		fmt.Fprintln(out, "(runs.csv), the medians (medians.csv) and a chart (sweep.png) to -out; -compare prints one table.")
		fmt.Fprintln(out, "A run that fails or is refused (a thread or file limit) is recorded with its reason; the sweep goes on.")
		fmt.Fprintln(out, "Exit status: 0 the sweep ran (whatever the runs found), 1 it could not run, 2 bad flags, 130 interrupted.")
		fmt.Fprintln(out)
		fs.PrintDefaults()
	}
	if err := target.Parse(fs, args, stderr); err != nil {
		return cfg, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case cfg.Compare && (given["counts"] || *quick):
		return cfg, usagef("-compare runs one size, -executors × -requests; leave out -counts and -quick")
	case !cfg.Compare && given["requests"]:
		return cfg, usagef("-requests applies only with -compare; a sweep takes -counts (total requests per run)")
	}
	if *quick {
		if !given["counts"] {
			*counts = joinInts(quickCounts)
		}
		if !given["repeat"] {
			cfg.Repeat = quickRepeat
		}
	}
	var err error
	if cfg.Compare {
		if *requests < 1 {
			return cfg, usagef("-requests %d: must be at least 1", *requests)
		}
		cfg.Counts = []int{*requests * cfg.Executors}
	} else if cfg.Counts, err = parseCounts(*counts); err != nil {
		return cfg, target.UsageError{Err: err}
	}
	if cfg.Approaches, err = parseApproaches(*approachList); err != nil {
		return cfg, target.UsageError{Err: err}
	}
	if err := cfg.validate(); err != nil {
		return cfg, target.UsageError{Err: err}
	}
	return cfg, nil
}

// validate checks the settings that depend on each other.
func (c Config) validate() error {
	takesMaxThreads := slices.ContainsFunc(c.Approaches, func(a Approach) bool { return a.MaxThreads })
	switch {
	case c.Executors < 1 || c.Executors > maxExecutors:
		return fmt.Errorf("-executors %d: must be between 1 and %d", c.Executors, maxExecutors)
	case c.Repeat < 1 || c.Repeat > maxRepeat:
		return fmt.Errorf("-repeat %d: must be between 1 and %d", c.Repeat, maxRepeat)
	case c.Delay < 0 || c.Delay > maxDelay:
		return fmt.Errorf("-delay %s: must be between 0 and %s (the delay server's limit)", c.Delay, maxDelay)
	case c.Delay%time.Millisecond != 0:
		return fmt.Errorf("-delay %s: the delay server counts whole milliseconds; use e.g. %s", c.Delay, c.Delay.Truncate(time.Millisecond))
	case c.RunTimeout <= c.Delay:
		return fmt.Errorf("-run-timeout %s: must be longer than -delay %s, or every run times out", c.RunTimeout, c.Delay)
	case c.MaxThreads < 0:
		return fmt.Errorf("-max-threads %d: must be 0 (as many as needed) or a positive limit", c.MaxThreads)
	case c.MaxThreads > 0 && !takesMaxThreads:
		return errors.New("-max-threads applies only to the threads baseline, which -approaches leaves out")
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

// parseApproaches reads "stage06,goroutines" into known, distinct
// approaches, keeping their order: it is the order each round runs them in.
func parseApproaches(text string) ([]Approach, error) {
	var list []Approach
	for field := range strings.SplitSeq(text, ",") {
		a, ok := lookupApproach(strings.TrimSpace(field))
		if !ok {
			return nil, fmt.Errorf("-approaches %q: unknown approach %q; choose from %s", text, strings.TrimSpace(field), approachNames())
		}
		if slices.ContainsFunc(list, func(b Approach) bool { return b.Name == a.Name }) {
			return nil, fmt.Errorf("-approaches %q: %s appears twice", text, a.Name)
		}
		list = append(list, a)
	}
	return list, nil
}

// joinInts writes counts the way -counts reads them.
func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
