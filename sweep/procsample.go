//go:build linux || darwin || freebsd

// procsample.go samples a running child from outside, every few
// milliseconds, and keeps the peaks: its OS threads and, where the system
// tells it (Linux), its resident memory. Each system reads them its own way
// (procsample_linux.go, procsample_freebsd.go, procsample_darwin.go).

package main

import (
	"os"
	"syscall"
	"time"
)

// sampleEvery is how often the child is sampled. Each sample is one small
// read by the sweep's process, not the child's.
const sampleEvery = 5 * time.Millisecond

// procSample is what one look at a process finds, or the peaks of many.
type procSample struct {
	threads   int
	peakRSSKB int64
	// threadsMeasured and rssMeasured say the system gave the figure.
	threadsMeasured, rssMeasured bool
}

// maxOf keeps the larger of each figure of s and o.
func (s procSample) maxOf(o procSample) procSample {
	return procSample{
		threads:         max(s.threads, o.threads),
		peakRSSKB:       max(s.peakRSSKB, o.peakRSSKB),
		threadsMeasured: s.threadsMeasured || o.threadsMeasured,
		rssMeasured:     s.rssMeasured || o.rssMeasured,
	}
}

// sampler samples one process on a goroutine of its own until stopped.
type sampler struct {
	done   chan struct{}
	result chan procSample
}

// startSampler samples process pid at once and then every sampleEvery.
func startSampler(pid int) *sampler {
	s := &sampler{done: make(chan struct{}), result: make(chan procSample, 1)}
	go func() {
		var peak procSample
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			if now, err := sampleProcess(pid); err == nil {
				peak = peak.maxOf(now)
			}
			select {
			case <-s.done:
				s.result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the peaks.
func (s *sampler) stop() procSample {
	close(s.done)
	return <-s.result
}

// rusagePeakRSSKB is the peak resident memory in KiB that the rusage of an
// exited child reports, for the systems where the sampler does not read it.
// Linux and FreeBSD count ru_maxrss in KiB, macOS in bytes.
func rusagePeakRSSKB(state *os.ProcessState) int64 {
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if maxRSSInBytes {
		return int64(ru.Maxrss) / 1024
	}
	return int64(ru.Maxrss)
}
