//go:build unix

// This file turns a Target into what a raw socket needs: the address family
// for socket(2) and the socket address for connect(2). It and sockets.go are
// the parts of the package that need golang.org/x/sys/unix, which does not
// build on Windows; the rest (flags, Resolve, the loopback rule, errors and
// exit status) builds everywhere, for the delay server.

package target

import "golang.org/x/sys/unix"

// Domain is the address family for unix.Socket: AF_INET or AF_INET6.
func (t *Target) Domain() int {
	if t.AddrPort.Addr().Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// Sockaddr is the target as the socket address unix.Connect takes.
func (t *Target) Sockaddr() unix.Sockaddr {
	port := int(t.AddrPort.Port())
	if t.AddrPort.Addr().Is4() {
		return &unix.SockaddrInet4{Port: port, Addr: t.AddrPort.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: port, Addr: t.AddrPort.Addr().As16()}
}
