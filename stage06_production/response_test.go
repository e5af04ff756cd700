//go:build linux || darwin || freebsd

// Tests for parseResponse: every answer below is also given to
// net/http.ReadResponse, the reference, and the two must agree on the body,
// or both refuse it.

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceBody is what net/http makes of raw: the body of a 2xx answer,
// or an error for anything else.
func referenceBody(raw []byte) (string, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), &http.Request{Method: http.MethodGet})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", io.EOF // any error: only "both refuse" is compared
	}
	return string(body), nil
}

func TestParseResponseAgreesWithNetHTTP(t *testing.T) {
	answers := map[string]string{
		"content-length":            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHello",
		"more bytes than promised":  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nHello",
		"header names in any case":  "HTTP/1.1 200 OK\r\ncontent-length:3\r\nX-Other: 1\r\n\r\nabcdef",
		"until the close":           "HTTP/1.1 200 OK\r\nDate: today\r\n\r\nall of it",
		"no headers, empty body":    "HTTP/1.1 200 OK\r\n\r\n",
		"chunked":                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n6\r\n World\r\n0\r\n\r\n",
		"chunked, hex and trailers": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na;x=y\r\n0123456789\r\n1\r\n!\r\n0\r\nTrailer: z\r\n\r\n",
		"204 ignores a length":      "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
		"HTTP/1.0":                  "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"body with CRLFs":           "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\na\r\n\r\nb",
	}
	for name, raw := range answers {
		t.Run(name, func(t *testing.T) {
			want, err := referenceBody([]byte(raw))
			require.NoError(t, err, "the reference must accept this answer")
			got, err := parseResponse([]byte(raw))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestParseResponseRefusesWhatNetHTTPRefuses(t *testing.T) {
	answers := map[string]struct{ raw, says string }{
		"cut inside the headers":   {"HTTP/1.1 200 OK\r\nContent-Len", "malformed response"},
		"not HTTP":                 {"SSH-2.0-OpenSSH\r\n\r\n", "malformed response"},
		"status code not a number": {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed response"},
		"header without a colon":   {"HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "malformed response"},
		"length not a number":      {"HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nHello", "malformed response"},
		"two different lengths":    {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nHello!", "malformed response"},
		"body shorter than length": {"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nonly 9 by", "cut short"},
		"chunk cut short":          {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHel", "cut short"},
		"no last chunk":            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n", "cut short"},
		"chunk size not hex":       {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nHello\r\n0\r\n\r\n", "malformed"},
		"chunk longer than said":   {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nHello\r\n0\r\n\r\n", "malformed"},
		"a status outside 2xx":     {"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n", "server answered 503 Service Unavailable: busy"},
	}
	for name, a := range answers {
		t.Run(name, func(t *testing.T) {
			_, refErr := referenceBody([]byte(a.raw))
			require.Error(t, refErr, "the reference must refuse this answer")
			body, err := parseResponse([]byte(a.raw))
			require.Error(t, err, "got body %q", body)
			assert.Contains(t, err.Error(), a.says)
		})
	}
}

func TestParseResponseAllocatesOnlyTheBody(t *testing.T) {
	chunked := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n6\r\n World\r\n0\r\n\r\n")
	raw := make([]byte, len(chunked))
	allocs := testing.AllocsPerRun(100, func() {
		copy(raw, chunked) // joining the chunks writes into raw
		body, err := parseResponse(raw)
		if err != nil || body != "Hello World" {
			t.Fatalf("parseResponse = %q, %v", body, err)
		}
	})
	assert.Equal(t, 1.0, allocs, "the body's string should be the only allocation: a parser that allocates per header or per chunk leaves garbage for every answer")
}
