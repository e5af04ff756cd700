//go:build !(linux || darwin || freebsd)

// This file is the whole program on systems other than Linux, macOS and
// FreeBSD, where the programs it measures do not run either: it says so in
// one line and exits with status 1.

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sweep: needs Linux, macOS or FreeBSD, like the programs it measures; on Windows, use WSL 2")
	os.Exit(1)
}
