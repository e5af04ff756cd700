package trace

import (
	"os/exec"
	"path/filepath"
	"regexp"
	rtrace "runtime/trace"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedEvent is one line of `go tool trace -d=parsed`: the goroutine it
// happened on, its kind (RegionBegin, Log, TaskBegin, ...) and its fields.
type parsedEvent struct {
	G, Kind, Type, Category, Message string
	Task                             string
}

var parsedLine = regexp.MustCompile(`^M=\S+ P=\S+ G=(\S+) (\w+) Time=\d+ (.*)$`)
var parsedField = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S+)`)

// readGoTrace has Go's own trace tool parse the execution trace at path,
// so the test checks what `go tool trace` will show, not our idea of it.
func readGoTrace(t *testing.T, path string) []parsedEvent {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command reads Go's execution trace; it must be on PATH")
	out, err := exec.Command(goTool, "tool", "trace", "-d=parsed", path).CombinedOutput()
	require.NoError(t, err, "go tool trace could not read the file:\n%s", out)
	var events []parsedEvent
	for _, line := range strings.Split(string(out), "\n") {
		m := parsedLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		e := parsedEvent{G: m[1], Kind: m[2]}
		for _, f := range parsedField.FindAllStringSubmatch(m[3], -1) {
			v := strings.Trim(f[2], `"`)
			switch f[1] {
			case "Type":
				e.Type = v
			case "Category":
				e.Category = v
			case "Message":
				e.Message = v
			case "Task", "ID":
				e.Task = v
			}
		}
		events = append(events, e)
	}
	return events
}

func TestGoTraceShowsEachPollParkAndWaitAsARegionOfItsThreadsTask(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.out")
	s := &Settings{Dest: path, SlowPoll: DefaultSlowPoll}
	require.NoError(t, s.Run("test", nil, func() error { oneRequest(); return nil }))
	events := readGoTrace(t, path)

	tasks := map[string]string{} // task id -> name
	regions := map[string]int{}  // "lane/type" -> open regions
	var begun []string
	var logs []string
	for _, e := range events {
		switch e.Kind {
		case "TaskBegin":
			tasks[e.Task] = e.Type
		case "RegionBegin":
			key := tasks[e.Task] + "/" + e.Type
			regions[key+"@"+e.G]++
			begun = append(begun, key)
		case "RegionEnd":
			key := tasks[e.Task] + "/" + e.Type
			regions[key+"@"+e.G]--
		case "Log":
			logs = append(logs, tasks[e.Task]+": "+e.Category+" "+e.Message)
		}
	}
	assert.ElementsMatch(t, []string{"executor main", "reactor"}, mapValues(tasks), "one runtime/trace task per lane, named after its thread")
	assert.Equal(t, []string{"executor main/poll", "executor main/park", "reactor/wait in the poller", "executor main/poll"}, begun,
		"the polls and the park of the executor and the reactor's wait, in the order they began")
	for key, open := range regions {
		assert.Zero(t, open, "region %s must begin and end on the same goroutine", key)
	}
	assert.Contains(t, logs, "executor main: spawn task 1")
	assert.Contains(t, logs, "reactor: wake task 1 of main", "a wake is a log message of the waking thread's task")
	assert.Contains(t, logs, "reactor: register fd 7 as registration 1 (readable|writable)")
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestLanesStayOutOfGoTraceWhenItIsOff(t *testing.T) {
	require.False(t, rtrace.IsEnabled(), "no Go execution trace may run during this test")
	tr := record(t, 0, func() {
		l := NewLane("executor", "main")
		assert.Nil(t, l.gt, "with Go's tracer off a lane keeps its events to itself")
		l.PollBegins(1)
		l.PollEnds(true, nil)
	})
	assert.Len(t, tr.Events, 1)
}
