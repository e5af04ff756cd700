// Package baselinetest holds what the baselines' tests share: servers that
// misbehave in one precise way (an answer too large, an answer that drips),
// the delay server as a process of its own, and running a baseline's built
// program to the end or until Ctrl-C.
package baselinetest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// rawServer accepts connections on a loopback port and hands each to serve
// on a goroutine of its own, after reading the request. When the test ends
// it closes the listener and every connection and waits for serve to return.
func rawServer(t *testing.T, serve func(conn net.Conn, stop <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on a loopback port: %v", err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[conn] = true
			mu.Unlock()
			wg.Go(func() {
				defer conn.Close()
				// Read the request first, so that what serve writes is an
				// answer to it, as from a real server.
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				serve(conn, stop)
			})
		}
	})
	t.Cleanup(func() {
		close(stop)
		ln.Close()
		mu.Lock()
		for conn := range conns {
			conn.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// BodyServer answers every request with 200 and a body of size bytes, all
// 'x', and returns its address.
func BodyServer(t *testing.T, size int) string {
	t.Helper()
	body := make([]byte, size)
	for i := range body {
		body[i] = 'x'
	}
	return rawServer(t, func(conn net.Conn, _ <-chan struct{}) {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", size)
		_, _ = conn.Write(body)
	})
}

// DrippingServer answers every request with headers that promise a body of
// a thousand bytes, then sends one byte every interval until the client
// goes away: each read a client makes returns in time, so only a deadline
// for the whole request stops it.
func DrippingServer(t *testing.T, every time.Duration) string {
	t.Helper()
	return rawServer(t, func(conn net.Conn, stop <-chan struct{}) {
		if _, err := fmt.Fprint(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"); err != nil {
			return
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for range 1000 {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte("x")); err != nil {
				return
			}
		}
	})
}
