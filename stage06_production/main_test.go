//go:build linux || darwin || freebsd

// main_test.go holds what every test file of this package shares: TestMain
// (which checks that the tests leave no goroutine and no file descriptor
// behind) and test helpers.

package main

import (
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

func TestMain(m *testing.M) {
	stagetest.ReportStuckBeforeTheDeadline()
	leakcheck.Main(m)
}

// startServer starts a delay server on an ephemeral loopback port for one
// test and returns it as a target.
func startServer(t *testing.T) (*target.Target, *delayserver.Server) {
	t.Helper()
	srv := stagetest.StartDelayServer(t)
	return stagetest.Target(t, srv.Addr()), srv
}
