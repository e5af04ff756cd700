//go:build linux || darwin || freebsd

// fake_test.go is a fake program of the common plan and a fake delay
// server, played by the test binary itself when an environment variable
// says so. Each behaviour is one way the real programs can end: a clean
// run, a refusal, failed requests, a crash, a hang, a server that never
// listens.

package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

const (
	// fakeProgramEnv makes the test binary a fake approach; its value is
	// the behaviour. Which approach it plays is the name it was started
	// under (fakeRunner links the test binary under every approach's name).
	fakeProgramEnv = "SWEEP_FAKE_PROGRAM"
	// fakeServerEnv makes the test binary a fake delay server.
	fakeServerEnv = "SWEEP_FAKE_SERVER"
	// fakePIDFileEnv names a file where a hanging fake writes its process
	// id and its own child's, so a test can check both are gone.
	fakePIDFileEnv = "SWEEP_FAKE_PIDFILE"
)

// Behaviours of the fake program.
const (
	fakeOK            = "ok"             // every request succeeds
	fakeRefuseThreads = "refuse-threads" // threads refuses like a thread limit; the others succeed
	fakeFailRequests  = "fail-requests"  // summary with 2 failed requests, exit 1
	fakeCrash         = "crash"          // a Go fatal error and a stack, no summary
	fakeHang          = "hang"           // never ends; starts a child that never ends either
	fakeWrongName     = "wrong-name"     // a summary of another program
	fakeGarbage       = "garbage"        // exit 0 with no summary
)

// What the fake does in a good run, for the tests to find in its figures.
const (
	fakeExtraThreads = 8        // locked goroutines, each an OS thread of its own
	fakeHeapBytes    = 32 << 20 // touched memory
	fakeRunFor       = 300 * time.Millisecond
)

// fakeProgram plays one approach for one run and returns its exit status.
func fakeProgram(behaviour string, args []string) int {
	name := filepath.Base(os.Args[0])
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	executors := fs.Int("executors", 0, "")
	requests := fs.Int("requests", 0, "")
	fs.Duration("delay", 0, "")
	fs.Bool("quiet", false, "")
	fs.String("addr", "", "")
	fs.Int("max-threads", 0, "")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 2
	}
	total := *executors * *requests
	ok, failed := total, 0
	switch behaviour {
	case fakeOK:
		holdThreadsAndMemory()
	case fakeRefuseThreads:
		if name == "threads" {
			fmt.Fprintf(os.Stderr, "threads: %d requests need about %d OS threads, but Go's thread limit (-max-threads) is 10000: pass -max-threads %d (or 0), or lower -requests or -executors\n", total, total+20, total+20)
			return 1
		}
	case fakeFailRequests:
		ok, failed = total-2, 2
		printSummary(name, *executors, *requests, ok, failed)
		fmt.Fprintf(os.Stderr, "%s: 2 of %d requests failed; the first: executor 0, request 1: connect 127.0.0.1:1: connection refused\n", name, total)
		return 1
	case fakeCrash:
		fmt.Fprintln(os.Stderr, "runtime: failed to create new OS thread (have 9000 already; errno=11)")
		fmt.Fprintln(os.Stderr, "fatal error: newosproc")
		fmt.Fprintln(os.Stderr, "\ngoroutine 1 [running]:\nmain.main()\n\t/x/main.go:1 +0x1")
		return 2
	case fakeHang:
		return fakeHangForever()
	case fakeWrongName:
		name = "elsewhere"
	case fakeGarbage:
		fmt.Println("this is not a summary")
		return 0
	default:
		fmt.Fprintf(os.Stderr, "fake program: unknown behaviour %q\n", behaviour)
		return 3
	}
	printSummary(name, *executors, *requests, ok, failed)
	return 0
}

// printSummary prints the common plan's summary line.
func printSummary(name string, executors, requests, ok, failed int) {
	fmt.Printf("executor 0, request 0: HelloWorld0\n")
	fmt.Printf("%s: %d requests (%d executors × %d), %d ok, %d failed in 1.042s\n", name, executors*requests, executors, requests, ok, failed)
}

