//go:build darwin || freebsd

// This file is the HTTP future's socket calls on macOS and FreeBSD: the
// ordinary unix.Connect, unix.Write, unix.Read and unix.Close under the names
// rawsyscall_linux.go gives its raw system calls, so that http.go reads the
// same on every system. macOS makes system calls through its C library,
// where x/sys/unix's raw entry points are deprecated, and neither system was
// at hand to measure whether raw calls pay there; so here they are the
// ordinary calls.

package main

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// rawConnect starts connecting the non-blocking socket fd to to; EINPROGRESS
// means the handshake has begun and is not over yet.
func rawConnect(fd int, to netip.AddrPort) error {
	addr := to.Addr()
	if addr.Is4() {
		return unix.Connect(fd, &unix.SockaddrInet4{Port: int(to.Port()), Addr: addr.As4()})
	}
	return unix.Connect(fd, &unix.SockaddrInet6{Port: int(to.Port()), Addr: addr.As16()})
}

// rawWrite writes what the socket takes of b; EAGAIN when its send buffer is
// full.
func rawWrite(fd int, b []byte) (int, error) { return unix.Write(fd, b) }

// rawRead reads what has arrived, up to len(b) bytes; 0 bytes means the peer
// has closed, and EAGAIN that nothing is there yet.
func rawRead(fd int, b []byte) (int, error) { return unix.Read(fd, b) }

// rawClose closes fd.
func rawClose(fd int) error { return unix.Close(fd) }
