// This file is the registry: the handle futures use to ask the runtime's
// epoll instance to watch their sockets, and to stop watching them.

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// socketInterest is what the registry asks epoll to report for a socket.
//
//   - EPOLLOUT: the socket became writable. For a socket that is connecting,
//     this is how the kernel says the handshake has finished (or failed).
//   - EPOLLIN: bytes arrived, or the peer closed (a read would return 0).
//   - EPOLLRDHUP: the peer shut down its side; with "Connection: close" that
//     is the end of the answer.
//   - EPOLLET (edge-triggered): report a change once, when it happens, not
//     on every wait for as long as it lasts.
//
// Why edge-triggered: a connected socket is writable almost all the time.
// Level-triggered, EPOLLOUT would be reported on every epoll_wait, and the
// runtime would spin, polling a future that is only waiting to read. With
// EPOLLET one registration covers the whole request. The price is a rule
// the futures must keep: after an event, read or write until EAGAIN, because
// epoll will not report data that was already there before the last edge.
// The HTTP future's writeRequest and readResponse loops do exactly that.
const socketInterest = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET

// Registry lets a future put its socket on the runtime's watch list. It is
// a small handle, separate from the Runtime, so that a future can register
// sockets without being able to run the event loop itself (mio splits its
// Poll and Registry the same way).
type Registry struct {
	epfd int
}

// Register asks epoll to watch fd for socketInterest. The fd itself is
// stored in the event's data, so an event says which socket it is about.
//
// Adding a socket that is already ready (for example one whose connect
// finished at once) is safe: epoll checks readiness at the moment of adding
// and queues an event straight away, so no edge is lost.
//
//workbook:exercise s02-register
func (r *Registry) Register(fd int) error {
	event := unix.EpollEvent{Events: socketInterest, Fd: int32(fd)}
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, fd, &event); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	return nil
}

// Deregister asks epoll to stop watching fd. Call it before closing fd:
// epoll would drop a closed socket by itself, but only when no other copy of
// the descriptor exists, and after the close the fd number can be handed
// to a new socket, whose events must not be confused with the old one's.
func (r *Registry) Deregister(fd int) error {
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll: deregister fd %d: %w", fd, err)
	}
	return nil
}
