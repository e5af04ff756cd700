//go:build !linux

// This file is the whole program on systems other than Linux: the sweep
// charges the delay server's CPU time to each run by reading it from
// /proc/PID/stat while the server runs, which only Linux has, so it says so
// in one line and exits with status 1. The stages themselves run on macOS
// and FreeBSD too.

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sweep: needs Linux (it reads the delay server's CPU time from /proc while it runs); run it on a Linux machine, in a Linux VM or under WSL 2; the stages themselves also run on macOS and FreeBSD")
	os.Exit(1)
}
