package trace

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	rtrace "runtime/trace"
	"strings"
	"time"
)

// Narrative is the -trace value that prints the story on stderr.
const Narrative = "narrative"

// goTraceSuffix ends a -trace file name that asks for Go's own execution
// trace (`go tool trace FILE.out`) instead of Chrome trace event JSON.
const goTraceSuffix = ".out"

// Settings are the -trace and -trace-slow flags of a stage.
type Settings struct {
	// Dest is "" (off), Narrative, or the name of a .json file, or of a
	// .out file for Go's execution tracer.
	Dest string
	// SlowPoll is how long a poll may run before it is a hazard.
	SlowPoll time.Duration
	// Explain, when set, writes more about the run after the narrative
	// (stage 03 says there why each poll happened). The JSON has no room
	// for it.
	Explain func(t *Trace, w io.Writer) error
}

// Flag adds -trace and -trace-slow to fs and returns what they set once fs
// is parsed. Tracing is off unless -trace is given.
func Flag(fs *flag.FlagSet) *Settings {
	s := &Settings{SlowPoll: DefaultSlowPoll}
	fs.Func("trace", "record what the runtime does: `narrative` prints it as a story on stderr, FILE.json writes Chrome trace event JSON (open it in Perfetto or chrome://tracing), FILE.out writes Go's execution trace with each poll, park and wait as a region (go tool trace FILE.out)", func(v string) error {
		if v != Narrative && !strings.HasSuffix(v, ".json") && !strings.HasSuffix(v, goTraceSuffix) {
			return fmt.Errorf("-trace %q: want narrative, a file name ending in .json, or one ending in .out", v)
		}
		s.Dest = v
		return nil
	})
	fs.Func("trace-slow", "with -trace, report a poll that runs longer than this `duration` as a hazard", func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("-trace-slow %q: want a positive duration such as 10ms", v)
		}
		s.SlowPoll = d
		return nil
	})
	return s
}

// Run calls run, recording it when tracing is on, and then writes the
// trace: the narrative to stderr, or the JSON to the file (created before
// the run, so that a path that cannot be written fails at once). process
// names the program in the JSON. The trace is written even when run fails:
// a failed run is the one worth looking at.
func (s *Settings) Run(process string, stderr io.Writer, run func() error) error {
	if s.Dest == "" {
		return run()
	}
	var file *os.File
	if s.Dest != Narrative {
		f, err := os.Create(s.Dest)
		if err != nil {
			return fmt.Errorf("create the trace file: %w", err)
		}
		file = f
	}
	goTrace := strings.HasSuffix(s.Dest, goTraceSuffix)
	if goTrace {
		// Go's tracer must run before the lanes are made: a lane mirrors
		// itself into it only if it is on at that moment.
		if err := rtrace.Start(file); err != nil {
			_ = file.Close()
			return fmt.Errorf("start Go's execution tracer: %w", err)
		}
	}
	rec, err := Start(s.SlowPoll)
	if err != nil {
		if goTrace {
			rtrace.Stop()
		}
		if file != nil {
			_ = file.Close()
		}
		return err
	}
	runErr := run()
	t := rec.Stop()
	if goTrace {
		rtrace.Stop()
		if err := file.Close(); err != nil {
			return errors.Join(runErr, fmt.Errorf("write the trace file: %w", err))
		}
		return runErr
	}
	if file == nil {
		writeErr := t.WriteNarrative(stderr)
		if writeErr == nil && s.Explain != nil {
			writeErr = s.Explain(t, stderr)
		}
		return errors.Join(runErr, writeErr)
	}
	writeErr := t.WriteChrome(file, process)
	if closeErr := file.Close(); writeErr == nil && closeErr != nil {
		writeErr = fmt.Errorf("write the trace file: %w", closeErr)
	}
	return errors.Join(runErr, writeErr)
}
