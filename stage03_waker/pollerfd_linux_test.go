//go:build linux

package main

// swapPollerFD puts fd in place of the poller's epoll fd and returns the one
// it replaced, so that a test can make every wait fail (fd -1) and then put
// the real fd back for the poller's close.
func swapPollerFD(r *Reactor, fd int) int {
	old := r.poller.epfd
	r.poller.epfd = fd
	return old
}
