//go:build linux || darwin || freebsd

// Command sweep measures the workbook's runtime against the two ways a Go
// programmer would make the same requests, all from outside and all alike:
//
//	go run ./sweep                      # 100 … 10,000 requests, every approach, 3 rounds
//	go run ./sweep -quick               # a short try-out
//	go run ./sweep -compare -requests 5000 -executors 2 -delay 1s -repeat 7
//	go run ./sweep -approaches stage06,goroutines -counts 100,1000,5000
//
// The approaches are stage 06 (the runtime past the book), stage 05 (the
// book's design), one goroutine per request and one OS thread per request
// (baselines/). The sweep builds them and the delay server, starts the
// server as a process of its own on a free loopback port, and runs each
// approach once per count and round as a fresh child process. It measures
// every child the same way: wall time from start to exit, CPU time from the
// rusage of its exit, peak OS threads and peak memory sampled while it runs,
// and the answers and failures from its summary line. The approaches take
// turns, every point is run -repeat times and summed up by its median, and
// the results go to -out: runs.csv, medians.csv and sweep.png. -compare
// runs one size and prints one table with each approach's ratios to the
// goroutines.
//
// main.go wires the parts together; each part lives in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

const program = "sweep"

// serverConnsMargin is added to the largest count for the server's
// -max-conns, for connections of a run still closing when the next starts.
const serverConnsMargin = 256

func main() {
	// Ctrl-C cancels ctx: the running child is killed, the server stopped,
	// and the runs that have finished are written out all the same.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		// A second Ctrl-C then ends the sweep at once.
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "%s: interrupted\n", program)
		os.Exit(130)
	}
	target.Exit(program, err)
}

// run is the whole sweep but for the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	started := time.Now()
	// Fail on an unusable -out before minutes of measuring, not after.
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w", err)
	}

	tmp, err := os.MkdirTemp("", "asyncgo-sweep-")
	if err != nil {
		return fmt.Errorf("make a directory for the built programs: %w", err)
	}
	defer os.RemoveAll(tmp)
	names := make([]string, len(cfg.Approaches))
	for i, a := range cfg.Approaches {
		names[i] = a.Name
	}
	fmt.Fprintf(stderr, "building %s and delayserver…\n", strings.Join(names, ", "))
	bins, err := Build(ctx, tmp, cfg.Approaches)
	if err != nil {
		return err
	}

	maxConns := serverMaxConns(cfg.Counts, stderr)
	server, err := StartServer(ctx, ServerOptions{Binary: bins.DelayServer, MaxConns: maxConns})
	if err != nil {
		return err
	}
	serverStopped := false
	defer func() {
		if !serverStopped {
			_, _ = server.Stop()
		}
	}()

	jobs := Schedule(cfg.Counts, cfg.Approaches, cfg.Repeat)
	fmt.Fprintf(stdout, "sweep: go run ./sweep %s\n", strings.Join(args, " "))
	fmt.Fprintf(stdout, "%d runs: counts %s × approaches %s × %d rounds, delay %s, %d executors, delay server on %s (-max-conns %d); %s\n",
		len(jobs), joinInts(cfg.Counts), strings.Join(names, ","), cfg.Repeat, cfg.Delay, cfg.Executors, server.Addr, maxConns, sampleNote)

	sweeper := Sweeper{
		Runner: ChildRunner{
			Programs: bins.Programs, ServerAddr: server.Addr, Delay: cfg.Delay,
			Executors: cfg.Executors, Timeout: cfg.RunTimeout, MaxThreads: cfg.MaxThreads,
		},
		Server:   server,
		Progress: stderr,
		Tables:   stdout,
	}
	runs, sweepErr := sweeper.Sweep(ctx, jobs)

	serverCPU, stopErr := server.Stop()
	serverStopped = true

	if len(runs) > 0 {
		if err := writeResults(cfg, runs, stdout); err != nil {
			return errors.Join(sweepErr, err)
		}
	}
	if sweepErr != nil {
		if len(runs) > 0 {
			fmt.Fprintf(stderr, "%s: stopped after %d of %d runs; the finished runs are in %s\n", program, len(runs), len(jobs), cfg.OutDir)
		}
		return sweepErr
	}
	if stopErr != nil {
		fmt.Fprintf(stderr, "%s: warning: %v\n", program, stopErr)
	}
	perRun := "its share of each run is not measured on this system (no /proc)"
	if cpu, ok := sumServerCPU(runs); ok {
		perRun = fmt.Sprintf("%s of it during the runs", ms(cpu))
	}
	fmt.Fprintf(stdout, "delay server: %s of CPU in its whole life (its rusage once stopped), %s\n",
		serverCPU.Round(time.Millisecond), perRun)
	fmt.Fprintf(stdout, "%s took %s\n", program, time.Since(started).Round(time.Second))
	return nil
}

