//go:build unix

package delayserver

import "golang.org/x/sys/unix"

// openFileLimit is the process's soft limit on open files (ulimit -n):
// every connection the server holds is one of them.
func openFileLimit() (int, bool) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, false
	}
	return int(min(lim.Cur, 1<<31)), true
}
