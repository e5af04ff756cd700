package trace

import (
	"encoding/json"
	"fmt"
	"io"
)

// Validate reads a Chrome trace event JSON document and checks the rules
// WriteChrome keeps, the ones a viewer relies on: every event has name,
// ph, ts, pid and tid; a slice ("X") has a dur of zero or more; every flow
// start ("s") has a finish ("f", binding point "e") with the same id, no
// earlier; every thread that has events is named by "M" thread_name.
// Tests use it on what the stages write; the first broken rule is the error.
func Validate(r io.Reader) error {
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return fmt.Errorf("trace JSON: %w", err)
	}
	if len(doc.TraceEvents) == 0 {
		return fmt.Errorf("trace JSON: no traceEvents")
	}
	starts, finishes := map[float64]float64{}, map[float64]float64{}
	named := map[float64]bool{}
	for i, e := range doc.TraceEvents {
		for _, key := range []string{"name", "ph", "ts", "pid", "tid"} {
			if _, ok := e[key]; !ok {
				return fmt.Errorf("trace JSON: event %d has no %q: %v", i, key, e)
			}
		}
		ts, _ := e["ts"].(float64)
		id, _ := e["id"].(float64)
		switch e["ph"] {
		case "X":
			if dur, ok := e["dur"].(float64); !ok || dur < 0 {
				return fmt.Errorf("trace JSON: slice %d has no dur of zero or more: %v", i, e)
			}
		case "s":
			starts[id] = ts
		case "f":
			if e["bp"] != "e" {
				return fmt.Errorf("trace JSON: flow finish %d lacks bp \"e\": %v", i, e)
			}
			finishes[id] = ts
		case "M":
			if e["name"] == "thread_name" {
				named[e["tid"].(float64)] = true
			}
		case "i":
		default:
			return fmt.Errorf("trace JSON: event %d has an unknown ph: %v", i, e)
		}
	}
	if len(starts) != len(finishes) {
		return fmt.Errorf("trace JSON: %d flow starts but %d finishes", len(starts), len(finishes))
	}
	for id, s := range starts {
		f, ok := finishes[id]
		if !ok || f < s {
			return fmt.Errorf("trace JSON: flow %v has no finish at or after its start", id)
		}
	}
	for _, e := range doc.TraceEvents {
		if tid, _ := e["tid"].(float64); e["ph"] != "M" && !named[tid] {
			return fmt.Errorf("trace JSON: thread %v has events but no thread_name", tid)
		}
	}
	return nil
}