// writeResults writes the CSVs and, for a sweep, the chart, then prints the
// full tables.
func writeResults(cfg Config, runs []Run, stdout io.Writer) error {
	points := Aggregate(runs)
	runsPath := filepath.Join(cfg.OutDir, "runs.csv")
	mediansPath := filepath.Join(cfg.OutDir, "medians.csv")
	if err := writeCSVFile(runsPath, func(w io.Writer) error { return WriteRunsCSV(w, runs) }); err != nil {
		return err
	}
	if err := writeCSVFile(mediansPath, func(w io.Writer) error { return WriteMediansCSV(w, points) }); err != nil {
		return err
	}
	wrote := runsPath + " and " + mediansPath
	if !cfg.Compare {
		chartPath := filepath.Join(cfg.OutDir, "sweep.png")
		if err := WriteChart(chartPath, points, ChartInfo{Delay: cfg.Delay.String(), Executors: cfg.Executors, Repeat: cfg.Repeat}); err != nil {
			return fmt.Errorf("draw the chart: %w", err)
		}
		wrote = runsPath + ", " + mediansPath + " and " + chartPath
	}

	fmt.Fprintf(stdout, "\nAll points (%d executors, delay %s, %s):\n\n", cfg.Executors, cfg.Delay, medianOf(cfg.Repeat))
	if err := WriteTable(stdout, points); err != nil {
		return fmt.Errorf("print the medians: %w", err)
	}
	if ratios := WithRounds(Ratios(points, baseline), runs, baseline); len(ratios) > 0 {
		fmt.Fprintf(stdout, "\nRatios to %s, median to median, and in brackets the range round by round (below 1: the approach uses less):\n\n", baseline)
		if err := WriteRatios(stdout, ratios, baseline); err != nil {
			return fmt.Errorf("print the ratios: %w", err)
		}
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", wrote)
	return nil
}

// serverMaxConns is the delay server's -max-conns: every request of the
// largest run at once, with a margin, but not past what its open-file limit
// allows; beyond that the server would fail accept(2) for everybody, while
// with a cap it answers the excess with a clear 503.
func serverMaxConns(counts []int, stderr io.Writer) int {
	want := counts[len(counts)-1] + serverConnsMargin
	limit := delayserver.DefaultMaxConns()
	if want > limit {
		fmt.Fprintf(stderr, "%s: the delay server can hold only %d connections at once (open-file limit); larger runs will see 503 answers\n", program, limit)
		return limit
	}
	return want
}

// medianOf says what each figure of a point is.
func medianOf(repeat int) string {
	if repeat == 1 {
		return "one run per point"
	}
	return fmt.Sprintf("median of %d runs per point", repeat)
}

// sumServerCPU is the server CPU time charged to the runs, and whether any
// of them has a server measurement.
func sumServerCPU(runs []Run) (int64, bool) {
	var total int64
	measured := false
	for _, r := range runs {
		if r.ServerMeasured {
			total += r.ServerCPUMS
			measured = true
		}
	}
	return total, measured
}
