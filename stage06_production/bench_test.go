//go:build linux || darwin || freebsd

// bench_test.go holds the micro benchmarks of the runtime, each beside what
// Go itself offers for the same job, so that every figure comes with its
// yardstick:
//
//   - spawn, poll and complete a task that is ready at once, against
//     `go f()` with a WaitGroup;
//   - a wake from another OS thread until the woken task is polled, against
//     a channel hand-off between two goroutines;
//   - one whole GET against the in-process delay server (delay 0), with a
//     shared reactor and with a reactor the executor drives, against a
//     goroutine with the net package;
//   - a write and a read of one byte on a socket pair, with the raw calls
//     of rawsyscall_linux.go against unix.Write and unix.Read, which tell
//     the scheduler about every call.
//
// Run them with
//
//	go test -run '^$' -bench . -benchmem ./stage06_production

package main

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// readyTask is the smallest task there is: its first poll is Ready. It is
// not empty (Go gives every zero-sized value the same address, without an
// allocation) so that making one costs what making a small future costs.
type readyTask struct{ polls int }

// Poll implements Future.
func (t *readyTask) Poll(Waker) Poll[struct{}] {
	t.polls++
	return Ready(struct{}{})
}

// spawnerTask spawns n tasks made by task on the executor and is done.
type spawnerTask struct {
	n    int
	on   Spawner
	task func() Task
}

// Poll implements Future.
func (s *spawnerTask) Poll(Waker) Poll[struct{}] {
	for range s.n {
		s.on.Spawn(s.task())
	}
	return Ready(struct{}{})
}

