//go:build linux

// fake_test.go is a fake stage 05 and a fake delay server, played by the test
// binary itself when an environment variable says so. Each behaviour is one
// way the real programs can end: a clean run, a refusal, failed requests, a
// crash, a hang, a server that never listens.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	// fakeStage05Env makes the test binary a fake stage 05; its value is
	// the behaviour.
	fakeStage05Env = "SWEEP_FAKE_STAGE05"
	// fakeServerEnv makes the test binary a fake delay server.
	fakeServerEnv = "SWEEP_FAKE_SERVER"
	// fakePIDFileEnv names a file where a hanging fake writes its process
	// id and its own child's, so a test can check both are gone.
	fakePIDFileEnv = "SWEEP_FAKE_PIDFILE"
)

// Behaviours of the fake stage 05.
const (
	fakeOK            = "ok"             // every request succeeds
	fakeRefuseThreads = "refuse-threads" // threads mode refused like Go's thread limit; others ok
	fakeFailRequests  = "fail-requests"  // summary with 2 failed requests, exit 1
	fakeCrash         = "crash"          // a Go fatal error and a stack, no summary
	fakeHang          = "hang"           // never ends; starts a child that never ends either
	fakeWrongMode     = "wrong-mode"     // a summary for another mode
	fakeGarbage       = "garbage"        // exit 0 with no JSON
)

// fakeStage05 plays stage 05 for one run and returns its exit status.
func fakeStage05(behaviour string, args []string) int {
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	mode := fs.String("mode", "", "")
	executors := fs.Int("executors", 0, "")
	requests := fs.Int("requests", 0, "")
	fs.Duration("delay", 0, "")
	fs.Bool("quiet", false, "")
	fs.Bool("json", false, "")
	fs.String("addr", "", "")
	fs.Int("max-threads", 0, "")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(os.Stderr, "stage05_multithread: %v\n", err)
		return 2
	}
	total := *executors * *requests
	summary := ChildSummary{
		Mode: *mode, Executors: *executors, Requests: total, OK: total,
		WallMS: 1000 + int64(total), CPUMS: int64(total) / 10, MaxDelayMS: 1000,
		PeakRSSKB: 8000 + int64(total), OSThreads: 6,
	}
	switch behaviour {
	case fakeOK:
	case fakeRefuseThreads:
		if *mode == modeThreads {
			fmt.Fprintf(os.Stderr, "stage05_multithread: threads mode: %d requests need about %d OS threads but Go's thread limit is 10000; pass -max-threads %d, or lower -requests/-executors\n", total, total+20, total+20)
			return 1
		}
	case fakeFailRequests:
		summary.OK, summary.Failed = total-2, 2
		summary.FirstError = "connect 127.0.0.1:1: connection refused"
		printSummary(summary)
		return 1
	case fakeCrash:
		fmt.Fprintln(os.Stderr, "runtime: program exceeds 10000-thread limit")
		fmt.Fprintln(os.Stderr, "fatal error: thread exhaustion")
		fmt.Fprintln(os.Stderr, "\ngoroutine 1 [running]:\nmain.main()\n\t/x/main.go:1 +0x1")
		return 2
	case fakeHang:
		return fakeHangForever()
	case fakeWrongMode:
		summary.Mode = "elsewhere"
	case fakeGarbage:
		fmt.Println("this is not a summary")
		return 0
	default:
		fmt.Fprintf(os.Stderr, "fake stage05: unknown behaviour %q\n", behaviour)
		return 3
	}
	printSummary(summary)
	return 0
}

func printSummary(s ChildSummary) {
	if err := json.NewEncoder(os.Stdout).Encode(s); err != nil {
		panic(err)
	}
}

// fakeHangForever starts a child of its own (as stage 05's threads mode
// does), writes both process ids to the pid file, and sleeps until killed.
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

// fakeRunner is a ChildRunner whose stage 05 is this test binary behaving
// as told.
func fakeRunner(t *testing.T, behaviour string) ChildRunner {
	t.Helper()
	return ChildRunner{
		Stage05:    testBinary(t),
		Env:        []string{fakeStage05Env + "=" + behaviour},
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
