//go:build linux

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestThreadsChildRefusedAThreadByTheOS(t *testing.T) {
	launcher := ThreadsLauncher{
		Command: shellChild(`printf 'runtime: failed to create new OS thread (have 4242 already; errno=11)\n' >&2
printf 'runtime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc\n\ngoroutine 1 gp=0x1 [running]:\nruntime.throw()\n' >&2
exit 2`),
		Timeout: time.Minute,
	}

	_, err := launcher.Run(closedPortTarget(t), Plan{Executors: 1, Requests: 1}, goDefaultMaxThreads, NewResults(nil, true))

	requireOneLine(t, err,
		"threads mode: the child process died",
		"runtime: failed to create new OS thread (have 4242 already; errno=11)",
		"the OS refused more threads", "ulimit -u")
	assert.NotContains(t, err.Error(), "goroutine 1")
}
