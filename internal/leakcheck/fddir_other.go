//go:build !linux

package leakcheck

// fdDir is where macOS and the BSDs list the process's open descriptors
// (fdescfs). On systems without it, OpenFDs returns an error that says so.
const fdDir = "/dev/fd"
