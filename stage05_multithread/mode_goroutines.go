//go:build linux || darwin || freebsd

// mode_goroutines.go is the comparison a Go programmer would write first: one
// goroutine per request and the net package. Go's own runtime then does what
// this workbook builds by hand: the netpoller parks each goroutine on epoll
// while its socket is not ready, and a handful of OS threads run them all.

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// runGoroutines makes every request of the plan at once, each on its own
// goroutine, and returns when all have answered or failed. Request failures
// are reported to r, not returned.
func runGoroutines(t *target.Target, p Plan, r *Results) error {
	return runGoroutinesUntil(context.Background(), t, p, r)
}

// runGoroutinesUntil is runGoroutines that also stops when ctx ends
// (Ctrl-C): every request still waiting closes its connection and returns,
// and is counted as unfinished rather than failed.
func runGoroutinesUntil(ctx context.Context, t *target.Target, p Plan, r *Results) error {
	var wg sync.WaitGroup
	for executor := range p.Executors {
		for i := range p.Requests {
			wg.Go(func() {
				body, err := goroutineGet(ctx, t, p.Path(i), p.RequestTimeout())
				switch {
				case err != nil && ctx.Err() != nil:
					// Stopped, not failed: the summary counts it as unfinished.
				case err != nil:
					r.Fail(executor, i, err)
				default:
					r.Done(executor, i, body)
				}
			})
		}
	}
	wg.Wait()
	return nil
}

// goroutineGet does one GET with the net package and returns the body. The
// code reads as if it blocked; underneath, each Read parks only the goroutine.
//
// One deadline covers the whole exchange, connect included: the same limit
// (-timeout) as the runtime's timer, through Go's own means. The netpoller
// keeps a timer per deadline and wakes the goroutine with an error when it
// passes, which is what this workbook's reactor does with its heap.
func goroutineGet(ctx context.Context, t *target.Target, path string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	dialer := net.Dialer{Deadline: deadline}
	conn, err := dialer.DialContext(ctx, "tcp", t.AddrPort.String())
	if err != nil {
		return "", getError(t, path, "connect", err, timeout)
	}
	defer conn.Close()
	// Ctrl-C closes the connection under the goroutine's feet: a Read
	// blocked on it returns at once with an error.
	stopWatching := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stopWatching()
	if err := conn.SetDeadline(deadline); err != nil {
		return "", getError(t, path, "set deadline", err, timeout)
	}
	if _, err := io.WriteString(conn, requestText(t.Host, path)); err != nil {
		return "", getError(t, path, "send", err, timeout)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return "", getError(t, path, "read response", err, timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", getError(t, path, "read body", err, timeout)
	}
	return checkStatus(path, resp, body)
}

// getError says which request failed at which step, like the runtime's
// HTTP future does, and turns the net package's "i/o timeout" into the
// timeout error the runtime mode reports, so both modes say the same thing.
func getError(t *target.Target, path, step string, err error, timeout time.Duration) error {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		err = timeoutError(timeout)
	}
	return fmt.Errorf("GET %s from %s: %s: %w", path, t.Host, step, err)
}
