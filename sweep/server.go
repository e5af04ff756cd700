//go:build linux || darwin || freebsd

// server.go runs the delay server as a process of its own. In its own
// process, its CPU time, memory and threads stay out of the figures of the
// client being measured, and its CPU time can be read on its own: a client
// is only as fast as the server it waits for allows.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// listenPrefix starts the first line the delay server prints.
const listenPrefix = "delay server listening on http://"

// serverStartTimeout bounds the wait for that first line.
const serverStartTimeout = 15 * time.Second

// serverGrace is how long the server may take to stop after SIGINT before
// it is killed. The server itself waits up to 3 s for requests in flight.
const serverGrace = 6 * time.Second

// DelayServer is a delay server running as a child process.
type DelayServer struct {
	// Addr is where it listens: a loopback host:port.
	Addr string

	cmd    *exec.Cmd
	grace  time.Duration
	stderr *headTailBuffer
	exited chan struct{} // closed when the process has exited
	// waitErr is the result of cmd.Wait, set before exited is closed.
	waitErr error
}

// ServerOptions say how to start the delay server.
type ServerOptions struct {
	// Binary is the built delay server.
	Binary string
	// MaxConns is its -max-conns: the connections it serves at once.
	MaxConns int
	// Env is added to its environment (tests use it for a fake server).
	Env []string
	// StartTimeout bounds the wait for the server's first line; 0 means
	// serverStartTimeout.
	StartTimeout time.Duration
	// Grace is how long Stop waits after SIGINT before it kills the
	// server; 0 means serverGrace.
	Grace time.Duration
}

// StartServer starts the delay server on a free loopback port and returns
// once it has said where it listens.
func StartServer(ctx context.Context, o ServerOptions) (*DelayServer, error) {
	cmd := exec.Command(o.Binary, "-addr", "127.0.0.1:0", "-quiet", "-max-conns", strconv.Itoa(o.MaxConns))
	cmd.Env = append(os.Environ(), o.Env...)
	// Its own process group, so that Ctrl-C in the terminal does not stop
	// it behind the sweep's back; the sweep stops it last.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	first := newFirstLineWriter()
	s := &DelayServer{cmd: cmd, grace: o.Grace, stderr: &headTailBuffer{limit: 32 << 10}, exited: make(chan struct{})}
	if s.grace == 0 {
		s.grace = serverGrace
	}
	cmd.Stdout = first
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the delay server %s: %w", o.Binary, err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()

	startTimeout := o.StartTimeout
	if startTimeout == 0 {
		startTimeout = serverStartTimeout
	}
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	var line string
	select {
	case line = <-first.line:
	case <-s.exited:
		return nil, fmt.Errorf("the delay server ended before it listened (%v): %s", s.waitErr, s.lastWords())
	case <-timer.C:
		s.Stop()
		return nil, fmt.Errorf("the delay server did not say where it listens within %s", startTimeout)
	case <-ctx.Done():
		s.Stop()
		return nil, ctx.Err()
	}
	addr, err := ParseListenLine(line)
	if err != nil {
		s.Stop()
		return nil, err
	}
	s.Addr = addr
	return s, nil
}

// ParseListenLine reads the address out of the server's first line,
// "delay server listening on http://127.0.0.1:PORT", and insists that it
// is on loopback: the sweep opens thousands of connections to it.
func ParseListenLine(line string) (string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), listenPrefix)
	if !ok {
		return "", fmt.Errorf("the delay server's first line is %q, expected %q followed by host:port", truncate(line, 120), listenPrefix)
	}
	host, port, err := net.SplitHostPort(rest)
	if err != nil {
		return "", fmt.Errorf("the delay server's address %q: %w", rest, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("the delay server's address %q has no valid port", rest)
	}
	if err := target.CheckLoopback(host); err != nil {
		return "", fmt.Errorf("the delay server listens on %s: %w; the sweep only sends load to this machine", rest, err)
	}
	return rest, nil
}

// Exited reports whether the server process has ended, and if so how.
func (s *DelayServer) Exited() (bool, string) {
	select {
	case <-s.exited:
		return true, fmt.Sprintf("%v: %s", s.waitErr, s.lastWords())
	default:
		return false, ""
	}
}

// CPUTime reads the server's CPU time so far (user plus system, all its
// threads); only Linux tells it while the server runs (processCPU).
func (s *DelayServer) CPUTime() (time.Duration, error) {
	return processCPU(s.cmd.Process.Pid)
}

// Stop asks the server to stop with SIGINT, as Ctrl-C would, kills it if it
// has not stopped after its grace period, and returns the CPU time it used
// in its whole life, from the kernel's own accounting of the ended process.
func (s *DelayServer) Stop() (time.Duration, error) {
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = killGroup(s.cmd.Process)
	}
	timer := time.NewTimer(s.grace)
	defer timer.Stop()
	select {
	case <-s.exited:
	case <-timer.C:
		_ = killGroup(s.cmd.Process)
		<-s.exited
	}
	state := s.cmd.ProcessState
	if state == nil {
		return 0, fmt.Errorf("the delay server: %w", s.waitErr)
	}
	cpu := state.UserTime() + state.SystemTime()
	if !state.Success() {
		return cpu, fmt.Errorf("the delay server ended with %s: %s", describeExit(state), s.lastWords())
	}
	return cpu, nil
}

// lastWords is what the server wrote to stderr, on one line.
func (s *DelayServer) lastWords() string {
	text := oneLine(string(s.stderr.Head()))
	if text == "" {
		return "(nothing on stderr)"
	}
	return truncate(text, 300)
}

// firstLineWriter hands the first line written to it to a channel and
// throws the rest away, so a quiet server never blocks on a full pipe.
type firstLineWriter struct {
	line chan string
	mu   sync.Mutex
	buf  bytes.Buffer
	sent bool
}

func newFirstLineWriter() *firstLineWriter {
	return &firstLineWriter{line: make(chan string, 1)}
}

func (w *firstLineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(p), nil
	}
	w.buf.Write(p)
	text := w.buf.Bytes()
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		w.send(string(text[:i]))
	} else if len(text) > 4096 {
		// A first line this long is not the one we wait for; hand it on so
		// that ParseListenLine can say what it was.
		w.send(string(text))
	}
	return len(p), nil
}

// send hands line on, once; the caller holds w.mu.
func (w *firstLineWriter) send(line string) {
	w.line <- line
	w.sent = true
	w.buf = bytes.Buffer{}
}
