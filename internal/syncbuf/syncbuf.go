// Package syncbuf is the one piece of test plumbing that almost every test
// package here needs: a buffer that a program, a server or an executor
// writes to on its own goroutine while the test reads what has arrived so
// far. A plain bytes.Buffer would be a data race, which `go test -race`
// reports against the test instead of the code under test.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer behind a mutex. Its zero value is ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
