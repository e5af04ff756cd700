//go:build linux

// Command sweep answers the seed's question — how many concurrent requests
// does each approach carry before the system breaks down? — with figures a
// learner can reproduce:
//
//	go run ./sweep                      # 100 … 10,000 requests, all modes, 3 rounds
//	go run ./sweep -quick               # a short try-out
//	go run ./sweep -modes threads,goroutines -counts 100,1000,5000
//
// It builds stage 05 and the delay server, starts the server as a process of
// its own on a free loopback port, and runs stage 05 once per mode, count and
// round, each run a fresh child process that measures itself. The modes take
// turns, every point is run -repeat times and summed up by its median, and
// the results go to -out: runs.csv, medians.csv and sweep.png.
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
	// and what was measured so far is still written out.
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
	fmt.Fprintln(stderr, "building stage05_multithread and delayserver…")
	bins, err := Build(ctx, tmp)
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

	jobs := Schedule(cfg.Counts, cfg.Modes, cfg.Repeat)
	fmt.Fprintf(stdout, "sweep: go run ./sweep %s\n", strings.Join(args, " "))
	fmt.Fprintf(stdout, "%d runs: counts %s × modes %s × %d rounds, delay %s, %d executors, delay server on %s (-max-conns %d)\n",
		len(jobs), joinInts(cfg.Counts), strings.Join(cfg.Modes, ","), cfg.Repeat, cfg.Delay, cfg.Executors, server.Addr, maxConns)

	sweeper := Sweeper{
		Runner: ChildRunner{
			Stage05: bins.Stage05, ServerAddr: server.Addr, Delay: cfg.Delay,
			Executors: cfg.Executors, Timeout: cfg.Timeout, MaxThreads: cfg.MaxThreads,
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
			fmt.Fprintf(stderr, "%s: stopped after %d of %d runs; what was measured is in %s\n", program, len(runs), len(jobs), cfg.OutDir)
		}
		return sweepErr
	}
	if stopErr != nil {
		fmt.Fprintf(stderr, "%s: warning: %v\n", program, stopErr)
	}
	fmt.Fprintf(stdout, "delay server: %s of CPU in its whole life (its rusage once stopped), %s of it during the runs\n",
		serverCPU.Round(time.Millisecond), ms(sumServerCPU(runs)))
	fmt.Fprintf(stdout, "sweep took %s\n", time.Since(started).Round(time.Second))
	return nil
}

// writeResults writes the CSVs and the chart, then prints the full tables.
func writeResults(cfg Config, runs []Run, stdout io.Writer) error {
	points := Aggregate(runs)
	runsPath := filepath.Join(cfg.OutDir, "runs.csv")
	mediansPath := filepath.Join(cfg.OutDir, "medians.csv")
	chartPath := filepath.Join(cfg.OutDir, "sweep.png")
	if err := writeCSVFile(runsPath, func(w io.Writer) error { return WriteRunsCSV(w, runs) }); err != nil {
		return err
	}
	if err := writeCSVFile(mediansPath, func(w io.Writer) error { return WriteMediansCSV(w, points) }); err != nil {
		return err
	}
	if err := WriteChart(chartPath, points, ChartInfo{Delay: cfg.Delay.String(), Executors: cfg.Executors, Repeat: cfg.Repeat}); err != nil {
		return fmt.Errorf("draw the chart: %w", err)
	}

	fmt.Fprintf(stdout, "\nAll points (%d executors, delay %s, %s):\n\n", cfg.Executors, cfg.Delay, medianOf(cfg.Repeat))
	if err := WriteTable(stdout, points); err != nil {
		return fmt.Errorf("print the medians: %w", err)
	}
	if ratios := Ratios(points, modeRuntime, modeGoroutines); len(ratios) > 0 {
		fmt.Fprintf(stdout, "\nRatios %s/%s (below 1: the runtime uses less):\n\n", modeRuntime, modeGoroutines)
		if err := WriteRatios(stdout, ratios, modeRuntime, modeGoroutines); err != nil {
			return fmt.Errorf("print the ratios: %w", err)
		}
	}
	fmt.Fprintf(stdout, "\nwrote %s, %s and %s\n", runsPath, mediansPath, chartPath)
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

// sumServerCPU is the server CPU time charged to the runs.
func sumServerCPU(runs []Run) int64 {
	var total int64
	for _, r := range runs {
		total += r.ServerCPUMS
	}
	return total
}
