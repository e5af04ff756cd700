//go:build linux || darwin || freebsd

// The state machine corofy generated from coroutine_source.go must behave
// exactly like the hand-written Coroutine: these tests run the scripts of
// coroutine_test.go against both and compare everything a caller can see.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// corofyAnswer is one request of a script: pending polls, then a body or
// an error.
type corofyAnswer struct {
	pending int
	body    string
	err     error
}

// corofyGet is one request made from a script; it counts its polls.
type corofyGet struct {
	a     corofyAnswer
	polls int
}

func (g *corofyGet) Poll() Poll[string] {
	g.polls++
	switch {
	case g.polls <= g.a.pending:
		return Pending[string]()
	case g.a.err != nil:
		return Failed[string](g.a.err)
	}
	return Ready(g.a.body)
}

// corofyTrace is what a caller can see of one run of a coroutine.
type corofyTrace struct {
	polls []string // each poll's answer
	out   string
	paths []string
	gets  []int // how often each request was polled
}

// corofyTraceCoroutine polls the coroutine made by newCo until it is ready and
// once more, with fresh requests from script.
func corofyTraceCoroutine(script []corofyAnswer, newCo func(*bytes.Buffer, func(string) Future[string]) Future[struct{}]) corofyTrace {
	var tr corofyTrace
	var out bytes.Buffer
	var gets []*corofyGet
	get := func(path string) Future[string] {
		tr.paths = append(tr.paths, path)
		g := &corofyGet{a: corofyAnswer{err: errors.New("no more scripted requests")}}
		if len(gets) < len(script) {
			g.a = script[len(gets)]
		}
		gets = append(gets, g)
		return g
	}
	co := newCo(&out, get)
	for i := 0; i < 20; i++ {
		p := co.Poll()
		tr.polls = append(tr.polls, fmt.Sprintf("ready=%v err=%v out=%q", p.Ready, p.Err, out.String()))
		if p.Ready {
			p = co.Poll()
			tr.polls = append(tr.polls, fmt.Sprintf("after done: ready=%v err=%v", p.Ready, p.Err))
			break
		}
	}
	tr.out = out.String()
	for _, g := range gets {
		tr.gets = append(tr.gets, g.polls)
	}
	return tr
}

func TestCorofiedCoroutineBehavesLikeTheHandWrittenOne(t *testing.T) {
	refused, reset := errors.New("connection refused"), errors.New("connection reset")
	scripts := map[string][]corofyAnswer{
		"first request pending 5 polls": {{pending: 5, body: "one"}, {pending: 1, body: "two"}},
		"both pending once":             {{pending: 1, body: "one"}, {pending: 1, body: "two"}},
		"both ready at once":            {{body: "one"}, {body: "two"}},
		"first request fails":           {{err: refused}},
		"second request fails":          {{body: "one"}, {pending: 2, err: reset}},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			hand := corofyTraceCoroutine(script, func(out *bytes.Buffer, get func(string) Future[string]) Future[struct{}] {
				return NewCoroutine(out, get)
			})
			generated := corofyTraceCoroutine(script, func(out *bytes.Buffer, get func(string) Future[string]) Future[struct{}] {
				return newCorofiedCoroutine(out, get)
			})
			assert.Equal(t, hand, generated, "the generated state machine must answer every poll, print, request and poll its requests as the hand-written one does")
		})
	}
}

func TestCorofiedCoroutineKeepsOnlyWhatCrossesAWait(t *testing.T) {
	// body and err are never needed after a wait (each wait assigns them
	// afresh), so like the hand-written Coroutine the generated one keeps
	// only its parameters, its state and the awaited request.
	typ := reflect.TypeOf(corofiedCoroutine{})
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Name)
	}
	assert.Equal(t, []string{"out", "get", "state", "waiting"}, fields)
}
