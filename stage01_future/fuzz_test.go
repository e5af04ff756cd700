//go:build linux || darwin || freebsd

// A fuzz target for the HTTP future's handling of an answer: whatever bytes
// a server sends, cut into whatever pieces, the future must finish with a
// body or an error, never panic, never loop, and never let the cuts change
// the result. Run it for longer with:
//
//	go test -run '^$' -fuzz FuzzHTTPGetAnswerInPieces ./stage01_future

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

func FuzzHTTPGetAnswerInPieces(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), []byte{1, 7, 3})
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), []byte{20, 1, 1, 1})
	f.Add([]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!"), []byte{2})
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"), []byte{})
	f.Add([]byte("garbage"), []byte{0, 0, 255})
	f.Add([]byte{}, []byte{})

	f.Fuzz(func(t *testing.T, answer []byte, cuts []byte) {
		if len(answer) > 64<<10 {
			return // larger than a socket pair's buffers: not what this checks
		}
		// Socketpair, then the flag: macOS has no SOCK_NONBLOCK.
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatalf("socket pair: %v", err)
		}
		for _, fd := range fds {
			if err := unix.SetNonblock(fd, true); err != nil {
				unix.Close(fds[0])
				unix.Close(fds[1])
				t.Fatalf("socket pair: %v", err)
			}
		}
		peer := fds[1]
		defer func() {
			if peer >= 0 {
				unix.Close(peer)
			}
		}()
		// The future starts in the reading state, as if it had connected
		// and sent its request over this socket.
		fut := &HTTPGetFuture{
			target: &target.Target{Host: "fuzz.invalid"},
			path:   "/fuzz",
			out:    io.Discard,
			fd:     fds[0],
			state:  httpReading,
		}
		defer fut.closeSocket()

		rest := answer
		for i := 0; len(rest) > 0; i++ {
			n := len(rest)
			if i < len(cuts) && int(cuts[i]) > 0 && int(cuts[i]) < n {
				n = int(cuts[i])
			}
			if _, err := unix.Write(peer, rest[:n]); err != nil {
				t.Fatalf("writing a piece of the answer: %v", err)
			}
			rest = rest[n:]
			if p := fut.Poll(); p.Ready {
				t.Fatalf("finished before the server closed the connection: %+v", p)
			}
		}
		unix.Close(peer)
		peer = -1
		got := fut.Poll()
		if !got.Ready {
			t.Fatalf("still pending after EOF")
		}
		if fut.fd != -1 {
			t.Fatalf("the socket was not closed")
		}

		// The cuts must not matter: the result is what net/http makes of the
		// whole answer at once.
		want, wantErr := wholeAnswer(answer)
		if (got.Err == nil) != (wantErr == nil) {
			t.Fatalf("in pieces: value %q err %v; whole: value %q err %v", got.Value, got.Err, want, wantErr)
		}
		if got.Err == nil && got.Value != want {
			t.Fatalf("in pieces the body is %q, whole it is %q", got.Value, want)
		}
	})
}

// wholeAnswer is the reference result: the body of a complete 2xx answer,
// or an error.
func wholeAnswer(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", io.ErrUnexpectedEOF
	}
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
		return "", io.ErrUnexpectedEOF
	}
	return string(body), nil
}
