// This file holds the HTTP/1.1 both baselines speak: the request they send
// and how they read the answer, with net/http doing the parsing.

package plan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxBody is the largest response body a request accepts (1 MiB); a larger
// one makes the request fail instead of filling the memory.
const MaxBody = 1 << 20

// maxHeader bounds the status line and headers. With MaxBody it caps what
// one response may make a request read at all.
const maxHeader = 64 << 10

// ErrTooLarge says a response went past the cap.
var ErrTooLarge = errors.New("response larger than the 1 MiB cap")

// RequestText is the whole GET request for path. "Connection: close" asks
// the server to close the connection after its answer, so that every request
// has a connection of its own, as in the runtime.
func RequestText(host, path string) string {
	return "GET " + path + " HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Connection: close\r\n" +
		"\r\n"
}

// ReadAnswer reads one response from conn with net/http and returns its
// body. A status other than 2xx is an error carrying the body (the delay
// server says there why it refused), and so is a response past the cap.
func ReadAnswer(conn io.Reader) (string, error) {
	capped := &cappedReader{r: conn, left: MaxBody + maxHeader}
	resp, err := http.ReadResponse(bufio.NewReader(capped), nil)
	if err != nil {
		return "", fmt.Errorf("read response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("read body: %w", err)
	case len(body) > MaxBody:
		return "", fmt.Errorf("read body: %w", ErrTooLarge)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return "", fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}

// cappedReader passes reads on until left bytes have been read, then fails
// with ErrTooLarge: a server that sends endless headers cannot make the
// request read for ever.
type cappedReader struct {
	r    io.Reader
	left int
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, ErrTooLarge
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}
