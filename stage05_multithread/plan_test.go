//go:build linux || darwin || freebsd

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
