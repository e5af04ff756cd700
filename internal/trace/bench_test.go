package trace

import (
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// manyRequests records what stage 06 records for n requests on each of
// executors executors, each driving its own reactor (the per-executor
// default): per request a spawn, a poll that registers the socket, keeps
// the waker and sets the request's timeout timer, a wait that brings the
// socket's event, the wake, and a poll that answers ready after it
// deregisters and cancels. The executors record from goroutines of their
// own, as the stage's threads do. Every tenth task fails, every
// hundredth request's wait brings nothing first, so that the rarer
// arguments (an error, a wait of 0 events) are recorded too.
func manyRequests(executors, n int) {
	var wg sync.WaitGroup
	for x := range executors {
		exec := NewLane("executor", "executor-"+string(rune('0'+x)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			oneExecutor(exec, n)
		}()
	}
	wg.Wait()
}

// oneExecutor is one executor's share of manyRequests: n requests, all
// spawned and polled once before the first wait, as the stage does.
func oneExecutor(exec *Lane, n int) {
	timers := make([]*int, n+1)
	due := time.Now().Add(time.Second)
	for id := 1; id <= n; id++ {
		exec.Spawns(id)
	}
	for id := 1; id <= n; id++ {
		timers[id] = new(int)
		exec.PollBegins(id)
		exec.Registers(id+9, id, "readable|writable")
		exec.KeepsWaker(id, exec.Task(id))
		exec.SetsTimer(timers[id], due, exec.Task(id))
		exec.PollEnds(false, nil)
	}
	failure := errors.New("connection reset by peer")
	for id := 1; id <= n; id++ {
		if id%100 == 0 {
			exec.WaitBegins()
			exec.WaitEnds(0, nil)
		}
		exec.WaitBegins()
		exec.WaitEnds(1, nil)
		exec.Wakes(exec.Task(id))
		exec.PollBegins(id)
		exec.Deregisters(id+9, id)
		exec.CancelsTimer(timers[id], exec.Task(id))
		var err error
		if id%10 == 0 {
			err = failure
		}
		exec.PollEnds(true, err)
	}
}

// BenchmarkRecord10000Requests is the cost of recording alone: the lanes'
// appends while 2 executors × 5,000 requests run, and Stop's analysis.
func BenchmarkRecord10000Requests(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rec, err := Start(0)
		if err != nil {
			b.Fatal(err)
		}
		manyRequests(2, 5000)
		rec.Stop()
	}
}

// BenchmarkWriteChrome10000Requests is the cost of writing the JSON of
// those 10,000 requests, recorded once.
func BenchmarkWriteChrome10000Requests(b *testing.B) {
	rec, err := Start(0)
	if err != nil {
		b.Fatal(err)
	}
	manyRequests(2, 5000)
	tr := rec.Stop()
	b.ReportAllocs()
	for b.Loop() {
		if err := tr.WriteChrome(io.Discard, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteNarrative10000Requests is the same for the narrative.
func BenchmarkWriteNarrative10000Requests(b *testing.B) {
	rec, err := Start(0)
	if err != nil {
		b.Fatal(err)
	}
	manyRequests(2, 5000)
	tr := rec.Stop()
	b.ReportAllocs()
	for b.Loop() {
		if err := tr.WriteNarrative(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
