//go:build linux

package main

import (
	"testing"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

func TestEventLoopSleepsInTheKernelWhileNothingHappens(t *testing.T) {
	r := newIdleLoopReactor(t)
	epfd := r.poller.epfd

	deadline := time.Now().Add(5 * time.Second)
	for !stagetest.SleepsInEpollWait(t, epfd) {
		if time.Now().After(deadline) {
			t.Fatalf("in 5s the reactor's thread was never seen asleep in epoll_wait on its epoll fd with no timeout: the event loop must wait for ever (-1) when nothing happens, not poll with a timeout of 0, which spins at 100%% CPU")
		}
		time.Sleep(time.Millisecond)
	}
	if share := stagetest.AsleepShare(t, epfd, 300*time.Millisecond); share < 0.8 {
		t.Errorf("while nothing happened, the reactor's thread was asleep in epoll_wait in only %.0f%% of the samples taken over 300ms: the event loop must wait for ever (-1), not spin", 100*share)
	}
}
