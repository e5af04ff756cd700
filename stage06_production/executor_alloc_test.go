//go:build linux || darwin || freebsd

package main

import "testing"

// TestSpawnPollCompleteAllocatesNothingButTheTask holds the executor to
// what BenchmarkSpawnPollComplete measures: once its map, queue and batch
// have grown for a round, spawning, polling and finishing a task costs no
// allocation at all. The only allocation a task may cost is its own
// future, and here the tasks are made before the rounds, so none is left.
func TestSpawnPollCompleteAllocatesNothingButTheTask(t *testing.T) {
	const perRound = 100
	e := NewExecutor("alloc", nil)
	tasks := make([]Task, perRound)
	for i := range tasks {
		tasks[i] = &readyTask{}
	}
	next := 0
	main := &spawnerTask{n: perRound, on: e, task: func() Task {
		next++
		return tasks[next%perRound]
	}}
	round := func() {
		if err := e.BlockOn(main); err != nil {
			t.Fatal(err)
		}
	}
	round() // the first round grows the executor's map and slices

	allocs := testing.AllocsPerRun(20, round)

	if allocs != 0 {
		t.Errorf("a round of %d tasks that exist already made %v allocations: Spawn, pollReady, the wakers (NewWaker) and the ready queue must reuse what the first round grew", perRound, allocs)
	}
}
