//go:build linux || darwin || freebsd

// async_main.go is async_main, every executor's first task: it spawns one
// request task per request of the plan and is done; the requests then run
// side by side on that executor.

package main

// Spawner is what async_main needs from the executor: a way to start tasks.
// *Executor is the real one; tests pass a fake that records the tasks.
type Spawner interface {
	Spawn(task Task)
}

// AsyncMain is this function, turned into a future by hand:
//
//	func asyncMain() {
//		for i := range requests {
//			spawn(request(i))
//		}
//	}
//
// It has no await, so its first poll runs the whole body and is ready. Go
// has no thread-locals, so the executor to spawn on is passed in.
type AsyncMain struct {
	requests int
	spawner  Spawner
	request  func(i int) Task

	done bool
}

// NewAsyncMain returns async_main, not yet started: it will spawn request(i)
// for i in 0..requests-1 on spawner.
func NewAsyncMain(requests int, spawner Spawner, request func(i int) Task) *AsyncMain {
	return &AsyncMain{requests: requests, spawner: spawner, request: request}
}

// Poll runs async_main's body once.
//
//workbook:exercise s06-async-main
func (m *AsyncMain) Poll(Waker) Poll[struct{}] {
	if m.done {
		return Failed[struct{}](errPolledAfterDone)
	}
	for i := range m.requests {
		m.spawner.Spawn(m.request(i))
	}
	m.done = true
	return Ready(struct{}{})
}
