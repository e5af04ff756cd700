// get.go is one request: dial, send, read the answer. The code reads as if
// it blocked; underneath, each call parks only its goroutine.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/asyncworkbook/asyncgo/baselines/internal/plan"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// get makes one GET request and returns the body. timeout is a deadline for
// the whole request, dial included. When ctx ends (Ctrl-C) a dial still
// under way gives up; a request already waiting for its answer is left to
// the process's exit, which closes its socket (main.go says why).
func get(ctx context.Context, t *target.Target, path string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", t.AddrPort.String())
	if err != nil {
		return "", requestError(path, "connect", err, timeout)
	}
	defer conn.Close()
	// One deadline covers every read and write that follows: the netpoller
	// keeps a timer for it and wakes the goroutine with an error when it
	// passes.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return "", requestError(path, "set deadline", err, timeout)
	}
	if _, err := io.WriteString(conn, plan.RequestText(t.Host, path)); err != nil {
		return "", requestError(path, "send", err, timeout)
	}
	body, err := plan.ReadAnswer(conn)
	if err != nil {
		return "", requestError(path, "answer", err, timeout)
	}
	return body, nil
}

// requestError says which request failed at which step, and turns Go's
// "i/o timeout" and "context deadline exceeded" into one plain timeout.
func requestError(path, step string, err error, timeout time.Duration) error {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no complete answer within -timeout %s", timeout)
	}
	return fmt.Errorf("GET %s: %s: %w", path, step, err)
}
