//go:build linux || darwin || freebsd

// This file is Interest: which kinds of readiness a registration asks the
// poller to report. The name and the idea come from mio, Rust's portable
// event library: a socket is registered for what its future waits for, not
// for everything that could happen to it.

package main

// Interest says which readiness a registration asks the poller to report.
// Combine them with |: Readable|Writable watches both.
//
// Why not always both: a connected socket is writable almost all the time,
// so a future that only reads would be woken for room to write it does not
// need. Until the HTTP future registers for what each of its steps waits
// for, it asks for both, and the edge-triggering keeps the extra wake-ups
// to one per change.
type Interest uint8

const (
	// Readable asks for bytes to read, or the peer closing (a read would
	// then return 0): EPOLLIN and EPOLLRDHUP on Linux, EVFILT_READ on
	// kqueue.
	Readable Interest = 1 << iota
	// Writable asks for room to write; for a connecting socket it is how
	// the kernel reports the handshake's end, success or failure: EPOLLOUT
	// on Linux, EVFILT_WRITE on kqueue.
	Writable
)

// String names the interest as the trace shows it: "readable",
// "writable" or "readable|writable".
func (i Interest) String() string {
	switch i {
	case Readable:
		return "readable"
	case Writable:
		return "writable"
	case Readable | Writable:
		return "readable|writable"
	}
	return "none"
}

// valid reports whether i asks for anything the pollers know. A
// registration that asks for nothing would never wake its task, which is a
// bug in the caller, so add refuses it.
func (i Interest) valid() bool {
	return i != 0 && i&^(Readable|Writable) == 0
}
