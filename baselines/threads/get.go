//go:build linux || darwin || freebsd

// get.go is one request on a blocking socket: connect, send, then read the
// answer with net/http, the calling thread asleep in the kernel at each step.

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// get makes one GET request and returns the body. timeout is a deadline for
// the whole request, from socket(2) to the last byte of the answer.
func get(t *target.Target, path string, timeout time.Duration) (string, error) {
	conn, err := dial(t, time.Now().Add(timeout))
	if err != nil {
		return "", requestError(path, "connect", err, timeout)
	}
	defer conn.Close()
	if err := conn.writeAll([]byte(plan.RequestText(t.Host, path))); err != nil {
		return "", requestError(path, "send", err, timeout)
	}
	body, err := plan.ReadAnswer(conn)
	if err != nil {
		return "", requestError(path, "answer", err, timeout)
	}
	return body, nil
}

// requestError says which request failed at which step, and says a passed
// deadline in words.
func requestError(path, step string, err error, timeout time.Duration) error {
	if errors.Is(err, errDeadline) {
		err = fmt.Errorf("no complete answer within -timeout %s", timeout)
	}
	return fmt.Errorf("GET %s: %s: %w", path, step, err)
}