// BenchmarkSpawnPollComplete is the cost of one task from Spawn to done: the
// executor gives it an id, queues it, polls it once (Ready) and forgets it.
// One op is one task. As async_main does, a first task spawns the others:
// 5,000 per BlockOn, the share of one executor in the 10,000-request run
// ("executor"), or all b.N at once ("executor-all-at-once"), where the
// executor's maps grow to millions of entries and stop fitting in the CPU's
// caches.
func BenchmarkSpawnPollComplete(b *testing.B) {
	spawnInRounds := func(b *testing.B, round int) {
		b.ReportAllocs()
		e := NewExecutor("bench", nil)
		// A fresh *readyTask per spawn, as a real task is a fresh future:
		// its allocation is part of the cost of a task.
		newTask := func() Task { return &readyTask{} }
		for done := 0; done < b.N; done += round {
			main := &spawnerTask{n: min(round, b.N-done), on: e, task: newTask}
			if err := e.BlockOn(main); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("executor", func(b *testing.B) { spawnInRounds(b, 5000) })
	b.Run("executor-all-at-once", func(b *testing.B) { spawnInRounds(b, b.N) })
	b.Run("goroutine+WaitGroup", func(b *testing.B) {
		b.ReportAllocs()
		var wg sync.WaitGroup
		for range b.N {
			wg.Add(1)
			go func() { wg.Done() }()
		}
		wg.Wait()
	})
}

// pingPongTask is one of two tasks on two executors that hand a turn back
// and forth with wakers: on its turn it gives the turn to its peer and wakes
// it. Every wake is one hand-off between OS threads, from Wake to the poll.
type pingPongTask struct {
	me, peer int32
	turn     *atomic.Int32 // whose turn it is
	count    *atomic.Int64 // hand-offs so far
	limit    int64
	done     *atomic.Bool
	wakePeer func()
}

// Poll implements Future. A poll when it is not this task's turn (its very
// first poll, from Spawn) does nothing.
func (p *pingPongTask) Poll(Waker) Poll[struct{}] {
	if p.done.Load() {
		return Ready(struct{}{})
	}
	if p.turn.Load() != p.me {
		return Pending[struct{}]()
	}
	if p.count.Add(1) >= p.limit {
		p.done.Store(true)
		p.wakePeer()
		return Ready(struct{}{})
	}
	p.turn.Store(p.peer)
	p.wakePeer()
	return Pending[struct{}]()
}

// BenchmarkWakeToPoll is the cost of one wake-up across threads: one op is
// one hand-off. The executors run as with -reactor shared, each on a locked
// OS thread and parked when idle, so a hand-off is Wake (push + unpark) on
// one thread and the park returning and the poll on the other.
func BenchmarkWakeToPoll(b *testing.B) {
	b.Run("executor", func(b *testing.B) {
		b.ReportAllocs()
		a, c := NewExecutor("a", nil), NewExecutor("b", nil)
		// BlockOn spawns its main task first, so it gets id 1: the wakers
		// can be made before the executors start.
		wakeA, wakeC := NewWaker(1, a.ready, a.parker), NewWaker(1, c.ready, c.parker)
		var turn atomic.Int32
		var count atomic.Int64
		var done atomic.Bool
		limit := int64(b.N)
		tasks := []Task{
			&pingPongTask{me: 0, peer: 1, turn: &turn, count: &count, limit: limit, done: &done, wakePeer: wakeC.Wake},
			&pingPongTask{me: 1, peer: 0, turn: &turn, count: &count, limit: limit, done: &done, wakePeer: wakeA.Wake},
		}
		executors := []*Executor{a, c}
		b.ResetTimer()
		err := startExecutors(2, func(i int) error { return executors[i].BlockOn(tasks[i]) })
		if err != nil {
			b.Fatal(err)
		}
	})
	// The yardstick: the same turn passed over unbuffered channels between
	// two goroutines, as Go programs hand work from one to another.
	channelPingPong := func(b *testing.B, locked bool) {
		b.ReportAllocs()
		ab, ba := make(chan struct{}), make(chan struct{})
		lock := func() {
			if locked {
				runtime.LockOSThread()
			}
		}
		var wg sync.WaitGroup
		b.ResetTimer()
		// Hand-off i goes from the first goroutine to the second when i
		// is even, back when it is odd: b.N hand-offs in all.
		wg.Go(func() {
			lock()
			defer runtime.UnlockOSThread()
			for i := 0; i < b.N; i += 2 {
				ab <- struct{}{}
				if i+1 < b.N {
					<-ba
				}
			}
		})
		wg.Go(func() {
			lock()
			defer runtime.UnlockOSThread()
			for i := 0; i < b.N; i += 2 {
				<-ab
				if i+1 < b.N {
					ba <- struct{}{}
				}
			}
		})
		wg.Wait()
	}
	b.Run("channel", func(b *testing.B) { channelPingPong(b, false) })
	// The same with both goroutines locked to their OS threads, as the
	// executors are: it shows what LockOSThread adds to a hand-off.
	b.Run("channel-locked", func(b *testing.B) { channelPingPong(b, true) })
}

// countingReporter counts outcomes and keeps the first failure.
type countingReporter struct {
	ok, failed atomic.Int64
	first      atomic.Pointer[error]
}

func (r *countingReporter) Done(int, int, string) { r.ok.Add(1) }
func (r *countingReporter) Fail(_, _ int, err error) {
	r.failed.Add(1)
	r.first.CompareAndSwap(nil, &err)
}

// BenchmarkRequest is one whole GET of /0/HelloWorld against the delay
// server started in this process, from socket to body: one op is one
// request, made one at a time, so the figure is the latency of a request on
// an idle loopback, server included. The server answers with no delay, so
// nothing but the machinery is measured.
func BenchmarkRequest(b *testing.B) {
	tgt := startBenchServer(b)
	for _, shared := range []bool{true, false} {
		b.Run(runtimeName(shared), func(b *testing.B) {
			b.ReportAllocs()
			e, reactor := benchExecutor(b, shared)
			client := &HTTPClient{Target: tgt, Reactor: reactor}
			get := func(path string) *TimeoutFuture[string] {
				return WithTimeout(client.Get(path), 10*time.Second, reactor)
			}
			report := &countingReporter{}
			for b.Loop() {
				if err := e.BlockOn(NewRequest(0, 0, "/0/HelloWorld", get, report)); err != nil {
					b.Fatal(err)
				}
			}
			requireNoFailures(b, report)
		})
	}
	b.Run("goroutine+net", func(b *testing.B) {
		b.ReportAllocs()
		report := &countingReporter{}
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Go(func() {
				body, err := netGet(tgt, "/0/HelloWorld", 10*time.Second)
				if err != nil {
					report.Fail(0, 0, err)
					return
				}
				report.Done(0, 0, body)
			})
			wg.Wait()
		}
		requireNoFailures(b, report)
	})
}

// BenchmarkRequests100 is the same GET made 100 at a time: one executor with
// 100 request tasks, against 100 goroutines. One op is one request. Here
// requests overlap, as in a run, so wake-ups are shared.
func BenchmarkRequests100(b *testing.B) {
	const batch = 100
	tgt := startBenchServer(b)
	for _, shared := range []bool{true, false} {
		b.Run(runtimeName(shared), func(b *testing.B) {
			b.ReportAllocs()
			e, reactor := benchExecutor(b, shared)
			client := &HTTPClient{Target: tgt, Reactor: reactor}
			get := func(path string) *TimeoutFuture[string] {
				return WithTimeout(client.Get(path), 10*time.Second, reactor)
			}
			report := &countingReporter{}
			for done := 0; done < b.N; done += batch {
				n := min(batch, b.N-done)
				main := NewAsyncMain(n, e, func(i int) Task { return NewRequest(0, i, "/0/HelloWorld", get, report) })
				if err := e.BlockOn(main); err != nil {
					b.Fatal(err)
				}
			}
			requireNoFailures(b, report)
		})
	}
	b.Run("goroutine+net", func(b *testing.B) {
		b.ReportAllocs()
		report := &countingReporter{}
		for done := 0; done < b.N; done += batch {
			var wg sync.WaitGroup
			for range min(batch, b.N-done) {
				wg.Go(func() {
					body, err := netGet(tgt, "/0/HelloWorld", 10*time.Second)
					if err != nil {
						report.Fail(0, 0, err)
						return
					}
					report.Done(0, 0, body)
				})
			}
			wg.Wait()
		}
		requireNoFailures(b, report)
	})
}

// runtimeName names a request benchmark's runtime: the book's shared
// reactor on its own thread, or a reactor the executor drives.
func runtimeName(shared bool) string {
	if shared {
		return "runtime-shared-reactor"
	}
	return "runtime-driven-reactor"
}

// benchExecutor is an executor with its reactor, closed when the benchmark
// ends: a NewReactor with its own thread (shared), or a NewDrivenReactor
// that the executor drives.
func benchExecutor(b *testing.B, shared bool) (*Executor, *Reactor) {
	b.Helper()
	if shared {
		r, err := NewReactor()
		require.NoError(b, err)
		b.Cleanup(func() { _ = r.Close() })
		return NewExecutor("bench", nil), r
	}
	r, err := NewDrivenReactor()
	require.NoError(b, err)
	b.Cleanup(func() { _ = r.Close() })
	return NewDrivingExecutor("bench", nil, r), r
}

// netGet is the yardstick's GET: what a Go programmer writes with the net
// package, on a goroutine that blocks (Go's netpoller parks it).
func netGet(tgt *target.Target, path string, limit time.Duration) (string, error) {
	conn, err := net.DialTimeout("tcp", tgt.AddrPort.String(), limit)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(limit)); err != nil {
		return "", err
	}
	if _, err := io.WriteString(conn, requestText(tgt.Host, path)); err != nil {
		return "", fmt.Errorf("write request: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(conn, maxResponseBytes+1))
	if err != nil {
		return "", fmt.Errorf("read response: %w", err)
	}
	return parseResponse(raw)
}

// requireNoFailures fails the benchmark if any request failed: a benchmark
// of failing requests measures the wrong thing.
func requireNoFailures(b *testing.B, r *countingReporter) {
	b.Helper()
	if n := r.failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", n, n+r.ok.Load(), *r.first.Load())
	}
}

// startBenchServer starts a quiet delay server on a free loopback port for
// one benchmark and returns it as a target.
func startBenchServer(b *testing.B) *target.Target {
	b.Helper()
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	require.NoError(b, err, "start an in-process delay server")
	b.Cleanup(func() { _ = srv.Close() })
	ap, err := netip.ParseAddrPort(srv.Addr())
	require.NoError(b, err)
	return &target.Target{AddrPort: ap, Host: srv.Addr()}
}

// BenchmarkSocketWriteRead is the bare cost of the bookkeeping the raw calls
// skip: one byte written and read back on a Unix socket pair, so the kernel
// work is as small as it gets. On this benchmark's own thread nobody wants
// the P, so it shows only the announcing and taking back; what the raw
// calls also save under load (sysmon handing Ps around during the long
// loopback connects and closes) shows in the 10,000-request run instead.
func BenchmarkSocketWriteRead(b *testing.B) {
	calls := []struct {
		name        string
		write, read func(fd int, p []byte) (int, error)
	}{
		{"raw", rawWrite, rawRead},
		{"unix", unix.Write, unix.Read},
	}
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
			require.NoError(b, err)
			b.Cleanup(func() {
				unix.Close(fds[0])
				unix.Close(fds[1])
			})
			one := []byte{'x'}
			got := make([]byte, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.write(fds[0], one); err != nil {
					b.Fatal(err)
				}
				if _, err := c.read(fds[1], got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
