//go:build linux

// measure_linux.go is how measure.go counts threads on Linux: the kernel
// writes each process's thread count in the "Threads:" line of
// /proc/PID/status, so the count is exact at the moment of each look and
// includes every thread, not only the Go runtime's.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// maxRSSUnit is the unit of getrusage's ru_maxrss on Linux: kilobytes.
const maxRSSUnit = 1024

// procStatusCounter counts the threads of a process by reading its
// /proc/PID/status file.
type procStatusCounter struct {
	status *os.File // open for the counter's life: no open(2) per look
	buf    []byte   // reused, so sampling does not feed the GC
}

// newThreadCounter opens the status file of process pid. A file that cannot
// be opened (the process already gone) leaves status nil, and every count
// fails.
func newThreadCounter(pid int) threadCounter {
	c := &procStatusCounter{buf: make([]byte, 8<<10)}
	c.status, _ = os.Open(fmt.Sprintf("/proc/%d/status", pid))
	return c
}

// errNoStatusFile is the count of a process whose status file could not be
// opened.
var errNoStatusFile = errors.New("no /proc status file")

// count reads the thread count once. The kernel writes a /proc file afresh
// for every read from offset 0. A process that has exited gives an error.
func (c *procStatusCounter) count() (int, error) {
	if c.status == nil {
		return 0, errNoStatusFile
	}
	n, err := c.status.ReadAt(c.buf, 0)
	if n == 0 && err != nil {
		return 0, err
	}
	return parseThreadCount(c.buf[:n])
}

func (c *procStatusCounter) close() {
	if c.status != nil {
		c.status.Close()
	}
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
