//go:build linux || darwin || freebsd

package main

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

func TestResultsCountsEveryReportFromManyGoroutines(t *testing.T) {
	var out syncbuf.Buffer
	r := NewResults(&out, false)
	const workers, each = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if i%5 == 0 {
					r.Fail(w, i, errors.New("boom"))
				} else {
					r.Done(w, i, "HelloWorld")
				}
			}
		})
	}
	wg.Wait()

	assert.Equal(t, workers*each*4/5, r.OK())
	assert.Equal(t, workers*each/5, r.Failed())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.Len(t, lines, workers*each, "one whole line per response, none torn apart")
	for _, line := range lines {
		require.True(t, strings.HasSuffix(line, ": HelloWorld") || strings.HasSuffix(line, ": FAILED: boom"), "unexpected line %q", line)
	}
}

func TestResultsLineSaysWhichExecutorAndRequest(t *testing.T) {
	var out bytes.Buffer
	r := NewResults(&out, false)
	r.Done(1, 3, "HelloWorld3")
	r.Fail(0, 2, errors.New("connect 127.0.0.1:1: connection refused"))
	assert.Equal(t, "executor 1, request 3: HelloWorld3\n"+
		"executor 0, request 2: FAILED: connect 127.0.0.1:1: connection refused\n", out.String())
}

func TestQuietResultsPrintNothingButStillCount(t *testing.T) {
	var out bytes.Buffer
	r := NewResults(&out, true)
	r.Done(0, 0, "x")
	r.Fail(0, 1, errors.New("first"))
	r.Fail(0, 2, errors.New("second"))
	assert.Empty(t, out.String(), "-quiet silences successes and failures alike")
	assert.Equal(t, 1, r.OK())
	assert.Equal(t, 2, r.Failed())
	require.Error(t, r.FirstError())
	assert.Equal(t, "executor 0, request 1: first", r.FirstError().Error(), "the summary shows the first failure")
}

func TestResultsFailWithNilErrorStillCounts(t *testing.T) {
	r := NewResults(nil, true)
	r.Fail(0, 0, nil)
	assert.Equal(t, 1, r.Failed())
	assert.Error(t, r.FirstError())
}
