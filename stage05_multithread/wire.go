//go:build linux || darwin || freebsd

// wire.go holds the bits of HTTP/1.1 that the threads and goroutines modes
// share: the request they send and what counts as a successful response.

package main

import (
	"fmt"
	"net/http"
	"strings"
)

// requestText is the whole GET request for path. "Connection: close" asks the
// server to close the connection after the response, so that reading until
// end of file reads exactly one response.
func requestText(host, path string) string {
	return "GET " + path + " HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Connection: close\r\n" +
		"\r\n"
}

// checkStatus turns a response into the body, or into an error when the
// status is not 2xx (the delay server answers 400 to a delay it refuses, and
// the body says why).
func checkStatus(path string, resp *http.Response, body []byte) (string, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
