// limits.go checks, before anything starts, that the run asked for makes
// sense and fits in what the system allows, so that a run that cannot work
// ends with one line saying why and what to change, not with a crash midway.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Bounds on the flags. Past them a run is a mistake rather than an experiment.
const (
	maxExecutors = 1024      // each executor is an OS thread in the runtime mode
	maxRequests  = 1_000_000 // per executor; the socket check is the real bound
	maxDelay     = 60 * time.Second
)

// validatePlan checks the flags that shape the workload.
func validatePlan(p Plan) error {
	switch {
	case p.Executors < 1 || p.Executors > maxExecutors:
		return fmt.Errorf("-executors %d: must be between 1 and %d", p.Executors, maxExecutors)
	case p.Requests < 1 || p.Requests > maxRequests:
		return fmt.Errorf("-requests %d: must be between 1 and %d", p.Requests, maxRequests)
	case p.FixedDelay && (p.Delay < 0 || p.Delay > maxDelay):
		return fmt.Errorf("-delay %s: must be between 0 and %s", p.Delay, maxDelay)
	case !p.FixedDelay && p.MaxDelay() > maxDelay:
		return fmt.Errorf("-requests %d without -delay: request %d would wait %s, more than the delay server's limit of %s; pass a fixed delay, e.g. -delay 1s",
			p.Requests, p.Requests-1, p.MaxDelay(), maxDelay)
	}
	return nil
}

// socketMargin is the number of descriptors kept free for everything that is
// not a request socket: stdin/out/err, epoll and eventfd, the listener of an
// embedded server, files the runtime opens.
const socketMargin = 64

// checkSockets checks that every request can hold its socket at the same
// time. All modes open all their sockets at once: that is the point of the
// comparison. When the delay server runs inside the same process, each
// connection costs a second descriptor, the server's end.
//
// openFiles is the soft RLIMIT_NOFILE. Go raises the soft limit to the hard
// limit when a program starts, so this is the most the process can get.
func checkSockets(p Plan, serverInProcess bool, openFiles uint64) error {
	sockets := uint64(p.Total())
	why := ""
	if serverInProcess {
		sockets *= 2
		why = " (client and server ends: the delay server runs in this process)"
	}
	if sockets+socketMargin <= openFiles {
		return nil
	}
	return fmt.Errorf("%d requests need %d sockets at once%s but the open-file limit is %d; lower -requests/-executors or raise ulimit -n",
		p.Total(), sockets, why, openFiles)
}

// openFileLimit reads the soft limit on open files.
func openFileLimit() (uint64, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("read the open-file limit: %w", err)
	}
	return rl.Cur, nil
}

// threadsOverhead estimates the threads the Go runtime needs besides the one
// per request: sysmon, the threads running goroutines (GOMAXPROCS of them),
// the template thread, spare threads parked in the scheduler. It is an
// estimate; the child process guards against being wrong.
func threadsOverhead() int { return 2*runtime.GOMAXPROCS(0) + 16 }

// ThreadLimit is one limit on how many more threads the threads mode may
// create.
type ThreadLimit struct {
	// Name says which limit it is, as the error message shows it.
	Name string
	// Max is the limit itself.
	Max int64
	// InUse is how much of it other tasks already take (0 when unknown).
	InUse int64
	// Raise says how to raise it, given the number of threads needed.
	Raise func(need int64) string
}

// checkThreads checks that the threads mode can create one OS thread per
// request under every known limit, and names the first limit that is too low.
func checkThreads(p Plan, limits []ThreadLimit) error {
	need := int64(p.Total() + threadsOverhead())
	for _, l := range limits {
		free := l.Max - l.InUse
		if need <= free {
			continue
		}
		inUse := ""
		if l.InUse > 0 {
			inUse = fmt.Sprintf(", of which %d are in use", l.InUse)
		}
		return fmt.Errorf("threads mode: %d requests need about %d OS threads but %s is %d%s; %s, or lower -requests/-executors",
			p.Total(), need, l.Name, l.Max, inUse, l.Raise(need+l.InUse))
	}
	return nil
}

