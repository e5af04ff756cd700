//go:build linux

// limits_linux.go reads the limits on threads that Linux imposes: the user's
// RLIMIT_NPROC (which on Linux counts threads, not only processes), the
// kernel's threads-max and pid_max, and the pids.max of the cgroup this
// process runs in. Each is read from /proc or /sys with what already uses it.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// outOfMemoryHint is what a child killed by SIGKILL most likely met: the
// kernel's out-of-memory killer, which says so in the kernel log.
const outOfMemoryHint = "perhaps the kernel ran out of memory (see dmesg)"

// osThreadSuspects lists the limits that can make Linux refuse a thread, for
// the message that explains a child that died of it.
func osThreadSuspects() string {
	return "ulimit -u, kernel.threads-max, kernel.pid_max, the cgroup's pids.max, free memory"
}

// osThreadLimits reads Linux's limits on threads in the order the threads
// mode would hit them. A limit that cannot be read is left out.
func osThreadLimits() []ThreadLimit {
	var limits []ThreadLimit
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
