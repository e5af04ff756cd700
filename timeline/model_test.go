package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timelineOf builds a timeline from trace text.
func timelineOf(t *testing.T, text string) *Timeline {
	t.Helper()
	events, err := decodeTrace([]byte(text))
	require.NoError(t, err)
	tl, err := buildTimeline(events)
	require.NoError(t, err)
	return tl
}

func laneNames(tl *Timeline) []string {
	var names []string
	for _, l := range tl.Lanes {
		names = append(names, l.Name)
	}
	return names
}

func TestArrayFormStringIDsAndMissingOptionalFields(t *testing.T) {
	// The bare-list form; no pid, a tid as a string, no dur, no args.
	tl := timelineOf(t, `[
		{"ph":"X","name":"poll","ts":5,"tid":"7"},
		{"ph":"X","name":"poll","ts":10,"dur":2.5,"tid":7},
		{"ph":"I","name":"tick","ts":11}
	]`)
	require.Len(t, tl.Lanes, 2, `tid "7" and 7 are one thread; no tid is another`)
	assert.Equal(t, []string{"thread 0", "thread 7"}, laneNames(tl))
	require.Len(t, tl.Slices, 2)
	assert.Equal(t, 0.0, tl.Slices[0].Dur, "an X with no dur lasts 0")
	assert.Equal(t, 5.0, tl.Start)
	assert.Equal(t, 12.5, tl.End)
	require.Len(t, tl.Instants, 1, `"I" is the older spelling of an instant`)
}

func TestLanesInNaturalOrderReactorFirstSortIndexWins(t *testing.T) {
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"M","name":"thread_name","tid":10,"args":{"name":"executor 10"}},
		{"ph":"M","name":"thread_name","tid":2,"args":{"name":"executor 2"}},
		{"ph":"M","name":"thread_name","tid":5,"args":{"name":"the reactor"}},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":10},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":2},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":5},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":9}
	]}`)
	assert.Equal(t, []string{"the reactor", "executor 2", "executor 10", "thread 9"}, laneNames(tl))

	tl = timelineOf(t, `{"traceEvents":[
		{"ph":"M","name":"thread_name","tid":1,"args":{"name":"reactor"}},
		{"ph":"M","name":"thread_name","tid":2,"args":{"name":"main"}},
		{"ph":"M","name":"thread_sort_index","tid":2,"args":{"sort_index":-1}},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":1},
		{"ph":"X","name":"a","ts":0,"dur":1,"tid":2}
	]}`)
	assert.Equal(t, []string{"main", "reactor"}, laneNames(tl), "the trace's own sort index comes first")
}

func TestSeveralProcessesArePrefixedAndKeptApart(t *testing.T) {
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"M","name":"process_name","pid":2,"args":{"name":"server"}},
		{"ph":"X","name":"a","ts":0,"dur":1,"pid":1,"tid":1},
		{"ph":"X","name":"a","ts":0,"dur":1,"pid":2,"tid":1}
	]}`)
	require.Len(t, tl.Lanes, 2, "tid 1 in two processes is two threads")
	assert.Equal(t, "process 1", tl.Lanes[0].Process)
	assert.Equal(t, "server", tl.Lanes[1].Process)
}

