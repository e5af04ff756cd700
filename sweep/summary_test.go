//go:build linux || darwin || freebsd

// summary_test.go checks the reading of the common plan's summary line.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realSummary is a line as the programs print it last.
const realSummary = "goroutines: 100 requests (2 executors × 50), 99 ok, 1 failed in 1.019s"

func TestParseSummaryReadsTheNameAndTheCounts(t *testing.T) {
	s, err := ParseSummary([]byte(realSummary + "\n"))

	require.NoError(t, err)
	assert.Equal(t, Summary{Name: "goroutines", Requests: 100, Executors: 2, OK: 99, Failed: 1}, s)
}

func TestParseSummaryTakesTheLastLine(t *testing.T) {
	out := "executor 0, request 0: HelloWorld0\nexecutor 1, request 0: 7 ok, 3 failed\n" + realSummary + "\n"

	s, err := ParseSummary([]byte(out))

	require.NoError(t, err, "lines before the summary (responses without -quiet) are skipped")
	assert.Equal(t, 99, s.OK, "the counts come from the last line, not from a response that looks like them")
}

func TestParseSummaryReadsAnInterruptedRun(t *testing.T) {
	s, err := ParseSummary([]byte("threads: 10 requests (2 executors × 5), INTERRUPTED (Ctrl-C): 3 ok, 1 failed, 6 unfinished in 2.5s\n"))

	require.NoError(t, err)
	assert.Equal(t, Summary{Name: "threads", Requests: 10, Executors: 2, OK: 3, Failed: 1}, s)
}

func TestParseSummaryRefusesWhatIsNotASummary(t *testing.T) {
	for name, out := range map[string]string{
		"empty":                   "",
		"no summary":              "stage06_production is not built yet\n",
		"a response last":         realSummary + "\nexecutor 0, request 0: HelloWorld0\n",
		"cut short":               "goroutines: 100 requests (2 executors × 50), 99 ok,",
		"the counts of another":   "goroutines: 100 requests, 99 ok, 1 failed in 1s",
		"a summary in the middle": "x\n" + realSummary + "\nfatal error: out of memory\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSummary([]byte(out))
			assert.ErrorIs(t, err, errNoSummary)
		})
	}
}

func TestSummaryCheckCatchesARunOfSomethingElse(t *testing.T) {
	s, err := ParseSummary([]byte(realSummary))
	require.NoError(t, err)

	assert.NoError(t, s.check(Job{Approach: "goroutines", Requests: 100}, 2))
	assert.ErrorContains(t, s.check(Job{Approach: "threads", Requests: 100}, 2), `the summary is of "goroutines", the run asked for threads`)
	assert.ErrorContains(t, s.check(Job{Approach: "goroutines", Requests: 200}, 2), "the summary is of 100 requests on 2 executors")
	assert.ErrorContains(t, s.check(Job{Approach: "goroutines", Requests: 100}, 4), "the run asked for 100 on 4")
	s.OK = 100
	assert.ErrorContains(t, s.check(Job{Approach: "goroutines", Requests: 100}, 2), "counts 100 ok and 1 failed of 100")
}

func TestTruncateNeverCutsACharacterInHalf(t *testing.T) {
	assert.Equal(t, "short", truncate("short", 10))
	assert.Equal(t, "abc…", truncate("abcdef", 3))
	assert.Equal(t, "a…", truncate("a×b", 2), "× is two bytes; cutting after its first byte would leave invalid UTF-8")
}