// systemThreadLimits reads the limits the threads mode runs into, in the
// order it would hit them. A limit that cannot be read is left out: the child
// process still catches what no check foresaw.
func systemThreadLimits(goMaxThreads int) []ThreadLimit {
	limits := []ThreadLimit{{
		Name: "Go's thread limit",
		Max:  int64(goMaxThreads),
		Raise: func(need int64) string {
			return fmt.Sprintf("pass -max-threads %d", need)
		},
	}}

	tasks := systemTasks()

	// RLIMIT_NPROC counts every process and thread of the user, this
	// program's included. The kernel does not enforce it for root, so it is
	// not a limit there.
	var rl unix.Rlimit
	if uid := unix.Getuid(); uid != 0 && unix.Getrlimit(unix.RLIMIT_NPROC, &rl) == nil && rl.Cur != unix.RLIM_INFINITY {
		limits = append(limits, ThreadLimit{
			Name:  "the max user processes limit (ulimit -u)",
			Max:   clampInt64(rl.Cur),
			InUse: userTasks(uid),
			Raise: func(need int64) string {
				if hard := clampInt64(rl.Max); need > hard {
					return fmt.Sprintf("raise the hard limit %d (as root, e.g. in /etc/security/limits.conf), then ulimit -u %d", hard, need)
				}
				return fmt.Sprintf("raise it with ulimit -u %d", need)
			},
		})
	}
	if n, err := readIntFile("/proc/sys/kernel/threads-max"); err == nil {
		limits = append(limits, ThreadLimit{
			Name: "the kernel's threads-max", Max: n, InUse: tasks,
			Raise: func(need int64) string {
				return fmt.Sprintf("raise it with sudo sysctl kernel.threads-max=%d", need)
			},
		})
	}
	// Every thread takes a process id, so pid_max bounds threads too.
	if n, err := readIntFile("/proc/sys/kernel/pid_max"); err == nil {
		limits = append(limits, ThreadLimit{
			Name: "the kernel's pid_max", Max: n, InUse: tasks,
			Raise: func(need int64) string {
				return fmt.Sprintf("raise it with sudo sysctl kernel.pid_max=%d", need)
			},
		})
	}
	if dir, ok := pidsCgroupDir(); ok {
		max, errMax := readIntFile(filepath.Join(dir, "pids.max"))
		current, errCur := readIntFile(filepath.Join(dir, "pids.current"))
		if errMax == nil && errCur == nil {
			limits = append(limits, ThreadLimit{
				Name: "the cgroup's pids.max (" + dir + ")", Max: max, InUse: current,
				Raise: func(need int64) string {
					return fmt.Sprintf("raise pids.max of the cgroup to at least %d (a container's --pids-limit, systemd's TasksMax)", need)
				},
			})
		}
	}
	return limits
}

// systemTasks is the number of threads on the whole system, the fourth field
// of /proc/loadavg ("running/total"). 0 when it cannot be read.
func systemTasks() int64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 4 {
		return 0
	}
	_, total, ok := strings.Cut(fields[3], "/")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// userTasks counts the threads of every process whose real user is uid, as
// RLIMIT_NPROC does. Processes that end while we look are skipped.
func userTasks(uid int) int64 {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total int64
	for _, d := range dirs {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", d.Name(), "status"))
		if err != nil {
			continue
		}
		if realUID(data) != uid {
			continue
		}
		if n, err := parseThreadCount(data); err == nil {
			total += int64(n)
		}
	}
	return total
}

// realUID is the first number of the "Uid:" line of a /proc status file
// (real, effective, saved, filesystem), or -1.
func realUID(status []byte) int {
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				if n, err := strconv.Atoi(fields[0]); err == nil {
					return n
				}
			}
		}
	}
	return -1
}

// pidsCgroupDir finds the directory of this process's pids cgroup: the
// unified hierarchy (cgroup v2, line "0::/path") or the v1 pids controller
// (line "N:pids:/path").
func pidsCgroupDir() (string, bool) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", false
	}
	for line := range strings.Lines(string(data)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var dir string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir = filepath.Join("/sys/fs/cgroup", parts[2])
		case parts[1] == "pids":
			dir = filepath.Join("/sys/fs/cgroup/pids", parts[2])
		default:
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pids.max")); err == nil {
			return dir, true
		}
	}
	return "", false
}

// readIntFile reads a file that holds one number. "max" (cgroup for "no
// limit") is read as the largest int64.
func readIntFile(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := strings.TrimSpace(string(data))
	if text == "max" {
		return 1<<63 - 1, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// clampInt64 converts a limit to int64; an "unlimited" value stays huge.
func clampInt64(v uint64) int64 {
	if v > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(v)
}
