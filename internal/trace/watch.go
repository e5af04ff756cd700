package trace

import (
	"sync"
	"sync/atomic"
	"time"
)

// Watcher keeps a recording running in the background of a test binary,
// so that a test that hangs can say, before the binary is stopped, which
// executor was stuck and which of its tasks were pending (Trace.Stuck).
// A test that records a trace of its own (Start) takes over while it
// runs; when that recording stops, a fresh background one begins, so the
// background holds the runtimes built since the last test that traced.
type Watcher struct {
	slowPoll time.Duration
	stopped  atomic.Bool
	mu       sync.Mutex
	rec      *Recorder // the background recording, or the last one
}

// Watch starts the background recording. It fails when another recording
// runs.
func Watch(slowPoll time.Duration) (*Watcher, error) {
	w := &Watcher{slowPoll: slowPoll}
	r := newRecorder(slowPoll)
	r.watcher = w
	if !active.CompareAndSwap(nil, r) {
		return nil, ErrAlreadyTracing
	}
	w.rec = r
	return w, nil
}

// resume starts a fresh background recording, unless another recording
// began in between.
func (w *Watcher) resume() {
	if w.stopped.Load() {
		return
	}
	r := newRecorder(w.slowPoll)
	r.watcher = w
	if active.CompareAndSwap(nil, r) {
		w.mu.Lock()
		w.rec = r
		w.mu.Unlock()
	}
}

// Stop ends the background recording for good and returns what it holds:
// the runtimes built since it last began.
func (w *Watcher) Stop() *Trace {
	w.stopped.Store(true)
	w.mu.Lock()
	r := w.rec
	w.mu.Unlock()
	return r.Stop()
}

// Now analyses what the background recording holds so far, without
// stopping it: a test that gives up waiting says with it what the runtime
// was stuck on.
func (w *Watcher) Now() *Trace {
	w.mu.Lock()
	r := w.rec
	w.mu.Unlock()
	return r.snapshot()
}
