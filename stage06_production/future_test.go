//go:build linux || darwin || freebsd

// Tests for the Poll answers: each constructor must build the answer its
// name promises.

package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPendingIsNotReady(t *testing.T) {
	p := Pending[string]()
	assert.False(t, p.Ready, "Pending() must have Ready == false")
	assert.NoError(t, p.Err, "Pending() must not carry an error")
}

func TestReadyCarriesValue(t *testing.T) {
	p := Ready("body")
	assert.True(t, p.Ready, "Ready(v) must have Ready == true")
	assert.Equal(t, "body", p.Value, "Ready(v) must carry v as Value")
	assert.NoError(t, p.Err, "Ready(v) must not carry an error")
}

func TestFailedIsReadyWithError(t *testing.T) {
	boom := errors.New("boom")
	p := Failed[string](boom)
	assert.True(t, p.Ready, "Failed(err) must have Ready == true: the future has finished")
	assert.ErrorIs(t, p.Err, boom, "Failed(err) must carry err")
}
