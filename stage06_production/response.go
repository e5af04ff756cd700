//go:build linux || darwin || freebsd

// This file turns the bytes of a complete HTTP/1.1 answer into its body,
// in place: the only allocation is the body's string. With 10,000 answers
// arriving within a few hundred milliseconds, what a parser leaves behind
// for the garbage collector is what the process's peak memory is made of
// (the README's section on memory has the figures).

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// errMalformed marks an answer that is not HTTP: parseResponse wraps it as
// "malformed response: ...".
var errMalformed = errors.New("malformed response")

// parseResponse turns the raw bytes of a complete answer (everything up to
// the server's close) into its body.
//
// It reads what this program's requests get back: a status line, headers,
// and a body that is chunked, or as long as Content-Length says, or
// everything up to the close. A body shorter than it promised is an error
// (io.ErrUnexpectedEOF), as is any status outside 2xx. raw is its own to
// change: a chunked body is joined up where it lies.
func parseResponse(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", errors.New("the server closed the connection without answering")
	}
	head, rest, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return "", fmt.Errorf("%w: the answer ends inside its headers: %w", errMalformed, io.ErrUnexpectedEOF)
	}
	statusLine, headers, _ := bytes.Cut(head, []byte("\r\n"))
	code, status, err := parseStatusLine(statusLine)
	if err != nil {
		return "", err
	}
	length, chunked, err := bodyFraming(headers)
	if err != nil {
		return "", err
	}
	var body []byte
	switch {
	case code == 204 || code == 304 || code < 200:
		body = nil // these answers have no body, whatever the headers say
	case chunked:
		body, err = joinChunks(rest)
	case length >= 0 && len(rest) < length:
		err = fmt.Errorf("%d of %d bytes: %w", len(rest), length, io.ErrUnexpectedEOF)
	case length >= 0:
		body = rest[:length]
	default:
		body = rest // no length given: the body is everything up to the close
	}
	if errors.Is(err, errMalformed) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("response body cut short: %w", err)
	}
	if code < 200 || code > 299 {
		return "", fmt.Errorf("server answered %s: %s", status, errorBodyLine(body))
	}
	return string(body), nil
}

// parseStatusLine reads "HTTP/1.1 200 OK" and returns the code and the
// status as an error names it ("200 OK"), still in line's bytes.
func parseStatusLine(line []byte) (code int, status []byte, err error) {
	version, status, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.HasPrefix(version, []byte("HTTP/1.")) {
		return 0, nil, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	digits, _, _ := bytes.Cut(status, []byte(" "))
	code, err = strconv.Atoi(string(digits))
	if err != nil || len(digits) != 3 {
		return 0, nil, fmt.Errorf("%w: status code %q", errMalformed, digits)
	}
	return code, status, nil
}

// bodyFraming reads, from the header lines, how the body ends: chunked
// (Transfer-Encoding: chunked), after length bytes (Content-Length), or
// at the close (length -1, neither header).
func bodyFraming(headers []byte) (length int, chunked bool, err error) {
	length = -1
	for len(headers) > 0 {
		var line []byte
		line, headers, _ = bytes.Cut(headers, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, fmt.Errorf("%w: header line %q", errMalformed, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 || (length >= 0 && n != length) {
				return 0, false, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) {
				return 0, false, fmt.Errorf("%w: Transfer-Encoding %q is not supported", errMalformed, value)
			}
			chunked = true
		}
	}
	return length, chunked, nil
}

// joinChunks decodes a chunked body ("5\r\nHello\r\n0\r\n\r\n") in place:
// each chunk's data is moved down over the size lines before it, which
// never overtakes what is still to be read. It returns the joined data,
// a slice of rest. Chunk extensions (";name=value") and trailers are
// skipped.
func joinChunks(rest []byte) ([]byte, error) {
	joined := rest[:0]
	for {
		sizeLine, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, fmt.Errorf("chunk size line: %w", io.ErrUnexpectedEOF)
		}
		hex, _, _ := bytes.Cut(sizeLine, []byte(";"))
		size, err := strconv.ParseUint(string(bytes.TrimSpace(hex)), 16, 31)
		if err != nil {
			return nil, fmt.Errorf("%w: chunk size %q", errMalformed, sizeLine)
		}
		if size == 0 {
			return joined, nil // what follows is trailers, which nobody here reads
		}
		if uint64(len(after)) < size+2 {
			return nil, fmt.Errorf("chunk of %d bytes: %w", size, io.ErrUnexpectedEOF)
		}
		if after[size] != '\r' || after[size+1] != '\n' {
			return nil, fmt.Errorf("%w: chunk of %d bytes not followed by CRLF", errMalformed, size)
		}
		joined = append(joined, after[:size]...)
		rest = after[size+2:]
	}
}

// errorBodyLine keeps an error body readable on one line of a terminal.
func errorBodyLine(body []byte) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if len(line) > 200 {
		line = line[:200] + "..."
	}
	return line
}
