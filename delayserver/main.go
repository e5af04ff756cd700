// Command delayserver runs the workbook's local target in its own terminal,
// so you can watch the requests of a stage arrive:
//
//	go run ./delayserver
//	curl http://127.0.0.1:8080/1000/hello    # answers "hello" after one second
//
// Every stage starts the same server in-process when none is listening, so
// running it by hand is optional; it is the way to see the traffic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// gracePeriod is how long a stopping server waits for requests in flight.
// Short on purpose: a request may ask for a 60 s delay, and Ctrl-C should
// not feel ignored.
const gracePeriod = 3 * time.Second

func main() {
	target.Exit("delayserver", run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, serves until Ctrl-C (SIGINT) or SIGTERM, and stops
// after a grace period. A mistake in the flags is a UsageError (exit status
// 2); a server that cannot start is any other error (exit status 1).
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("delayserver", flag.ContinueOnError)
	addr := fs.String("addr", target.DefaultAddr, "`host:port` to listen on")
	public := fs.Bool("public", false, "allow listening on an address that is not loopback")
	maxDelay := fs.Duration("max-delay", delayserver.DefaultMaxDelay, "longest delay a request may ask for")
	quiet := fs.Bool("quiet", false, "print no line per request")
	maxConns := fs.Int("max-conns", delayserver.DefaultMaxConns(), "requests served at once (a connection still sending its request does not count); more get 503")
	if err := target.Parse(fs, args, stderr); err != nil {
		return err
	}
	if *maxDelay <= 0 {
		return target.Usagef("-max-delay %v must be positive", *maxDelay)
	}
	if *maxConns < 1 {
		return target.Usagef("-max-conns %d must be at least 1", *maxConns)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return target.Usagef("-addr %q: want host:port, for example %s", *addr, target.DefaultAddr)
	}
	if err := target.CheckLoopback(host); err != nil && !*public {
		return target.Usagef("refusing to listen on %s: %v; pass -public to accept connections from other machines", *addr, err)
	}

	// Ask for Ctrl-C before the server says it listens: whoever reads that
	// line may send the signal at once, and until Notify runs the signal
	// would kill the process without the stop below.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)

	cfg := delayserver.Config{Addr: *addr, MaxDelay: *maxDelay, MaxConns: *maxConns}
	if !*quiet {
		cfg.Log = stdout
	}
	srv, err := delayserver.Start(cfg)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w; another delay server may already be running there (stages will use it), or pick another port with -addr", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "delay server listening on http://%s\n", srv.Addr())
	fmt.Fprintf(stdout, "ask for GET /{delay_ms}/{message}, e.g. curl http://%s/1000/hello answers \"hello\" after 1000 ms (max %v)\n", srv.Addr(), *maxDelay)
	fmt.Fprintln(stdout, "Ctrl-C stops it")

	<-stop

	fmt.Fprintf(stdout, "stopping: waiting up to %v for requests in flight\n", gracePeriod)
	ctx, cancel := context.WithTimeout(context.Background(), gracePeriod)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(stdout, "stopped after the grace period; requests still waiting were answered 503\n")
		return nil
	}
	fmt.Fprintf(stdout, "stopped after %d requests\n", srv.Requests())
	return nil
}
