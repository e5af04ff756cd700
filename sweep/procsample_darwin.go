//go:build darwin

// procsample_darwin.go: macOS tells another process's thread count only
// through proc_pidinfo, a C call; the workbook builds without cgo, so on
// macOS the sweep does not count threads, and says so. The peak memory
// comes from the child's rusage once it has exited.

package main

// sampleNote says how the child's threads and memory are measured, for the
// output.
const sampleNote = "peak OS threads NOT measured (macOS gives another process's thread count only through cgo), peak RSS from the child's rusage"

// sampleProcess has nothing to read on macOS.
func sampleProcess(int) (procSample, error) { return procSample{}, nil }
