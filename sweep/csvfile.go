//go:build linux || darwin || freebsd

// csvfile.go writes the figures as CSV, one file with every run and one with
// the medians, for spreadsheets, scripts and PERFORMANCE.md. A figure that
// was never measured (a refused run has no wall time) is an empty cell, not
// a zero that would read like a very fast run.

package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
)

var runsHeader = []string{
	"approach", "requests", "executors", "delay_ms", "round", "status",
	"wall_ms", "cpu_ms", "peak_rss_kb", "os_threads", "ok", "failed",
	"server_cpu_ms", "error",
}

var mediansHeader = []string{
	"approach", "requests", "executors", "delay_ms", "runs", "measured_runs", "broken_runs",
	"wall_ms", "cpu_ms", "peak_rss_kb", "os_threads", "ok", "failed",
	"server_cpu_ms", "error",
}

// WriteRunsCSV writes one row per run.
func WriteRunsCSV(w io.Writer, runs []Run) error {
	rows := [][]string{runsHeader}
	for _, r := range runs {
		rows = append(rows, []string{
			r.Approach, itoa(r.Requests), itoa(r.Executors), itoa(int(r.Delay.Milliseconds())), itoa(r.Round), string(r.Status),
			measuredInt(r.Measured, r.WallMS), measuredInt(r.Measured, r.CPUMS),
			measuredInt(r.Measured, r.PeakRSSKB), measuredInt(r.Measured && r.ThreadsMeasured, int64(r.OSThreads)),
			measuredInt(r.Measured, int64(r.OK)), measuredInt(r.Measured, int64(r.Failed)),
			measuredInt(r.ServerMeasured, r.ServerCPUMS), r.Error,
		})
	}
	return writeCSV(w, rows)
}

// WriteMediansCSV writes one row per point.
func WriteMediansCSV(w io.Writer, points []Point) error {
	rows := [][]string{mediansHeader}
	for _, p := range points {
		m := p.Measured > 0
		rows = append(rows, []string{
			p.Approach, itoa(p.Requests), itoa(p.Executors), itoa(int(p.Delay.Milliseconds())),
			itoa(p.Runs), itoa(p.Measured), itoa(p.Broken),
			measuredFloat(m, p.WallMS), measuredFloat(m, p.CPUMS),
			measuredFloat(m, p.PeakRSSKB), measuredFloat(m && p.ThreadsMeasured, p.OSThreads),
			measuredFloat(m, p.OK), measuredFloat(m, p.Failed),
			measuredFloat(p.ServerMeasured, p.ServerCPUMS), p.Error,
		})
	}
	return writeCSV(w, rows)
}

// writeCSVFile creates path and fills it with write.
func writeCSVFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// measuredInt is n, or an empty cell when it was not measured.
func measuredInt(measured bool, n int64) string {
	if !measured {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// measuredFloat is x as short as it is exact (a median of two can end in
// .5), or an empty cell when it was not measured.
func measuredFloat(measured bool, x float64) string {
	if !measured {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
