//go:build linux || darwin || freebsd

// profile.go is the -cpuprofile and -memprofile flags: they let a learner see
// where the time and the allocations of a run go, with `go tool pprof`. They
// are left out of -h on purpose (they are not part of the comparison) and
// described in the README and in PERFORMANCE.md.

package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
)

// profileFlags are where to write the profiles of a run; empty means none.
type profileFlags struct {
	cpu string
	mem string
}

// hiddenFlags are the flags -h does not list.
var hiddenFlags = []string{"cpuprofile", "memprofile"}

// register adds -cpuprofile and -memprofile to fs.
func (p *profileFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof -top FILE)")
	fs.StringVar(&p.mem, "memprofile", "", "write an allocation profile of the run to this file (go tool pprof -sample_index=alloc_space -top FILE)")
}

// check refuses profiles that would show nothing useful: in the threads mode
// the requests are made by a child process, and this process only waits.
func (p profileFlags) check(mode string) error {
	if (p.cpu != "" || p.mem != "") && mode == modeThreads {
		return usagef("-cpuprofile and -memprofile profile this process, but the threads mode makes its requests in a child process; profile -mode runtime or goroutines")
	}
	return nil
}

// printVisibleDefaults is fs.PrintDefaults without the hidden flags.
func printVisibleDefaults(fs *flag.FlagSet) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	shown.SetOutput(fs.Output())
	fs.VisitAll(func(f *flag.Flag) {
		if !slices.Contains(hiddenFlags, f.Name) {
			shown.Var(f.Value, f.Name, f.Usage)
		}
	})
	shown.PrintDefaults()
}

// start begins the CPU profile, if one was asked for, and returns the
// function that ends it and writes the allocation profile. Call that
// function right after the run, so the profiles cover the run and little
// else.
func (p profileFlags) start() (stop func() error, err error) {
	var cpuFile *os.File
	if p.cpu != "" {
		cpuFile, err = os.Create(p.cpu)
		if err != nil {
			return nil, fmt.Errorf("create the CPU profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			cpuFile.Close()
			return nil, fmt.Errorf("start the CPU profile: %w", err)
		}
	}
	oldRate := runtime.MemProfileRate
	if p.mem != "" {
		// Record every allocation rather than one per 512 KiB: a run of a
		// few seconds has too few samples otherwise. It costs some speed,
		// so it is only switched on when asked for, and only for the run.
		runtime.MemProfileRate = 1
	}
	return func() error {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			if err := cpuFile.Close(); err != nil {
				return fmt.Errorf("write the CPU profile: %w", err)
			}
		}
		if p.mem == "" {
			return nil
		}
		f, err := os.Create(p.mem)
		if err != nil {
			return fmt.Errorf("create the allocation profile: %w", err)
		}
		// "allocs" holds every allocation since the start (alloc_space,
		// alloc_objects) as well as what is still live (inuse_space).
		runtime.MemProfileRate = oldRate
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return fmt.Errorf("write the allocation profile: %w", err)
		}
		return f.Close()
	}, nil
}
