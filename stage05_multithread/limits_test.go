//go:build linux || darwin || freebsd

package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireOneLine fails unless err is a single line that contains every want.
func requireOneLine(t *testing.T, err error, want ...string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "an error must be one line")
	for _, w := range want {
		assert.Contains(t, msg, w)
	}
}

func TestValidatePlanAcceptsTheDefaults(t *testing.T) {
	assert.NoError(t, validatePlan(Plan{Executors: 12, Requests: 5}))
	assert.NoError(t, validatePlan(Plan{Executors: 2, Requests: 2000, Delay: time.Second, FixedDelay: true}))
	assert.NoError(t, validatePlan(Plan{Executors: 1, Requests: 1, FixedDelay: true}), "a zero delay is allowed")
}

func TestValidatePlanRefusesBadFlags(t *testing.T) {
	cases := map[string]struct {
		plan Plan
		want []string
	}{
		"no executors":        {Plan{Executors: 0, Requests: 5}, []string{"-executors 0", "between 1 and"}},
		"too many executors":  {Plan{Executors: maxExecutors + 1, Requests: 5}, []string{"-executors", "between 1 and"}},
		"no requests":         {Plan{Executors: 1, Requests: 0}, []string{"-requests 0", "between 1 and"}},
		"negative requests":   {Plan{Executors: 1, Requests: -3}, []string{"-requests -3"}},
		"negative delay":      {Plan{Executors: 1, Requests: 1, Delay: -time.Second, FixedDelay: true}, []string{"-delay -1s", "between 0 and 1m0s"}},
		"delay past 60s":      {Plan{Executors: 1, Requests: 1, Delay: 61 * time.Second, FixedDelay: true}, []string{"-delay 1m1s"}},
		"i seconds past 60 s": {Plan{Executors: 1, Requests: 62}, []string{"-requests 62 without -delay", "request 61 would wait 1m1s", "-delay 1s"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			requireOneLine(t, validatePlan(c.plan), c.want...)
		})
	}
}

func TestCheckSocketsNamesTheOpenFileLimit(t *testing.T) {
	p := Plan{Executors: 2, Requests: 5000, Delay: time.Second, FixedDelay: true}

	requireOneLine(t, checkSockets(p, false, 10000),
		"10000 requests need 10000 sockets at once but the open-file limit is 10000; lower -requests/-executors or raise ulimit -n")
	requireOneLine(t, checkSockets(p, true, 15000),
		"need 20000 sockets", "delay server runs in this process", "open-file limit is 15000")
	assert.NoError(t, checkSockets(p, false, 20000))
	assert.NoError(t, checkSockets(p, true, 20100))
}

func TestOpenFileLimitIsReadable(t *testing.T) {
	n, err := openFileLimit()
	require.NoError(t, err)
	assert.Positive(t, n)
}

func TestCheckThreadsNamesGosThreadLimitAndTheFlag(t *testing.T) {
	p := Plan{Executors: 2, Requests: 6000, Delay: time.Second, FixedDelay: true}
	limits := []ThreadLimit{{
		Name: "Go's thread limit", Max: 10000,
		Raise: func(need int64) string { return "pass -max-threads " + strconv.FormatInt(need, 10) },
	}}
	need := int64(12000 + threadsOverhead())

	requireOneLine(t, checkThreads(p, limits),
		"threads mode: 12000 requests need about "+strconv.FormatInt(need, 10)+" OS threads but Go's thread limit is 10000",
		"pass -max-threads "+strconv.FormatInt(need, 10), "lower -requests/-executors")
}

func TestCheckThreadsCountsThreadsAlreadyInUse(t *testing.T) {
	p := Plan{Executors: 1, Requests: 1000, Delay: time.Second, FixedDelay: true}
	var raisedTo int64
	limits := []ThreadLimit{
		{Name: "Go's thread limit", Max: 10000, Raise: func(int64) string { return "unused" }},
		{Name: "the kernel's pid_max", Max: 32768, InUse: 32000, Raise: func(need int64) string {
			raisedTo = need
			return "raise it"
		}},
	}

	requireOneLine(t, checkThreads(p, limits), "the kernel's pid_max is 32768, of which 32000 are in use", "raise it")
	assert.Equal(t, int64(32000+1000+threadsOverhead()), raisedTo, "the advice must cover the threads in use too")
}

func TestCheckThreadsPassesUnderEveryLimit(t *testing.T) {
	p := Plan{Executors: 2, Requests: 5}
	limits := []ThreadLimit{
		{Name: "a", Max: 10000},
		{Name: "b", Max: 1 << 20, InUse: 500},
	}
	assert.NoError(t, checkThreads(p, limits))
}

func TestSystemThreadLimitsStartWithGosOwn(t *testing.T) {
	limits := systemThreadLimits(1234)
	require.NotEmpty(t, limits)
	assert.Equal(t, "Go's thread limit", limits[0].Name)
	assert.EqualValues(t, 1234, limits[0].Max)
	for _, l := range limits {
		assert.Positive(t, l.Max, "limit %q", l.Name)
		assert.GreaterOrEqual(t, l.InUse, int64(0), "limit %q", l.Name)
		if l.Raise == nil {
			continue // a limit the system does not let anyone raise (macOS's)
		}
		assert.NotEmpty(t, l.Raise(100), "limit %q must say how to raise it", l.Name)
	}
}
