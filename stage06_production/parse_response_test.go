//go:build linux || darwin || freebsd

// Tests for what parseResponse reuses between answers: the body it returns
// must be the caller's own, and one huge answer must not stay in the pool.

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// delayServerAnswer is an answer as the delay server sends it.
func delayServerAnswer(body string) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: text/plain; charset=utf-8\r\nDate: Sat, 05 Dec 2026 10:37:03 GMT\r\n\r\n%s", len(body), body)
}

func TestParseResponseBodiesOutliveTheNextParse(t *testing.T) {
	first, err := parseResponse(delayServerAnswer("HelloWorld1"))
	require.NoError(t, err)
	for i := range 10 {
		_, err := parseResponse(delayServerAnswer(fmt.Sprintf("other answer %d", i)))
		require.NoError(t, err)
	}
	assert.Equal(t, "HelloWorld1", first, "a body must be copied out of the parser's reused buffer: the next answer is read into the same buffer")
}

func TestParseResponseDoesNotKeepAHugeBodyBuffer(t *testing.T) {
	huge := strings.Repeat("x", maxResponseBytes/2)
	body, err := parseResponse(delayServerAnswer(huge))
	require.NoError(t, err)
	require.Len(t, body, len(huge))

	for range 100 { // sync.Pool may hand out any parser it holds: look at several
		p := responseParsers.Get().(*responseParser)
		defer responseParsers.Put(p)
		assert.LessOrEqual(t, p.body.Cap(), maxKeptBodyBuffer, "a parser back in the pool must not keep a huge answer's buffer")
	}
}

// BenchmarkParseResponse is the garbage one answer leaves: compare the
// B/op with that of io.ReadAll and a new bufio.Reader per answer.
func BenchmarkParseResponse(b *testing.B) {
	raw := delayServerAnswer("HelloWorld42")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseResponse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
