//go:build linux || darwin || freebsd

// This file is async_main, the program's first task: it spawns one request
// task per i and is done; the requests then run side by side on the
// executor.

package main

import (
	"fmt"
	"io"
)

// Spawner is what async_main needs from the executor: a way to start tasks.
// *Executor is the real one; tests pass a fake that records the tasks.
type Spawner interface {
	Spawn(task Task)
}

// AsyncMain is this function, turned into a future by hand:
//
//	func asyncMain() {
//		fmt.Println("Program starting")
//		for i := range requests {
//			spawn(request(i))
//		}
//	}
//
// It has no await, so it needs one state only: not run yet, or done. Its
// first poll runs the whole body and is ready; the spawned requests go on
// without it. Go has no thread-locals or a "current executor" to find, so
// the executor to spawn on is passed in.
type AsyncMain struct {
	out      io.Writer
	requests int
	spawner  Spawner
	request  func(i int) Task

	done bool
}

// NewAsyncMain returns async_main, not yet started: it will spawn request(i)
// for i in 0..requests-1 on spawner.
func NewAsyncMain(out io.Writer, requests int, spawner Spawner, request func(i int) Task) *AsyncMain {
	return &AsyncMain{out: out, requests: requests, spawner: spawner, request: request}
}

// Poll runs async_main's body once.
//
//workbook:exercise s04-async-main
func (m *AsyncMain) Poll(Waker) Poll[struct{}] {
	if m.done {
		return Failed[struct{}](errPolledAfterDone)
	}
	fmt.Fprintln(m.out, "Program starting")
	for i := range m.requests {
		m.spawner.Spawn(m.request(i))
	}
	m.done = true
	return Ready(struct{}{})
}
