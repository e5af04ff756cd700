//go:build linux || darwin || freebsd

// measure.go takes the figures the modes are compared on: wall time, CPU
// time, peak memory and the peak number of OS threads of the process.
//
// What the kernel can tell differs between systems; the parts that differ
// live in measure_linux.go, measure_darwin.go and measure_freebsd.go, each
// with the same small API: newThreadCounter, threadCPUTime and maxRSSUnit.

package main

import (
	"os"
	"runtime"
	"sync"
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
	// kB (getrusage's ru_maxrss, which Linux and FreeBSD count in kB and
	// macOS in bytes). Unlike CPU it cannot be limited to the run: it
	// includes the Go runtime's own few megabytes.
	PeakRSSKB int64 `json:"peak_rss_kb"`
	// OSThreads is the largest number of OS threads the process was seen to
	// have during the run. On macOS, which offers no thread count without
	// cgo, it is the number of threads the Go runtime itself runs (see
	// measure_darwin.go).
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
		cpu0:    processUsage().cpu,
		sampler: StartThreadSampler(os.Getpid(), interval),
	}
}

// Stop ends the measurement and returns the figures of the run.
func (m *Measurement) Stop() Figures {
	wall := time.Since(m.start)
	threads := m.sampler.Stop()
	usage := processUsage()
	return Figures{
		Wall: wall,
		// The sampler's own work is not the mode's: take it out. What is
		// left of the measuring cost is the scheduler waking the sampler
		// once per interval (see ThreadSampler).
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

// processUsage asks the kernel what this process has used so far: every
// thread summed (RUSAGE_SELF), which is what we want, because in the threads
// mode the work is spread over thousands of them.
func processUsage() usage {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		// getrusage cannot fail with a valid who and buffer; report zero
		// rather than invent a figure.
		return usage{}
	}
	return usage{
		cpu:      time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		maxRSSKB: maxRSSToKB(int64(ru.Maxrss), maxRSSUnit),
	}
}

// maxRSSToKB converts getrusage's ru_maxrss, counted in units of unit bytes,
// to kB. The unit is the trap: POSIX leaves it open, Linux and FreeBSD count
// kB (unit 1024) and macOS counts bytes (unit 1), so the same number means a
// thousand times more memory on Linux than on a Mac.
func maxRSSToKB(maxRSS, unit int64) int64 {
	return maxRSS * unit / 1024
}

// ThreadSampler follows the number of OS threads of a process by looking
// every few milliseconds, and keeps the largest value seen. Where it looks
// differs per system (see newThreadCounter): the kernel's count on Linux and
// FreeBSD, the Go runtime's own on macOS.
//
// Why sampling is good enough: the threads worth counting here are the ones
// blocked in a system call while they wait for a delayed response, and they
// stay alive for the whole delay (hundreds of milliseconds or more), a hundred
// times longer than the sampling interval. What it can miss: a peak that
// lasts less than one interval, for example with -delay 0, where a request's
// thread can be born and gone between two samples; then the figure is a lower
// bound. Counting exactly would need a hook where the runtime creates threads,
// which Go does not offer.
//
// The sampler must not disturb what it measures, and its first design did.
// It had an OS thread of its own that slept in the kernel between samples
// (nanosleep(2)), so that no Go timer would wake the scheduler. But a
// thread in a long system call is exactly what Go's monitor thread, sysmon,
// watches for: every sleep got the sampler's P taken away, and each time
// that sent sysmon back to checking every 20 µs, some sixty wake-ups per
// sample. On the 10,000-request run that was 40 ms of CPU time, 5 % of the
// runtime's whole figure, charged to whichever mode was being measured.
// So now it is an ordinary goroutine that waits on a Go ticker: a wake-up
// per interval, in the scheduler's own idle wait, nothing for sysmon to
// watch. It still pins itself to its thread while it samples, to time its
// own work with the thread's CPU clock, which Measurement subtracts.
type ThreadSampler struct {
	counter  threadCounter
	every    time.Duration
	stop     chan struct{} // closed by Stop
	stopOnce sync.Once
	done     chan struct{} // closed by loop once it has ended

	mu     sync.Mutex
	peak   int
	ownCPU time.Duration
}

// threadCounter tells how many threads one process has right now. Each
// system has its own, made by newThreadCounter(pid).
type threadCounter interface {
	// count is the current number of threads, or an error when it cannot
	// be known (the process is gone, or the system does not say).
	count() (int, error)
	// close releases what the counter holds; count is not called after.
	close()
}

// StartThreadSampler starts sampling the threads of process pid: this
// process (os.Getpid()) or a child.
func StartThreadSampler(pid int, every time.Duration) *ThreadSampler {
	s := &ThreadSampler{
		every: every,
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		// Made here rather than in loop: on Linux this opens the child's
		// /proc file while the child surely still exists.
		counter: newThreadCounter(pid),
	}
	go s.loop()
	return s
}

func (s *ThreadSampler) loop() {
	defer close(s.done)
	defer s.counter.close()
	ticker := time.NewTicker(s.every)
	defer ticker.Stop()
	for {
		s.timedSample()
		select {
		case <-ticker.C:
		case <-s.stop:
			s.timedSample() // the last look, right at the end of the run
			return
		}
	}
}

// timedSample takes one sample and adds the CPU time it took to the
// sampler's own. The goroutine stays on one thread meanwhile, so that the
// thread's CPU clock, read before and after, counts this sample's work and
// nobody else's.
func (s *ThreadSampler) timedSample() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPUTime()
	s.sample()
	own := threadCPUTime() - cpu0
	s.mu.Lock()
	s.ownCPU += own
	s.mu.Unlock()
}

// sample takes the current thread count once. A count that cannot be had (a
// process that has exited, a system that does not say) is simply skipped.
func (s *ThreadSampler) sample() {
	count, err := s.counter.count()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.peak = max(s.peak, count)
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
// is still seen), waits for it to end, and returns the peak. Calling it again
// only returns the peak.
func (s *ThreadSampler) Stop() int {
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
	return s.Peak()
}
