// This file answers one request: parse the path, wait, reply.

package delayserver

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// errNotFound marks a path that does not have the /{delay_ms}/{message} shape.
var errNotFound = errors.New("not found")

// ParsePath splits an escaped request path of the form /{delay_ms}/{message}
// into the delay and the URL-decoded message. It returns errNotFound (wrapped)
// for a path of another shape and a descriptive error for a bad delay.
//
// The escaped path is split, not the decoded one, so that a message may carry
// an encoded slash (%2F) without changing the path's shape.
func ParsePath(escaped string, maxDelay time.Duration) (time.Duration, string, error) {
	rest, ok := strings.CutPrefix(escaped, "/")
	if !ok {
		return 0, "", fmt.Errorf("path %q: %w", escaped, errNotFound)
	}
	rawDelay, rawMessage, ok := strings.Cut(rest, "/")
	if !ok || rawDelay == "" || rawMessage == "" || strings.Contains(rawMessage, "/") {
		return 0, "", fmt.Errorf("path %q: %w; use /{delay_ms}/{message}", escaped, errNotFound)
	}
	ms, err := strconv.ParseUint(rawDelay, 10, 63)
	if err != nil {
		return 0, "", fmt.Errorf("delay %q is not a whole number of milliseconds; use e.g. /1000/hello", rawDelay)
	}
	if ms > uint64(maxDelay/time.Millisecond) {
		return 0, "", fmt.Errorf("delay %dms is over the maximum of %dms; ask for less or start the server with a larger -max-delay", ms, maxDelay.Milliseconds())
	}
	message, err := url.PathUnescape(rawMessage)
	if err != nil {
		return 0, "", fmt.Errorf("message %q is not valid URL encoding: %v", rawMessage, err)
	}
	return time.Duration(ms) * time.Millisecond, message, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	// Counted here, once the request has been read, and not when the
	// connection opens: see Config.MaxConns.
	defer s.serving.Add(-1)
	if s.serving.Add(1) > int64(s.cfg.MaxConns) {
		s.rejected.Add(1)
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "1")
		http.Error(w, fmt.Sprintf("over %d requests served at once; try again, or start the server with a larger -max-conns", s.cfg.MaxConns), http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, fmt.Sprintf("method %s is not allowed; use GET /{delay_ms}/{message}", r.Method), http.StatusMethodNotAllowed)
		return
	}
	delay, message, err := ParsePath(r.URL.EscapedPath(), s.cfg.MaxDelay)
	if errors.Is(err, errNotFound) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.logf("#%d - %dms: %s\n", n, delay.Milliseconds(), message)

	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
		// net/http cancels the context when the client closes its side of the
		// connection or the connection breaks. Returning without a write would
		// make net/http send "200 OK" with an empty body to a client that may
		// still be reading: an answer the server never gave. Aborting the
		// handler closes the connection without a status line instead.
		panic(http.ErrAbortHandler)
	case <-s.stop:
		// The server is stopping before the delay ended. Say so: a 503 is a
		// failure every client recognises, and the connection closes after it.
		w.Header().Set("Connection", "close")
		http.Error(w, fmt.Sprintf("the delay server is stopping; request #%d for %q was not finished", n, message), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(message)))
	_, _ = w.Write([]byte(message))
}

// logf writes one log line. The mutex keeps lines from concurrent requests
// whole even when Log is a plain buffer.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, format, args...)
}

// quietLogger drops net/http's own error log ("http: Accept error", TLS
// noise): under load tests it would bury the lines a learner wants to see.
func quietLogger() *log.Logger {
	return log.New(io.Discard, "", 0)
}
