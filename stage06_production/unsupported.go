//go:build !linux && !darwin && !freebsd

// This file is the whole program on systems this stage does not support:
// it says so in one line and what to use instead, and exits with status 1.

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "stage06_production: needs epoll (Linux) or kqueue (macOS, FreeBSD); on Windows, run it under WSL 2")
	os.Exit(1)
}