func TestBeginEndPairsNestAndUnclosedOnesRunToTheEnd(t *testing.T) {
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"B","name":"outer","ts":0,"tid":1},
		{"ph":"B","name":"inner","ts":2,"tid":1},
		{"ph":"E","ts":4,"tid":1},
		{"ph":"E","ts":10,"tid":1},
		{"ph":"E","ts":11,"tid":1},
		{"ph":"B","name":"open","ts":12,"tid":1},
		{"ph":"X","name":"last","ts":20,"dur":5,"tid":2}
	]}`)
	byName := map[string]Slice{}
	for _, s := range tl.Slices {
		byName[s.Name] = s
	}
	require.Len(t, byName, 4)
	assert.Equal(t, Slice{Lane: 0, Start: 0, Dur: 10, Name: "outer", Kind: KindOther, Row: 0}, byName["outer"])
	assert.Equal(t, 2.0, byName["inner"].Dur, "the E closes the latest open B")
	assert.Equal(t, 1, byName["inner"].Row, "a slice inside another goes one row down")
	assert.Equal(t, 2, tl.Lanes[0].Rows)
	assert.True(t, byName["open"].Unfinished)
	assert.Equal(t, 13.0, byName["open"].Dur, "an unclosed B lasts to the trace's end (25)")
	assert.Equal(t, 1, tl.UnmatchedEnds)
}

func TestFlowsWithStepsMakeOneArrowPerHop(t *testing.T) {
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"s","id":"0x1","cat":"wake","ts":1,"tid":1},
		{"ph":"t","id":"0x1","cat":"wake","ts":2,"tid":2},
		{"ph":"f","id":"0x1","cat":"wake","ts":3,"tid":3},
		{"ph":"s","id":"0x1","cat":"other","ts":1,"tid":3},
		{"ph":"f","id":"0x1","cat":"other","ts":4,"tid":1},
		{"ph":"f","id":9,"cat":"wake","ts":4,"tid":1},
		{"ph":"s","id":8,"cat":"wake","ts":5,"tid":1}
	]}`)
	require.Len(t, tl.Wakes, 3, "s→t and t→f of one flow, and the same id in another category")
	assert.Equal(t, [2]float64{1, 2}, [2]float64{tl.Wakes[0].From, tl.Wakes[0].To})
	assert.Equal(t, [2]float64{2, 3}, [2]float64{tl.Wakes[1].From, tl.Wakes[1].To})
	assert.Equal(t, 1, tl.OpenFlows, "the start with no finish is counted")
}

func TestUnknownPhasesAreCountedNotDrawn(t *testing.T) {
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"C","name":"queue","ts":1,"args":{"n":3}},
		{"ph":"b","name":"req","id":1,"ts":1},
		{"ph":"b","name":"req","id":2,"ts":1},
		{"ph":"Z","ts":1},
		{"ph":"X","name":"poll","ts":0,"dur":1}
	]}`)
	assert.Equal(t, map[string]int{"C": 1, "b": 2, "Z": 1}, tl.Ignored)
	assert.Len(t, tl.Slices, 1)
}

func TestSliceKinds(t *testing.T) {
	cases := []struct {
		name, cat string
		args      map[string]any
		want      Kind
	}{
		{"poll task 3", "", map[string]any{"result": "pending"}, KindPending},
		{"poll task 3", "", map[string]any{"result": "Ready"}, KindReady},
		{"poll task 3", "", map[string]any{"result": "error: EOF"}, KindError},
		{"poll task 3", "", map[string]any{"error": "refused"}, KindError},
		{"poll task 3", "", nil, KindPoll},
		{"park", "", nil, KindPark},
		{"epoll_wait", "", nil, KindWait},
		{"kevent", "", nil, KindWait},
		{"wait", "", map[string]any{"events": 3.0}, KindWait},
		{"parse headers", "", nil, KindOther},
		{"poll task 3", "runtime,hazard", map[string]any{"result": "ready"}, KindHazard},
	}
	for _, c := range cases {
		assert.Equal(t, styles[c.want].Class, styles[classifySlice(c.name, c.cat, c.args)].Class, "%s %v %v", c.name, c.cat, c.args)
	}
}

func TestNaturalCompare(t *testing.T) {
	assert.Negative(t, naturalCompare("executor 2", "executor 10"))
	assert.Positive(t, naturalCompare("executor 10", "executor 9"))
	assert.Negative(t, naturalCompare("a", "b"))
	assert.Zero(t, naturalCompare("x1", "x1"))
	assert.Negative(t, naturalCompare("x", "x1"))
}
