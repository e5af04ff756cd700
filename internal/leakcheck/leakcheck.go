// Package leakcheck is what every test package of the workbook runs before
// and after its tests: goleak for goroutines left running, and a count of
// open file descriptors for sockets, epoll or kqueue instances and eventfds
// left open. A runtime that forgets to close a socket works fine in a short
// test and runs out of descriptors under load; this is where that shows up
// first.
//
// Use Main from a test package's TestMain, and CheckFDs at the start of a
// test that opens sockets, to name the test that leaked rather than only
// the package.
package leakcheck

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// settle is how long a check waits for the count of open descriptors to
// come back down. Servers close their side of a connection on their own
// goroutines, a moment after the client is done, so a check that looked
// only once would report leaks that are not there.
const settle = 5 * time.Second

// Main runs the package's tests and then fails the run if a goroutine is
// still running (goleak) or more file descriptors are open than before the
// tests. Call it as the whole body of TestMain:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
//
// opts go to goleak, for a package that starts a goroutine on purpose that
// outlives its tests.
func Main(m *testing.M, opts ...goleak.Option) {
	MainWithCleanup(m, nil, opts...)
}

// MainWithCleanup is Main for a package whose TestMain must also tidy up
// after the tests (remove the binaries it built, say): cleanup runs once
// the tests and the goroutine check are done, before the count of
// descriptors.
func MainWithCleanup(m *testing.M, cleanup func(), opts ...goleak.Option) {
	run(m, cleanup, nil, opts)
}

// MainAllowingFDs is Main for a package whose tests leave some descriptors
// open on purpose, as many as allowed() says once the tests are done (stage
// 03's reactors, which have no Close, each keep their poller's fd).
func MainAllowingFDs(m *testing.M, allowed func() int, opts ...goleak.Option) {
	run(m, nil, allowed, opts)
}

// run is Main and its variants: count, run the tests under goleak, tidy up,
// then compare the count with the one before, plus what is allowed.
func run(m *testing.M, cleanup func(), allowed func() int, opts []goleak.Option) {
	warmUp()
	before, err := OpenFDs()
	if err != nil {
		fmt.Fprintf(os.Stderr, "leakcheck: %v; run the tests on Linux, macOS or FreeBSD\n", err)
		os.Exit(1)
	}
	opts = append(opts, goleak.Cleanup(func(code int) {
		if cleanup != nil {
			cleanup()
		}
		if code == 0 {
			limit := before
			if allowed != nil {
				limit += allowed()
			}
			if err := waitForFDs(limit, settle); err != nil {
				fmt.Fprintf(os.Stderr, "leakcheck: %v\n", err)
				code = 1
			}
		}
		os.Exit(code)
	}))
	goleak.VerifyTestMain(m, opts...)
}

// CheckFDs records how many file descriptors are open now and, when the
// test ends, fails it if more are open then. Call it first thing in a test
// that opens sockets or reactors. It cannot tell two tests apart, so it is
// for tests that do not run in parallel with others (no t.Parallel).
func CheckFDs(t testing.TB) {
	t.Helper()
	before, err := OpenFDs()
	if err != nil {
		t.Fatalf("leakcheck: %v", err)
	}
	t.Cleanup(func() {
		if err := waitForFDs(before, settle); err != nil {
			t.Errorf("leakcheck: %v", err)
		}
	})
}

// warmUp makes the Go runtime open what it keeps open for the life of the
// process, so that it is counted in the "before" figure: its own netpoller
// (an epoll fd and an eventfd on Linux, a kqueue on macOS) is created the
// first time anything uses the net package.
func warmUp() {
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		_ = ln.Close()
	}
}

// waitForFDs waits, up to within, for the number of open descriptors to be
// back at limit (the count before the tests, plus any allowance) or below,
// and otherwise says which ones are open.
func waitForFDs(limit int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		now, err := OpenFDs()
		if err != nil {
			return err
		}
		if now <= limit {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("file descriptors leaked: %d open, at most %d expected (as many as before, plus any allowance); is a socket, reactor or server left unclosed? open now: %s",
				now, limit, DescribeFDs())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// OpenFDs counts the file descriptors this process has open, by listing the
// directory in which the kernel shows them (see fdDir).
func OpenFDs() (int, error) {
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return 0, fmt.Errorf("count open file descriptors: %w", err)
	}
	// Reading the directory opens it: on macOS and FreeBSD that descriptor
	// is listed too, so take it off. Linux's /proc lists it as well.
	return len(entries) - 1, nil
}

// DescribeFDs lists the open descriptors and, where the system says, what
// each one is (socket:[1234], anon_inode:[eventpoll], a file path), for a
// leak report.
func DescribeFDs() string {
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return err.Error()
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		what, err := os.Readlink(fdDir + "/" + e.Name())
		if err != nil {
			out = append(out, e.Name())
			continue
		}
		out = append(out, e.Name()+"="+what)
	}
	return strings.Join(out, " ")
}
