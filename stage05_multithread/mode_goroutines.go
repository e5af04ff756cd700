// mode_goroutines.go is the comparison a Go programmer would write first: one
// goroutine per request and the net package. Go's own runtime then does what
// this workbook builds by hand: the netpoller parks each goroutine on epoll
// while its socket is not ready, and a handful of OS threads run them all.

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// connectTimeout bounds one TCP connect in the goroutines mode. It is far
// above what a loopback connect takes, even with a full listen backlog.
const connectTimeout = 10 * time.Second

// runGoroutines makes every request of the plan at once, each on its own
// goroutine, and returns when all have answered or failed. Request failures
// are reported to r, not returned.
func runGoroutines(t *target.Target, p Plan, r *Results) error {
	var wg sync.WaitGroup
	for executor := range p.Executors {
		for i := range p.Requests {
			wg.Go(func() {
				body, err := goroutineGet(t, p.Path(i), p.RequestTimeout())
				if err != nil {
					r.Fail(executor, i, err)
					return
				}
				r.Done(executor, i, body)
			})
		}
	}
	wg.Wait()
	return nil
}

// goroutineGet does one GET with the net package and returns the body. The
// code reads as if it blocked; underneath, each Read parks only the goroutine.
func goroutineGet(t *target.Target, path string, timeout time.Duration) (string, error) {
	addr := t.AddrPort.String()
	dialer := net.Dialer{Timeout: connectTimeout}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", addr, err)
	}
	defer conn.Close()
	// One deadline for the whole exchange: a server that never answers
	// becomes an error instead of a goroutine stuck forever.
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return "", fmt.Errorf("set deadline: %w", err)
	}
	if _, err := io.WriteString(conn, requestText(t.Host, path)); err != nil {
		return "", fmt.Errorf("send GET %s: %w", path, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return "", fmt.Errorf("read response to GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read body of GET %s: %w", path, err)
	}
	return checkStatus(path, resp, body)
}
