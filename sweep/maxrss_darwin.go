//go:build darwin

package main

// maxRSSInBytes: macOS counts ru_maxrss in bytes.
const maxRSSInBytes = true
