//go:build linux || darwin || freebsd

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanWithoutDelayWaitsOneSecondPerRequestIndex(t *testing.T) {
	p := Plan{Executors: 3, Requests: 5}
	assert.Equal(t, 15, p.Total())
	assert.Equal(t, "/0/HelloWorld0", p.Path(0))
	assert.Equal(t, "/1000/HelloWorld1", p.Path(1))
	assert.Equal(t, "/4000/HelloWorld4", p.Path(4))
	assert.Equal(t, 4*time.Second, p.MaxDelay(), "the last request (index 4) waits longest")
}

func TestPlanWithFixedDelayGivesEveryRequestTheSameDelay(t *testing.T) {
	p := Plan{Executors: 2, Requests: 3, Delay: 250 * time.Millisecond, FixedDelay: true}
	assert.Equal(t, "/250/HelloWorld0", p.Path(0))
	assert.Equal(t, "/250/HelloWorld2", p.Path(2))
	assert.Equal(t, 250*time.Millisecond, p.MaxDelay())
}

func TestPlanRoundsAFixedDelayDownToWholeMilliseconds(t *testing.T) {
	p := Plan{Executors: 1, Requests: 1, Delay: 1500 * time.Microsecond, FixedDelay: true}
	assert.Equal(t, "/1/HelloWorld0", p.Path(0), "the server counts whole milliseconds")
	assert.Equal(t, time.Millisecond, p.MaxDelay(), "MaxDelay must agree with the paths")
}

func TestPlanWithZeroFixedDelay(t *testing.T) {
	p := Plan{Executors: 1, Requests: 2, FixedDelay: true}
	assert.Equal(t, "/0/HelloWorld1", p.Path(1))
	assert.Equal(t, time.Duration(0), p.MaxDelay())
}

func TestRequestTimeoutIsTheFlagOrThirtySeconds(t *testing.T) {
	assert.Equal(t, 30*time.Second, Plan{Executors: 1, Requests: 10}.RequestTimeout(), "without -timeout a request gets 30 s")
	assert.Equal(t, 2*time.Second, Plan{Executors: 1, Requests: 10, Timeout: 2 * time.Second}.RequestTimeout())
}

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
