package plan

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// parse registers the common flags on a fresh set and parses args.
func parse(t *testing.T, args ...string) (*Plan, error) {
	t.Helper()
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	p := Register(fs)
	return p, p.Parse(fs, args, io.Discard)
}

func TestPathsAskForISecondsWithoutDelayAndForTheDelayWithIt(t *testing.T) {
	p, err := parse(t, "-requests", "3")
	require.NoError(t, err)
	assert.Equal(t, []string{"/0/HelloWorld0", "/1000/HelloWorld1", "/2000/HelloWorld2"}, []string{p.Path(0), p.Path(1), p.Path(2)})
	assert.Equal(t, 2*time.Second, p.MaxDelay())

	p, err = parse(t, "-requests", "2", "-delay", "1500500us")
	require.NoError(t, err)
	assert.Equal(t, "/1500/HelloWorld1", p.Path(1), "the server counts whole milliseconds")
}

func TestCheckRefusesAPlanTheServerWouldRefuse(t *testing.T) {
	_, err := parse(t, "-requests", "62")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "request 61 would wait 1m1s")
}

func TestSummaryIsTheCommonLine(t *testing.T) {
	p, err := parse(t, "-executors", "2", "-requests", "3")
	require.NoError(t, err)
	r := NewResults(io.Discard, false)
	r.Done(0, 0, "a")
	r.Fail(1, 2, errors.New("refused"))

	assert.Equal(t, "goroutines: 6 requests (2 executors × 3), 1 ok, 1 failed in 1.235s", r.Summary("goroutines", p, 1234567*time.Microsecond, false))
	assert.Equal(t, "threads: 6 requests (2 executors × 3), INTERRUPTED (Ctrl-C): 1 ok, 1 failed, 4 unfinished in 2s", r.Summary("threads", p, 2*time.Second, true))
}

func TestFinishPrintsTheSummaryLastAndCountsNothingAfterIt(t *testing.T) {
	p, err := parse(t, "-executors", "1", "-requests", "3")
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	r := NewResults(&stdout, false)
	r.Done(0, 0, "HelloWorld0")

	status := r.Finish("threads", p, time.Second, true, &stdout, &stderr)
	r.Done(0, 1, "HelloWorld1") // a request that answers after Ctrl-C

	assert.Equal(t, InterruptedStatus, status)
	assert.Equal(t, "executor 0, request 0: HelloWorld0\nthreads: 3 requests (1 executors × 3), INTERRUPTED (Ctrl-C): 1 ok, 0 failed, 2 unfinished in 1s\n", stdout.String())
	ok, _ := r.Counts()
	assert.Equal(t, 1, ok)
}

func TestFinishSaysWhichRequestFailedFirst(t *testing.T) {
	p, err := parse(t, "-executors", "1", "-requests", "2")
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	r := NewResults(&stdout, true)
	r.Fail(0, 1, errors.New("connect: refused"))
	r.Fail(0, 0, errors.New("later"))

	assert.Equal(t, 1, r.Finish("goroutines", p, time.Second, false, &stdout, &stderr))
	assert.Equal(t, "goroutines: 2 of 2 requests failed; the first: executor 0, request 1: connect: refused\n", stderr.String())
	assert.Equal(t, "goroutines: 2 requests (1 executors × 2), 0 ok, 2 failed in 1s\n", stdout.String(), "-quiet prints the summary only")
}

func TestReadAnswerReturnsTheBodyOfA2xx(t *testing.T) {
	body, err := ReadAnswer(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
	require.NoError(t, err)
	assert.Equal(t, "hello", body)
}

func TestReadAnswerTurnsAnErrorStatusIntoAnErrorWithTheBody(t *testing.T) {
	_, err := ReadAnswer(strings.NewReader("HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n\r\nbad delay\n"))
	require.Error(t, err)
	assert.Equal(t, "400 Bad Request: bad delay", err.Error())
}

func TestReadAnswerStopsEndlessHeaders(t *testing.T) {
	endless := io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), &repeatReader{line: "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"})
	_, err := ReadAnswer(endless)
	assert.ErrorIs(t, err, ErrTooLarge)
}

// repeatReader returns line over and over, for ever.
type repeatReader struct{ line string }

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r.line)
	}
	return n, nil
}
