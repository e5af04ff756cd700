//go:build !unix

package delayserver

// openFileLimit has no ulimit -n to read on systems that are not Unix
// (Windows counts handles differently); DefaultMaxConns then uses its
// fallback.
func openFileLimit() (int, bool) { return 0, false }
