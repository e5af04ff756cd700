//go:build linux

// limits_linux.go reads Linux's limits on threads: the user's RLIMIT_NPROC
// (which on Linux counts threads), the kernel's threads-max and pid_max,
// and the pids.max of this process's cgroup, each with what already uses it.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// osThreadLimits reads Linux's limits on threads, in the order a run would
// hit them. One that cannot be read is left out.
func osThreadLimits() []threadLimit {
	var limits []threadLimit
	tasks := systemTasks()
	// RLIMIT_NPROC counts every thread of the user; the kernel does not
	// enforce it for root.
	var rl unix.Rlimit
	if uid := unix.Getuid(); uid != 0 && unix.Getrlimit(unix.RLIMIT_NPROC, &rl) == nil && rl.Cur != unix.RLIM_INFINITY {
		limits = append(limits, threadLimit{
			name: "the max user processes limit (ulimit -u)", max: clampInt64(rl.Cur), inUse: userTasks(uid),
			raise: func(need int64) string {
				if hard := clampInt64(rl.Max); need > hard {
					return fmt.Sprintf("raise the hard limit %d (as root, e.g. in /etc/security/limits.conf), then ulimit -u %d", hard, need)
				}
				return fmt.Sprintf("raise it with ulimit -u %d", need)
			},
		})
	}
	if n, err := readIntFile("/proc/sys/kernel/threads-max"); err == nil {
		limits = append(limits, threadLimit{name: "the kernel's threads-max", max: n, inUse: tasks,
			raise: func(need int64) string { return fmt.Sprintf("raise it with sudo sysctl kernel.threads-max=%d", need) }})
	}
	// Every thread takes a process id, so pid_max bounds threads too.
	if n, err := readIntFile("/proc/sys/kernel/pid_max"); err == nil {
		limits = append(limits, threadLimit{name: "the kernel's pid_max", max: n, inUse: tasks,
			raise: func(need int64) string { return fmt.Sprintf("raise it with sudo sysctl kernel.pid_max=%d", need) }})
	}
	if dir, ok := pidsCgroupDir(); ok {
		maxPids, errMax := readIntFile(filepath.Join(dir, "pids.max"))
		current, errCur := readIntFile(filepath.Join(dir, "pids.current"))
		if errMax == nil && errCur == nil {
			limits = append(limits, threadLimit{name: "the cgroup's pids.max (" + dir + ")", max: maxPids, inUse: current,
				raise: func(need int64) string {
					return fmt.Sprintf("raise the cgroup's pids.max to at least %d (a container's --pids-limit, systemd's TasksMax)", need)
				}})
		}
	}
	return limits
}

// systemTasks is the number of threads on the whole system: the total in
// the fourth field of /proc/loadavg ("running/total"), 0 when unreadable.
func systemTasks() int64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 4 {
		return 0
	}
	_, total, _ := strings.Cut(fields[3], "/")
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
		if statusField(data, "Uid:") != strconv.Itoa(uid) {
			continue
		}
		if n, err := strconv.ParseInt(statusField(data, "Threads:"), 10, 64); err == nil {
			total += n
		}
	}
	return total
}

// statusField is the first word after key in a /proc/PID/status file, or "".
func statusField(status []byte, key string) string {
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, key); ok {
			if fields := strings.Fields(rest); len(fields) > 0 {
				return fields[0]
			}
		}
	}
	return ""
}

// pidsCgroupDir finds this process's pids cgroup: the unified hierarchy
// (cgroup v2, line "0::/path") or the v1 pids controller ("N:pids:/path").
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

// readIntFile reads a file that holds one number; the cgroup's "max" (no
// limit) reads as the largest int64.
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

// clampInt64 converts a limit to int64; "unlimited" stays huge.
func clampInt64(v uint64) int64 {
	return int64(min(v, 1<<63-1))
}