// holdThreadsAndMemory gives the fake figures a test can check from
// outside: fakeExtraThreads more OS threads and fakeHeapBytes more resident
// memory, both held for fakeRunFor.
func holdThreadsAndMemory() {
	heap := make([]byte, fakeHeapBytes)
	for i := range heap {
		heap[i] = byte(i)
	}
	var wg sync.WaitGroup
	for range fakeExtraThreads {
		wg.Go(func() {
			runtime.LockOSThread()
			// A wait in the kernel, which holds this locked thread.
			_, _ = unix.Poll(nil, int(fakeRunFor.Milliseconds()))
		})
	}
	wg.Wait()
	runtime.KeepAlive(heap)
}

// fakeHangForever starts a child of its own, writes both process ids to the
// pid file, and sleeps until killed: the sweep must end the whole group.
func fakeHangForever() int {
	pids := strconv.Itoa(os.Getpid())
	if os.Getenv("SWEEP_FAKE_GRANDCHILD") == "" {
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), "SWEEP_FAKE_GRANDCHILD=1")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		pids += " " + strconv.Itoa(child.Process.Pid)
		if path := os.Getenv(fakePIDFileEnv); path != "" {
			// Written whole under a temporary name, then renamed, so a
			// test never reads half of it.
			if err := os.WriteFile(path+".tmp", []byte(pids), 0o644); err != nil || os.Rename(path+".tmp", path) != nil {
				return 1
			}
		}
	}
	// A fake that hangs: killing it is what is tested.
	time.Sleep(time.Hour)
	return 0
}

// Behaviours of the fake delay server.
const (
	fakeServerListen    = "listen"     // says where it listens, stops on SIGINT
	fakeServerStubborn  = "stubborn"   // says where it listens, ignores SIGINT
	fakeServerRemote    = "remote"     // claims a non-loopback address
	fakeServerDie       = "die"        // fails before listening
	fakeServerSilent    = "silent"     // never says anything
	fakeServerNoNewline = "no-newline" // a first line that never ends
)

// fakeServer plays the delay server and returns its exit status.
func fakeServer(behaviour string) int {
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	switch behaviour {
	case fakeServerListen:
		fmt.Println("delay server listening on http://127.0.0.1:1")
		fmt.Println("Ctrl-C stops it")
		<-interrupt
		fmt.Println("stopped after 0 requests")
		return 0
	case fakeServerStubborn:
		signal.Ignore(os.Interrupt)
		fmt.Println("delay server listening on http://127.0.0.1:1")
		time.Sleep(time.Hour)
		return 0
	case fakeServerRemote:
		// Only printed, never connected to: 192.0.2.1 is TEST-NET-1.
		fmt.Println("delay server listening on http://192.0.2.1:8080")
		<-interrupt
		return 0
	case fakeServerDie:
		fmt.Fprintln(os.Stderr, "delayserver: listen tcp 127.0.0.1:0: socket: too many open files")
		return 1
	case fakeServerSilent:
		<-interrupt
		return 0
	case fakeServerNoNewline:
		fmt.Print("delay server listening on ")
		<-interrupt
		return 0
	}
	return 3
}

// fakeRunner is a ChildRunner whose programs are this test binary, linked
// under every approach's name and behaving as told.
func fakeRunner(t *testing.T, behaviour string) ChildRunner {
	t.Helper()
	dir := t.TempDir()
	programs := map[string]string{}
	for _, a := range approaches {
		path := filepath.Join(dir, a.Name)
		require.NoError(t, os.Symlink(testBinary(t), path))
		programs[a.Name] = path
	}
	return ChildRunner{
		Programs:   programs,
		Env:        []string{fakeProgramEnv + "=" + behaviour},
		ServerAddr: "127.0.0.1:1",
		Delay:      time.Second,
		Executors:  2,
		Timeout:    time.Minute,
	}
}

// testBinary is the path of this test binary.
func testBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	return self
}

// processGone reports whether pid has ended: no such process, or a zombie
// that nobody has reaped yet (an orphaned grandchild waits for init).
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	state, err := procState(stat)
	return err == nil && state == 'Z'
}

// procState is field 3 of a /proc/PID/stat line.
func procState(stat []byte) (byte, error) {
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' && i+2 < len(stat) {
			return stat[i+2], nil
		}
	}
	return 0, fmt.Errorf("bad stat line %q", stat)
}
