//go:build darwin || freebsd

// The macOS and FreeBSD side of runtime_linux_test.go.

package main

import "testing"

// TestWaitRetriesWhenInterruptedBySignal needs what only Linux shows: which
// system call a thread is in (/proc/PID/task/TID/syscall), and a way to
// signal one thread (tgkill). The retry it checks is the same code here.
func TestWaitRetriesWhenInterruptedBySignal(t *testing.T) {
	t.Skip("needs Linux: it watches the waiting thread through /proc and signals it with tgkill")
}
