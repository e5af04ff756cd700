//go:build linux || darwin || freebsd

// The state machines corofy generated from request_source.go and
// async_main_source.go must behave exactly like the hand-written
// RequestCoroutine and AsyncMain: these tests run the same scripts against
// both and compare everything a caller can see.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// corofyGet is a request that answers Pending for pending polls and then
// its body or error; it records the id of every waker it is handed and
// counts Close calls.
type corofyGet struct {
	pending int
	body    string
	err     error
	wakers  []int
	closed  int
}

func (g *corofyGet) Poll(w Waker) Poll[string] {
	g.wakers = append(g.wakers, w.ID())
	switch {
	case len(g.wakers) <= g.pending:
		return Pending[string]()
	case g.err != nil:
		return Failed[string](g.err)
	}
	return Ready(g.body)
}

func (g *corofyGet) Close() error {
	g.closed++
	return nil
}

// corofyTask is what both request machines are: a task that can be abandoned.
type corofyTask interface {
	Task
	Close() error
}

// corofyRequestTrace is what a caller can see of one run of a request.
type corofyRequestTrace struct {
	polls  []string
	out    string
	paths  []string
	wakers []int
	closed int
}

// corofyTraceRequest polls request 3, made by newReq, with a new waker each time
// until it is ready and once more; if closeAfter > 0 it closes the request
// after that many polls instead.
func corofyTraceRequest(get *corofyGet, closeAfter int, newReq func(int, *bytes.Buffer, func(string) Future[string]) corofyTask) corofyRequestTrace {
	var tr corofyRequestTrace
	var out bytes.Buffer
	r := newReq(3, &out, func(path string) Future[string] {
		tr.paths = append(tr.paths, path)
		return get
	})
	for i := 1; i <= 10; i++ {
		if i == closeAfter+1 && closeAfter > 0 {
			tr.polls = append(tr.polls, fmt.Sprintf("close: %v", r.Close()))
		}
		p := r.Poll(NewWaker(i, NewReadyQueue(), NewParker()))
		tr.polls = append(tr.polls, fmt.Sprintf("ready=%v err=%v out=%q", p.Ready, p.Err, out.String()))
		if p.Ready {
			break
		}
	}
	tr.out, tr.wakers, tr.closed = out.String(), get.wakers, get.closed
	return tr
}

func TestCorofiedRequestBehavesLikeTheHandWrittenOne(t *testing.T) {
	cases := map[string]struct {
		get        corofyGet
		closeAfter int
	}{
		"pending twice, then the body": {get: corofyGet{pending: 2, body: "HelloWorld3"}},
		"ready at once":                {get: corofyGet{body: "HelloWorld3"}},
		"the request fails":            {get: corofyGet{pending: 1, err: errors.New("connection refused")}},
		"closed while waiting":         {get: corofyGet{pending: 5, body: "never"}, closeAfter: 2},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			handGet, generatedGet := c.get, c.get
			hand := corofyTraceRequest(&handGet, c.closeAfter, func(i int, out *bytes.Buffer, get func(string) Future[string]) corofyTask {
				return NewRequest(i, out, get)
			})
			generated := corofyTraceRequest(&generatedGet, c.closeAfter, func(i int, out *bytes.Buffer, get func(string) Future[string]) corofyTask {
				return newCorofiedRequest(i, out, get)
			})
			assert.Equal(t, hand, generated, "the generated request must answer each poll, print, ask for its path, hand on each poll's waker and close its request as the hand-written one does")
		})
	}
}

func TestCorofiedAsyncMainBehavesLikeTheHandWrittenOne(t *testing.T) {
	run := func(m Task, spawner *corofySpawner, out *bytes.Buffer) []string {
		var polls []string
		for range 2 {
			p := m.Poll(NewWaker(1, NewReadyQueue(), NewParker()))
			polls = append(polls, fmt.Sprintf("ready=%v err=%v out=%q spawned=%v", p.Ready, p.Err, out.String(), spawner.spawned))
		}
		return polls
	}
	request := func(i int) Task { return &corofyNumbered{i} }
	var handOut, generatedOut bytes.Buffer
	handSpawner, generatedSpawner := &corofySpawner{}, &corofySpawner{}
	hand := run(NewAsyncMain(&handOut, 3, handSpawner, request), handSpawner, &handOut)
	generated := run(newCorofiedAsyncMain(&generatedOut, 3, generatedSpawner, request), generatedSpawner, &generatedOut)

	assert.Equal(t, hand, generated, "the generated async_main must print, spawn and answer its polls as the hand-written one does")
}

// corofySpawner records the i of each task spawned on it.
type corofySpawner struct{ spawned []int }

func (s *corofySpawner) Spawn(task Task) {
	s.spawned = append(s.spawned, task.(*corofyNumbered).i)
}

// corofyNumbered is a task that only says which i it was made for.
type corofyNumbered struct{ i int }

func (*corofyNumbered) Poll(Waker) Poll[struct{}] { return Ready(struct{}{}) }
