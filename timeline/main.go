// Command timeline draws a runtime trace as a picture you can read: one
// lane per OS thread (the reactor, each executor), every poll as a bar
// coloured by what it returned, parks and waits as pale bars, every wake as
// an arrow from the thread that woke a task to that task's next poll, and
// hazards in red.
//
//	go run ./stage05_multithread -trace run.json
//	go run ./timeline run.json            # writes run.svg and run.html
//	go run ./timeline -from 2 -to 4 run.json
//
// It reads the Chrome trace event format ({"traceEvents":[...]}) that
// chrome://tracing and Perfetto read too, and writes a standalone SVG and
// an HTML page that holds the same SVG, a summary per thread and a short
// guide to reading it. Hovering over anything shows its details.
//
// main.go wires the parts: flags.go reads the command line, trace.go the
// file, model.go sorts events into lanes, kind.go colours slices, marks.go
// merges what is too small to draw, svg.go and html.go draw, write.go
// writes.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

const program = "timeline"

func main() {
	target.Exit(program, run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command but for the exit status: read, draw, write, and
// say on stdout what was written.
func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	tl, err := loadTimeline(cfg.Input)
	if err != nil {
		return err
	}
	if err := checkWindow(tl, cfg); err != nil {
		return err
	}
	svg := drawSVG(tl, cfg, cfg.Title)
	page, err := drawHTML(tl, cfg, svg)
	if err != nil {
		return err
	}
	if err := writeAtomically(cfg.SVGPath, []byte(svg)); err != nil {
		return err
	}
	if err := writeAtomically(cfg.HTMLPath, page); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d threads, %d slices, %d wakes over %s; wrote %s and %s\n",
		cfg.Input, len(tl.Lanes), len(tl.Slices), len(tl.Wakes), formatDuration(tl.End-tl.Start), cfg.SVGPath, cfg.HTMLPath)
	return nil
}

// loadTimeline reads and decodes the trace file, with errors that say what
// the file should have been.
func loadTimeline(path string) (*Timeline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist; write a trace with a stage's -trace flag, e.g. go run ./stage05_multithread -trace %s", path, path)
		}
		return nil, fmt.Errorf("read the trace: %w", err)
	}
	events, err := decodeTrace(data)
	switch {
	case errors.Is(err, errNoTraceEvents):
		return nil, fmt.Errorf(`%s: %w; a Chrome trace is {"traceEvents":[...]} or a list of events`, path, err)
	case errors.Is(err, errNoEvents):
		return nil, fmt.Errorf("%s: %w; nothing to draw (did the traced program run at all?)", path, err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tl, err := buildTimeline(events)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tl, nil
}

// checkWindow refuses a -from or -to that leaves nothing of the trace to
// draw, naming the trace's span so the next try can be right.
func checkWindow(tl *Timeline, cfg Config) error {
	span := (tl.End - tl.Start) / 1000
	if cfg.HasFrom && cfg.FromMS >= span && span > 0 {
		return target.Usagef("-from %v: the trace spans only 0 to %s", cfg.FromMS, formatAt(tl.End, tl.Start))
	}
	return nil
}
