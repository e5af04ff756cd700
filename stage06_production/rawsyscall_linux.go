//go:build linux

// This file is the HTTP future's socket calls on Linux: connect, write, read
// and close, made with unix.RawSyscall instead of the unix.Connect,
// unix.Write, unix.Read and unix.Close that stages 01 to 04 use.
// rawsyscall_bsd.go has the same four functions for macOS and FreeBSD, where
// they are the ordinary calls.
//
// Why a learner's runtime may do this, and what it saves. Go cannot know
// whether a system call will block, so every call made through
// syscall.Syscall (which is what unix.Write and the others use) is announced
// to the scheduler as one that might: on the way in, the thread's P (its
// right to run Go code) is marked "in a system call"; on the way out it is
// taken back. Meanwhile Go's monitor thread, sysmon, checks every 20 µs or
// so, and hands the P of a thread that stays in the kernel longer to another
// thread, so that the other goroutines keep running. For a read on a blocking
// socket that is exactly right. For this runtime's calls it is wasted work:
// the sockets are non-blocking, so no call here ever waits, yet a loopback
// connect or close does the whole TCP exchange of both ends in the kernel and
// takes 20 µs or more, long enough for sysmon to take the P away, wake up
// again and again to check, and for the thread to queue for its P on the
// way back.
//
// A raw system call is the bare instruction: no announcement, no P handed
// over, nothing for sysmon to watch. The cost of that is the rule that comes
// with it: a raw call must never block, because while it runs its thread
// holds its P, and a garbage collection that needs every goroutine to stop
// waits for it. Every call here keeps the rule: the socket is non-blocking,
// and close on a TCP socket without SO_LINGER returns at once (the kernel
// sends the FIN and finishes the connection in the background). The one call
// of the runtime that is meant to block, the poller's wait, stays an
// ordinary one. Go's own runtime and x/sys/unix do the same for calls they
// know are quick: unix.Socket and unix.EpollCtl are raw already.

package main

import (
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawConnect starts connecting the non-blocking socket fd to to. Like
// unix.Connect, it returns EINPROGRESS when the handshake has begun and is
// not over yet.
//
// unix.Connect takes a unix.Sockaddr, an interface, and allocates its
// kernel form on every call. Here the kernel form is built on the stack
// from the netip.AddrPort: the address bytes as they are, the port in
// network byte order (big-endian).
//
// Each unix.RawSyscall below converts a pointer to a uintptr inside the
// call itself. That is the one place Go allows it (see unsafe.Pointer's
// rule for system calls): the compiler then keeps what the pointer points to
// alive and in place until the call returns. Passing the uintptr through a
// helper function of our own would lose that promise.
func rawConnect(fd int, to netip.AddrPort) error {
	addr := to.Addr()
	if addr.Is4() {
		sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: addr.As4()}
		putPort(&sa.Port, to.Port())
		_, _, errno := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
		return errnoOrNil(errno)
	}
	sa := unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: addr.As16()}
	putPort(&sa.Port, to.Port())
	_, _, errno := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
	return errnoOrNil(errno)
}

// putPort stores port in a sockaddr's port field, whose two bytes the kernel
// reads most significant first, whatever the CPU's own byte order.
func putPort(field *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(field))
	b[0], b[1] = byte(port>>8), byte(port)
}

// rawWrite is unix.Write without the scheduler's bookkeeping: it writes what
// the socket takes of b and returns how many bytes that was, or EAGAIN when
// the send buffer is full.
func rawWrite(fd int, b []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// rawRead is unix.Read without the scheduler's bookkeeping: it reads what
// has arrived, up to len(b) bytes; 0 bytes means the peer has closed, and
// EAGAIN that nothing is there yet.
func rawRead(fd int, b []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// rawClose is unix.Close without the scheduler's bookkeeping.
func rawClose(fd int) error {
	_, _, errno := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	return errnoOrNil(errno)
}

// errnoOrNil turns the kernel's "no error", errno 0, into a nil error.
// Returning the Errno itself would give a non-nil error interface holding 0.
func errnoOrNil(errno unix.Errno) error {
	if errno == 0 {
		return nil
	}
	return errno
}
