// measure.go takes the figures the modes are compared on: wall time, CPU
// time, peak memory and the peak number of OS threads of the process.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Figures are what one run cost.
type Figures struct {
	// Wall is the elapsed time of the run, start to last response.
	Wall time.Duration `json:"wall"`
	// CPU is the user plus system CPU time the process spent during the run,
	// on all its threads together.
	CPU time.Duration `json:"cpu"`
	// PeakRSSKB is the high-water mark of the process's resident memory in
	// kB (Linux reports ru_maxrss in kB). Unlike CPU it cannot be limited to
	// the run: it includes the Go runtime's own few megabytes.
	PeakRSSKB int64 `json:"peak_rss_kb"`
	// OSThreads is the largest number of OS threads the process was seen to
	// have during the run.
	OSThreads int `json:"os_threads"`
}

// SamplingInterval is how often the thread sampler looks at the process
// during a run of plan p: often enough that a thread living for the shortest
// delay is seen dozens of times, and never more often than needed, because
// each look costs CPU time (see ThreadSampler).
func SamplingInterval(p Plan) time.Duration {
	shortest := p.delayOf(0)
	if !p.FixedDelay && p.Requests > 1 {
		// Request 0 asks for no delay; the others wait a second or more.
		shortest = p.delayOf(1)
	}
	return min(max(shortest/50, time.Millisecond), 20*time.Millisecond)
}

// Measurement is a run being measured. Start it right before the mode starts
// its requests and Stop it right after the last response.
type Measurement struct {
	start   time.Time
	cpu0    time.Duration
	sampler *ThreadSampler
}

// StartMeasurement starts the clock and the thread sampler of this process,
// which looks at the thread count every interval.
func StartMeasurement(interval time.Duration) *Measurement {
	return &Measurement{
		start:   time.Now(),
		cpu0:    rusageOf(unix.RUSAGE_SELF).cpu,
		sampler: StartThreadSampler("/proc/self/status", interval),
	}
}

// Stop ends the measurement and returns the figures of the run.
func (m *Measurement) Stop() Figures {
	wall := time.Since(m.start)
	threads := m.sampler.Stop()
	usage := rusageOf(unix.RUSAGE_SELF)
	return Figures{
		Wall: wall,
		// The sampler's own work is not the mode's: take it out. What is
		// left of the measuring cost is the Go scheduler noticing the
		// sampler's sleeps: at the longest interval, about 5 ms per second of
		// run on the machine this was written on.
		CPU:       usage.cpu - m.cpu0 - m.sampler.OwnCPU(),
		PeakRSSKB: usage.maxRSSKB,
		OSThreads: threads,
	}
}

// usage is the part of getrusage(2) we report.
type usage struct {
	cpu      time.Duration
	maxRSSKB int64
}

// rusageOf asks the kernel what this process (RUSAGE_SELF, every thread
// summed, which is what we want: in the threads mode the work is spread over
// thousands of them) or the calling thread (RUSAGE_THREAD) has used so far.
func rusageOf(who int) usage {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		// getrusage cannot fail with a valid who and buffer; report zero
		// rather than invent a figure.
		return usage{}
	}
	return usage{
		cpu:      time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		maxRSSKB: ru.Maxrss,
	}
}

// ThreadSampler follows the number of OS threads of a process by reading the
// "Threads:" line of its /proc/PID/status file every few milliseconds, and
// keeps the largest value seen.
//
// Why sampling is good enough: the threads worth counting here are the ones
// blocked in a system call while they wait for a delayed response, and they
// stay alive for the whole delay (hundreds of milliseconds or more), a hundred
// times longer than the sampling interval. What it can miss: a peak that
// lasts less than one interval, for example with -delay 0, where a request's
// thread can be born and gone between two samples; then the figure is a lower
// bound. Counting exactly would need a hook where the runtime creates threads,
// which Go does not offer (the "threadcreate" pprof profile counts threads
// ever created, not how many lived at once).
//
// The sampler must not disturb what it measures. A Go ticker would wake the
// scheduler every interval, and on some machines each wake-up costs 100 µs of
// CPU, as much as a small run's whole work. So the sampler has an OS thread
// of its own that sleeps in nanosleep(2), it measures that thread's CPU time
// so Measurement can subtract it, and it leaves its own thread out of the
// count when it samples its own process.
type ThreadSampler struct {
	status    *os.File // open for the sampler's life: no open(2) per look
	buf       []byte   // reused, so sampling does not feed the GC
	ownThread int      // 1 when the sampled process is the sampler's own
	every     time.Duration
	stopping  atomic.Bool
	done      chan struct{}

	mu     sync.Mutex
	peak   int
	ownCPU time.Duration
}

// StartThreadSampler starts sampling the process whose status file is
// statusPath ("/proc/self/status", or "/proc/PID/status" for a child).
func StartThreadSampler(statusPath string, every time.Duration) *ThreadSampler {
	s := &ThreadSampler{
		every: every,
		buf:   make([]byte, 8<<10),
		done:  make(chan struct{}),
	}
	// A file that cannot be opened (the process already gone) leaves status
	// nil, and every sample is skipped.
	s.status, _ = os.Open(statusPath)
	if statusPath == "/proc/self/status" || statusPath == fmt.Sprintf("/proc/%d/status", os.Getpid()) {
		s.ownThread = 1
	}
	go s.loop()
	return s
}

func (s *ThreadSampler) loop() {
	defer close(s.done)
	// Never unlocked: the thread is the sampler's alone and ends with it.
	runtime.LockOSThread()
	cpu0 := rusageOf(unix.RUSAGE_THREAD).cpu
	pause := unix.NsecToTimespec(s.every.Nanoseconds())
	for {
		s.sample()
		if s.stopping.Load() {
			break
		}
		// A signal may cut the sleep short (EINTR); that only means an
		// early sample.
		_ = unix.Nanosleep(&pause, nil)
	}
	own := rusageOf(unix.RUSAGE_THREAD).cpu - cpu0
	if s.status != nil {
		s.status.Close()
	}
	s.mu.Lock()
	s.ownCPU = own
	s.mu.Unlock()
}

// sample reads the current thread count once. The kernel writes a /proc file
// afresh for every read from offset 0. A process that has exited gives an
// error; that sample is simply skipped.
func (s *ThreadSampler) sample() {
	if s.status == nil {
		return
	}
	n, err := s.status.ReadAt(s.buf, 0)
	if n == 0 && err != nil {
		return
	}
	count, err := parseThreadCount(s.buf[:n])
	if err != nil {
		return
	}
	s.mu.Lock()
	s.peak = max(s.peak, count-s.ownThread)
	s.mu.Unlock()
}

// Peak is the largest thread count seen so far.
func (s *ThreadSampler) Peak() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// OwnCPU is the CPU time the sampler itself used; valid after Stop.
func (s *ThreadSampler) OwnCPU() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ownCPU
}

// Stop has the sampler take a last sample (so a run shorter than one interval
// is still seen), waits for it to end, and returns the peak.
func (s *ThreadSampler) Stop() int {
	s.stopping.Store(true)
	<-s.done
	return s.Peak()
}

// parseThreadCount returns the number after "Threads:" in the text of a
// /proc/PID/status file.
func parseThreadCount(status []byte) (int, error) {
	for line := range bytes.Lines(status) {
		value, found := bytes.CutPrefix(line, []byte("Threads:"))
		if !found {
			continue
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err != nil {
			return 0, fmt.Errorf("bad Threads line %q: %w", bytes.TrimSpace(line), err)
		}
		return n, nil
	}
	return 0, errors.New("no Threads line")
}
