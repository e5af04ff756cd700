//go:build linux

// summary_test.go checks the reading of stage 05's JSON summary.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realSummary is a line as stage 05 prints it with -quiet -json.
const realSummary = `{"mode":"goroutines","executors":2,"requests":100,"ok":99,"failed":1,"wall_ms":1019,"cpu_ms":31,"max_delay_ms":1000,"peak_rss_kb":9148,"os_threads":6,"server_in_process":false,"first_error":"connect 127.0.0.1:9: connection refused"}`

func TestParseSummaryReadsEveryFigure(t *testing.T) {
	s, err := ParseSummary([]byte(realSummary + "\n"))

	require.NoError(t, err)
	assert.Equal(t, ChildSummary{
		Mode: "goroutines", Executors: 2, Requests: 100, OK: 99, Failed: 1,
		WallMS: 1019, CPUMS: 31, MaxDelayMS: 1000, PeakRSSKB: 9148, OSThreads: 6,
		FirstError: "connect 127.0.0.1:9: connection refused",
	}, s)
}

func TestParseSummaryTakesTheLastJSONLine(t *testing.T) {
	out := "HelloWorld0\nHelloWorld1\n" + `{"mode":"old"}` + "\n" + realSummary + "\n\n"

	s, err := ParseSummary([]byte(out))

	require.NoError(t, err, "lines before the summary (responses without -quiet) are skipped")
	assert.Equal(t, "goroutines", s.Mode)
}

func TestParseSummaryRefusesWhatIsNotASummary(t *testing.T) {
	cases := map[string]struct {
		out  string
		want string
	}{
		"empty":       {"", "no JSON summary"},
		"no JSON":     {"runtime mode is not built yet\n", "no JSON summary"},
		"cut short":   {`{"mode":"threads","wall_ms":`, "unreadable JSON summary"},
		"missing key": {`{"mode":"threads","executors":2,"requests":10,"ok":10,"failed":0,"wall_ms":5}`, "lacks cpu_ms, max_delay_ms, peak_rss_kb, os_threads"},
		"wrong type":  {`{"mode":"threads","executors":2,"requests":"ten","ok":10,"failed":0,"wall_ms":5,"cpu_ms":1,"max_delay_ms":1,"peak_rss_kb":1,"os_threads":1}`, "JSON summary"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSummary([]byte(c.out))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestSummaryCheckCatchesARunOfSomethingElse(t *testing.T) {
	s, err := ParseSummary([]byte(realSummary))
	require.NoError(t, err)

	assert.NoError(t, s.check(Job{Mode: "goroutines", Requests: 100}, 2))
	assert.ErrorContains(t, s.check(Job{Mode: "threads", Requests: 100}, 2), `summary is for mode "goroutines"`)
	assert.ErrorContains(t, s.check(Job{Mode: "goroutines", Requests: 200}, 2), "summary is for 100 requests on 2 executors")
	assert.ErrorContains(t, s.check(Job{Mode: "goroutines", Requests: 100}, 4), "the run asked for 100 on 4")
	s.OK = 10
	assert.ErrorContains(t, s.check(Job{Mode: "goroutines", Requests: 100}, 2), "counts 10 ok and 1 failed of 100")
}

func TestTruncateNeverCutsACharacterInHalf(t *testing.T) {
	assert.Equal(t, "short", truncate("short", 10))
	assert.Equal(t, "abc…", truncate("abcdef", 3))
	assert.Equal(t, "a…", truncate("a×b", 2), "× is two bytes; cutting after its first byte would leave invalid UTF-8")
}
