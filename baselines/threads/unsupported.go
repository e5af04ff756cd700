//go:build !(linux || darwin || freebsd)

// This file is the whole program on systems other than Linux, macOS and
// FreeBSD: the blocking sockets come from golang.org/x/sys/unix.

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "threads: needs Linux, macOS or FreeBSD (blocking sockets through golang.org/x/sys/unix); on Windows, use WSL 2")
	os.Exit(1)
}
