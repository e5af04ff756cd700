// Package delayserver is the safe local target every stage talks to.
//
// A request for /{delay_ms}/{message} is answered with the message after the
// delay. Because the answer is late on purpose, a client that waits for one
// response at a time takes the sum of the delays, while a client that keeps
// many requests in flight takes only the longest: the difference the workbook
// is about. Running this server yourself means the experiments never point
// load at a machine somebody else owns.
//
// cmd: go run ./delayserver starts it on 127.0.0.1:8080; stages and tests start
// it in-process on 127.0.0.1:0 with Start.
package delayserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxDelay is the longest delay a request may ask for unless
// Config.MaxDelay says otherwise.
const DefaultMaxDelay = 60 * time.Second

// Config says where the server listens and how it behaves.
type Config struct {
	// Addr is the host:port to listen on; "127.0.0.1:0" picks a free port.
	Addr string
	// MaxDelay bounds the delay a request may ask for; 0 means DefaultMaxDelay.
	MaxDelay time.Duration
	// Log receives one line per request ("#N - {delay}ms: {message}");
	// nil keeps the server quiet.
	Log io.Writer
	// MaxConns caps the requests served at once. Each one holds its
	// connection, an open file, for its whole delay; the ones beyond the cap
	// get 503 instead of pushing the process into its open-file limit, where
	// accept fails for everybody. A connection counts only once its request
	// has been read: clients that are still sending (or never finish) cannot
	// take the places of whole requests, and HeaderTimeout ends them.
	// 0 means DefaultMaxConns().
	MaxConns int
	// HeaderTimeout bounds how long a client may take to send its request
	// line and headers; 0 means 10 s. It keeps slow or idle clients from
	// holding sockets for ever.
	HeaderTimeout time.Duration
}

// fallbackMaxConns is the cap where the open-file limit cannot be read, or
// is so high that it means "no limit".
const fallbackMaxConns = 10_000

// DefaultMaxConns leaves room below the open-file limit for the listener,
// the standard streams and whatever else the process opens.
func DefaultMaxConns() int {
	limit, ok := openFileLimit()
	if !ok || limit > 1<<20 {
		return fallbackMaxConns
	}
	return max(limit-256, 16)
}

// Server is a running delay server.
type Server struct {
	cfg      Config
	listener net.Listener
	http     *http.Server
	requests atomic.Uint64
	serving  atomic.Int64 // requests read and not yet answered, the ones MaxConns caps
	rejected atomic.Uint64
	logMu    sync.Mutex
	served   chan struct{} // closed when Serve has returned
	serveErr error
	// stop is closed by Close so that requests still sleeping end at once
	// (with a 503) instead of keeping Close waiting for their delay.
	stop     chan struct{}
	stopOnce sync.Once
}

// Start listens on cfg.Addr and serves in the background. When it returns
// without an error the server already accepts connections, so a caller can
// read Addr and connect straight away.
func Start(cfg Config) (*Server, error) {
	if cfg.MaxDelay == 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = DefaultMaxConns()
	}
	if cfg.HeaderTimeout == 0 {
		cfg.HeaderTimeout = 10 * time.Second
	}
	if cfg.MaxDelay < 0 {
		return nil, fmt.Errorf("delay server: max delay %v is negative", cfg.MaxDelay)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("delay server: listen on %s: %w", cfg.Addr, err)
	}
	s := &Server{
		cfg:      cfg,
		listener: ln,
		served:   make(chan struct{}),
		stop:     make(chan struct{}),
	}
	s.http = &http.Server{
		Handler: s,
		// A client that opens a connection and never finishes its request
		// line must not hold a goroutine and a socket for ever.
		ReadHeaderTimeout: cfg.HeaderTimeout,
		// An idle keep-alive connection is closed after a while for the
		// same reason.
		IdleTimeout: 30 * time.Second,
		// A request line or headers past this size get 431 at once.
		MaxHeaderBytes: 8 << 10,
		ErrorLog:       quietLogger(),
	}
	go func() {
		defer close(s.served)
		err := s.http.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return s, nil
}

// Addr is the address the server listens on, with the real port when the
// configuration asked for port 0.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Requests counts the requests that reached the handler, well formed or not.
func (s *Server) Requests() uint64 { return s.requests.Load() }

// Rejected counts the requests refused with 503 because MaxConns
// requests were already being served.
func (s *Server) Rejected() uint64 { return s.rejected.Load() }

// Shutdown stops accepting connections and waits until every request in
// flight has been answered or ctx ends; then it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if err != nil {
		// The grace period ran out: cut the sleeping requests short.
		s.Close()
		return fmt.Errorf("delay server: shutdown: %w", err)
	}
	<-s.served
	return s.serveErr
}

// closeDrain is how long Close lets the requests it stopped write their 503
// before it cuts every connection that is left.
const closeDrain = 500 * time.Millisecond

// Close stops the server at once: requests still waiting out their delay are
// answered 503 ("the delay server is stopping") instead of their message,
// and a connection that cannot take that answer in time is closed without
// one. No client ever reads a success for a request the server did not
// finish. When Close returns, the listener and every connection are closed.
func (s *Server) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	// Shutdown stops accepting and waits while the woken handlers write their
	// 503 (each closes its connection after it); whatever is still open when
	// the drain runs out, such as a client that never finished its request,
	// is cut by http.Server.Close.
	ctx, cancel := context.WithTimeout(context.Background(), closeDrain)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	err := s.http.Close()
	<-s.served
	if err != nil {
		return fmt.Errorf("delay server: close: %w", err)
	}
	return s.serveErr
}
