//go:build linux || darwin || freebsd

// request.go is request(i), the task each executor spawns once per request:
// await one GET and report the outcome. It is stage 04's request coroutine,
// reporting to the run's Results instead of printing.

package main

// Reporter is where a request reports its outcome. *Results is the real one;
// tests pass a fake.
type Reporter interface {
	Done(executor, i int, body string)
	Fail(executor, i int, err error)
}

// requestState marks the points where a request can be suspended.
type requestState int

const (
	requestStart requestState = iota // nothing has run yet
	requestWait                      // waiting for the answer
	requestDone                      // the outcome is reported
)

// RequestCoroutine is this function, turned into a future by hand:
//
//	func request(executor, i int) {
//		body, err := await(Get(path))
//		if err != nil {
//			results.Fail(executor, i, err)
//			return
//		}
//		results.Done(executor, i, body)
//	}
//
// A failed request is an outcome to count, not a reason to stop the run: the
// coroutine reports it and finishes without an error, so the executor keeps
// running the other requests.
type RequestCoroutine struct {
	*requestShared // executor, get and report: the same for every request of the executor
	i              int
	path           string

	state requestState
	// waiting is the GET being awaited, bounded by its timeout. It is a
	// pointer to that one type, not a Future[string]: an interface is two
	// words (its type and a pointer), a pointer one, and those 8 bytes
	// keep the coroutine in Go's 48-byte size class rather than 64. The
	// Poll below reads the same either way. A Rust async fn goes further:
	// the compiler knows the exact type of every future it awaits and
	// keeps that future inside its own state, without a pointer at all.
	waiting *TimeoutFuture[string]
}

// requestShared is what every request of one executor has in common. Kept
// once and reached through one pointer, it costs each waiting request 8
// bytes instead of 32 (an int, a func and an interface), which keeps the
// coroutine out of Go's 80-byte size class.
type requestShared struct {
	executor int
	get      func(path string) *TimeoutFuture[string]
	report   Reporter
}

// newRequests returns a maker of executor's requests, which GET with get
// and report to report; its New makes request i.
func newRequests(executor int, get func(path string) *TimeoutFuture[string], report Reporter) *requestShared {
	return &requestShared{executor: executor, get: get, report: report}
}

// New returns request i, not yet started: it will GET path.
func (s *requestShared) New(i int, path string) *RequestCoroutine {
	return &RequestCoroutine{requestShared: s, i: i, path: path}
}

// NewRequest returns request i of executor, not yet started: it will GET
// path with get and report to report. A run makes many requests of one
// executor with newRequests instead, which shares what they have in common.
func NewRequest(executor, i int, path string, get func(path string) *TimeoutFuture[string], report Reporter) *RequestCoroutine {
	return newRequests(executor, get, report).New(i, path)
}

// Poll runs the request from where it last stopped. It hands its waker on to
// the GET it awaits, so that GET's socket events wake this task.
//
//workbook:exercise s05-request-report
func (c *RequestCoroutine) Poll(w Waker) Poll[struct{}] {
	for {
		switch c.state {
		case requestStart:
			c.waiting = c.get(c.path)
			c.state = requestWait
		case requestWait:
			p := c.waiting.Poll(w)
			if !p.Ready {
				return Pending[struct{}]()
			}
			c.waiting = nil
			c.state = requestDone
			if p.Err != nil {
				c.report.Fail(c.executor, c.i, p.Err)
			} else {
				c.report.Done(c.executor, c.i, p.Value)
			}
			return Ready(struct{}{})
		default: // requestDone
			return Failed[struct{}](errPolledAfterDone)
		}
	}
}

// Close abandons the request before it has finished: the GET it awaits
// releases its socket. The executor calls this when it gives up on the task.
func (c *RequestCoroutine) Close() error {
	var err error
	if c.waiting != nil {
		err = c.waiting.Close()
	}
	c.waiting = nil
	c.state = requestDone
	return err
}
