//go:build linux || darwin || freebsd

// main_test.go holds TestMain, which also lets the test binary play a fake
// program or a fake delay server (see fake_test.go), so that the sweep's
// handling of every way a child can end is tested without real load.

package main

import (
	"os"
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

func TestMain(m *testing.M) {
	if behaviour, ok := os.LookupEnv(fakeProgramEnv); ok {
		os.Exit(fakeProgram(behaviour, os.Args[1:]))
	}
	if behaviour, ok := os.LookupEnv(fakeServerEnv); ok {
		os.Exit(fakeServer(behaviour))
	}
	leakcheck.Main(m)
}
