// flags.go reads the command line into a Config, so that a mistake ends
// with one line naming the flag (exit status 2) before any file is read.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// Bounds on -width: narrower leaves no room for the lanes, wider than
// browsers draw comfortably.
const (
	minWidth = 480
	maxWidth = 20000
)

// Config is what one run of the command draws and where it writes it.
type Config struct {
	// Input is the trace file.
	Input string
	// SVGPath and HTMLPath are the outputs: by default next to Input, with
	// its extension replaced by .svg and .html.
	SVGPath, HTMLPath string
	// Width is the picture's width in pixels.
	Width int
	// FromMS and ToMS bound the window drawn, in milliseconds since the
	// trace's first event, when HasFrom and HasTo say they were given.
	FromMS, ToMS   float64
	HasFrom, HasTo bool
	// MaxArrows caps the wake arrows drawn; 0 draws them all.
	MaxArrows int
	// Title heads the picture.
	Title string
}

const usageText = `usage: go run ./timeline [flags] TRACE.json

Draws a Chrome trace (a stage's -trace output) as a timeline: one lane per
thread, polls, parks and waits as bars, wakes as arrows. Writes TRACE.svg and
TRACE.html next to the trace unless -svg or -html say otherwise.

flags:
`

// parseFlags reads args. Flags may come before or after the trace file.
func parseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := Config{}
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.SVGPath, "svg", "", "write the SVG picture to `FILE` (default: the trace's name with .svg)")
	fs.StringVar(&cfg.HTMLPath, "html", "", "write the HTML page to `FILE` (default: the trace's name with .html)")
	fs.IntVar(&cfg.Width, "width", 1200, fmt.Sprintf("width of the picture in `pixels`, %d to %d", minWidth, maxWidth))
	var from, to optionalMS
	fs.Var(&from, "from", "draw from this many `ms` after the trace's first event (zoom in)")
	fs.Var(&to, "to", "draw up to this many `ms` after the trace's first event (zoom in)")
	fs.IntVar(&cfg.MaxArrows, "max-arrows", 200, "draw at most `N` wake arrows, evenly spread over time; 0 draws all")
	fs.StringVar(&cfg.Title, "title", "", "the picture's `title` (default: \"Timeline of\" and the trace's file name)")
	// The flag package would print the whole usage after every mistake;
	// here a mistake is one line, and only -h prints the usage.
	fs.Usage = func() {}

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stderr, usageText)
				fs.SetOutput(stderr)
				fs.PrintDefaults()
				return cfg, err
			}
			return cfg, target.Usagef("%v (go run ./timeline -h lists the flags)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(positional) {
	case 0:
		return cfg, target.Usagef("no trace file given: go run ./timeline TRACE.json (write one with a stage's -trace flag)")
	case 1:
		cfg.Input = positional[0]
	default:
		return cfg, target.Usagef("one trace file at a time, got %d: %s", len(positional), strings.Join(positional, " "))
	}
	if cfg.Width < minWidth || cfg.Width > maxWidth {
		return cfg, target.Usagef("-width %d: want %d to %d pixels", cfg.Width, minWidth, maxWidth)
	}
	if cfg.MaxArrows < 0 {
		return cfg, target.Usagef("-max-arrows %d: want 0 (all) or more", cfg.MaxArrows)
	}
	cfg.FromMS, cfg.HasFrom = from.ms, from.set
	cfg.ToMS, cfg.HasTo = to.ms, to.set
	for _, f := range []struct {
		name string
		v    float64
		has  bool
	}{{"-from", cfg.FromMS, cfg.HasFrom}, {"-to", cfg.ToMS, cfg.HasTo}} {
		if f.has && (f.v < 0 || math.IsInf(f.v, 0)) {
			return cfg, target.Usagef("%s %v: want milliseconds since the trace began, 0 or more", f.name, f.v)
		}
	}
	if cfg.HasFrom && cfg.HasTo && cfg.ToMS <= cfg.FromMS {
		return cfg, target.Usagef("-from %v -to %v: -to must be later than -from", cfg.FromMS, cfg.ToMS)
	}
	base := strings.TrimSuffix(cfg.Input, filepath.Ext(cfg.Input))
	if cfg.SVGPath == "" {
		cfg.SVGPath = base + ".svg"
	}
	if cfg.HTMLPath == "" {
		cfg.HTMLPath = base + ".html"
	}
	for _, out := range []string{cfg.SVGPath, cfg.HTMLPath} {
		if filepath.Clean(out) == filepath.Clean(cfg.Input) {
			return cfg, target.Usagef("%s is the trace itself; give -svg and -html other names", out)
		}
	}
	if filepath.Clean(cfg.SVGPath) == filepath.Clean(cfg.HTMLPath) {
		return cfg, target.Usagef("-svg and -html both name %s; give them different files", cfg.SVGPath)
	}
	if cfg.Title == "" {
		cfg.Title = defaultTitle(cfg.Input)
	}
	return cfg, nil
}

// optionalMS is a flag of milliseconds that remembers whether it was given,
// so -from 0 and no -from at all can be told apart.
type optionalMS struct {
	ms  float64
	set bool
}

func (o *optionalMS) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatFloat(o.ms, 'g', -1, 64)
}

func (o *optionalMS) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return fmt.Errorf("%q is not a number of milliseconds", s)
	}
	o.ms, o.set = f, true
	return nil
}
