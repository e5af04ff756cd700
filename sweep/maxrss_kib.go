//go:build linux || freebsd

package main

// maxRSSInBytes: Linux and FreeBSD count ru_maxrss in KiB.
const maxRSSInBytes = false
