// This file turns the flags into a Target: check the address, then either use
// the delay server that is listening or start one in this process.

package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
)

// Target is the delay server a stage sends its requests to.
type Target struct {
	// AddrPort is the server's IP address and port, already resolved, so a
	// stage can build a socket address without touching DNS.
	AddrPort netip.AddrPort
	// Host is the value for the HTTP Host header.
	Host string
	// Embedded is the in-process server when the stage started its own,
	// nil when an outside server is used.
	Embedded *delayserver.Server
}

// Resolve checks the target and returns it. A malformed -addr, and a target
// that is not a loopback address (unless -allow-remote), is a UsageError
// (exit status 2), found from the text alone before any socket is opened
// or any name is looked up.
// When -addr was not given and nothing accepts connections on the default
// address, Resolve starts a delay server in this process and says so on
// stderr, so that every stage runs on its own.
func (f *Flags) Resolve(stderr io.Writer) (*Target, error) {
	addr := f.Addr
	if !f.addrSet {
		if env := os.Getenv(DefaultAddrEnv); env != "" {
			addr = env
		}
	}
	ap, err := f.lookup(addr)
	if err != nil {
		return nil, err
	}
	if f.addrSet || listening(ap) {
		return &Target{AddrPort: ap, Host: ap.String()}, nil
	}
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		return nil, fmt.Errorf("no delay server on %s, and starting one in-process failed: %w", addr, err)
	}
	fmt.Fprintf(stderr, "no delay server on %s: started one in this process on %s (to watch requests arrive, run `go run ./delayserver` in another terminal)\n", addr, srv.Addr())
	ap, err = netip.ParseAddrPort(srv.Addr())
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("embedded delay server address %q: %w", srv.Addr(), err)
	}
	return &Target{AddrPort: ap, Host: ap.String(), Embedded: srv}, nil
}

// lookup validates host:port and resolves it to one IP address.
func (f *Flags) lookup(addr string) (netip.AddrPort, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, Usagef("-addr %q: want host:port, for example %s", addr, DefaultAddr)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 {
		return netip.AddrPort{}, Usagef("-addr %q: port %q is not a number from 1 to 65535", addr, portText)
	}
	if err := CheckLoopback(host); err != nil && !f.AllowRemote {
		return netip.AddrPort{}, Usagef("refusing target %s: %v; the workbook only sends load to servers on this machine; pass -allow-remote if you run that server yourself", addr, err)
	}
	ip, err := resolveHost(host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("-addr %q: %w", addr, err)
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// resolveHost turns a literal or a name into one address, IPv4 first because
// the delay server listens on 127.0.0.1 by default.
func resolveHost(host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), nil
	}
	if host == "localhost" {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("look up %s: %w", host, err)
	}
	for _, ip := range ips {
		if ip.Unmap().Is4() {
			return ip.Unmap(), nil
		}
	}
	if len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("look up %s: no addresses", host)
	}
	return ips[0], nil
}

// listening reports whether something accepts TCP connections at ap.
func listening(ap netip.AddrPort) bool {
	conn, err := net.DialTimeout("tcp", ap.String(), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// Close stops the embedded delay server, if this target started one.
func (t *Target) Close() error {
	if t == nil || t.Embedded == nil {
		return nil
	}
	return t.Embedded.Close()
}

// isRefused reports whether err says nothing accepted the connection.
func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}
