// trace.go reads the Chrome trace event format, the JSON that
// chrome://tracing, Perfetto and the stages' -trace flag share, into a list
// of raw events. It knows the format, not any one producer: every field but
// ph and ts is optional, ids may be numbers or strings, and phases it does
// not draw are kept so the picture can say how many it left out.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// rawEvent is one entry of traceEvents, as written in the file. Times are in
// microseconds, as the format defines them.
type rawEvent struct {
	// Index is the event's position in traceEvents, for error messages.
	Index int
	Name  string
	Cat   string
	Ph    string
	TS    float64
	Dur   float64
	// HasTS and HasDur tell a missing field from a zero.
	HasTS, HasDur bool
	PID, TID      string
	// ID is the flow id ("id", or "id2" as written), scoped by Cat.
	ID string
	// Scope is an instant's "s": "t" thread (the default), "p" process, "g" global.
	Scope string
	// BindPoint is a flow end's "bp"; "e" binds it to the enclosing slice.
	BindPoint string
	Args      map[string]any
}

// wireEvent mirrors one event's JSON. Ids and pid/tid are decoded as
// anyID, which takes a number or a string.
type wireEvent struct {
	Name  string          `json:"name"`
	Cat   string          `json:"cat"`
	Ph    string          `json:"ph"`
	TS    *float64        `json:"ts"`
	Dur   *float64        `json:"dur"`
	PID   anyID           `json:"pid"`
	TID   anyID           `json:"tid"`
	ID    anyID           `json:"id"`
	ID2   json.RawMessage `json:"id2"`
	Scope string          `json:"s"`
	BP    string          `json:"bp"`
	Args  map[string]any  `json:"args"`
}

// anyID holds a JSON number or string as text: the format lets producers
// write pids, tids and flow ids either way, and "3" and 3 name the same one.
type anyID string

// UnmarshalJSON accepts a number, a string or null.
func (a *anyID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*a = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = anyID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a number or a string, got %s", b)
		}
		// 3 and 3.0 are the same id.
		if f, err := strconv.ParseFloat(string(n), 64); err == nil && f == float64(int64(f)) {
			*a = anyID(strconv.FormatInt(int64(f), 10))
		} else {
			*a = anyID(n)
		}
	}
	return nil
}

// errNoTraceEvents and errNoEvents are the two ways a valid JSON file can
// hold nothing to draw; main turns them into advice.
var (
	errNoTraceEvents = errors.New(`no "traceEvents" list`)
	errNoEvents      = errors.New("traceEvents is empty")
)

// decodeTrace reads a whole trace file: either the object form
// {"traceEvents":[...], ...} or the bare array form [...], which the format
// also allows.
func decodeTrace(data []byte) ([]rawEvent, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("the file is empty")
	}
	var list []json.RawMessage
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, fmt.Errorf("not JSON: %w", explainJSON(err, trimmed))
		}
	} else {
		var top struct {
			TraceEvents *[]json.RawMessage `json:"traceEvents"`
		}
		if err := json.Unmarshal(trimmed, &top); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field == "" {
				return nil, fmt.Errorf("not a trace: the top level is a JSON %s, not an object or a list", typeErr.Value)
			}
			if errors.As(err, &typeErr) {
				return nil, fmt.Errorf("not a trace: traceEvents is a JSON %s, not a list", typeErr.Value)
			}
			return nil, fmt.Errorf("not JSON: %w", explainJSON(err, trimmed))
		}
		if top.TraceEvents == nil {
			return nil, errNoTraceEvents
		}
		list = *top.TraceEvents
	}
	if len(list) == 0 {
		return nil, errNoEvents
	}
	events := make([]rawEvent, 0, len(list))
	for i, raw := range list {
		ev, err := decodeEvent(i, raw)
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// decodeEvent reads one event. A field of the wrong type is an error that
// names the event; a missing optional field is fine.
func decodeEvent(i int, raw json.RawMessage) (rawEvent, error) {
	var w wireEvent
	if err := json.Unmarshal(raw, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return rawEvent{}, fmt.Errorf("event %d: field %q is a JSON %s, which the trace format does not allow there", i, typeErr.Field, typeErr.Value)
		}
		return rawEvent{}, fmt.Errorf("event %d is not an event object: %w", i, err)
	}
	ev := rawEvent{
		Index: i, Name: w.Name, Cat: w.Cat, Ph: w.Ph,
		PID: string(w.PID), TID: string(w.TID), ID: string(w.ID),
		Scope: w.Scope, BindPoint: w.BP, Args: w.Args,
	}
	if ev.ID == "" && len(w.ID2) > 0 {
		// id2 is {"local": X} or {"global": X}; as written, it tells flows apart.
		ev.ID = string(bytes.Join(bytes.Fields(w.ID2), nil))
	}
	if w.TS != nil {
		ev.TS, ev.HasTS = *w.TS, true
	}
	if w.Dur != nil {
		ev.Dur, ev.HasDur = *w.Dur, true
	}
	return ev, nil
}

// explainJSON adds to a syntax error where in the file it happened, as line
// and column, which is what a person looking at the file needs.
func explainJSON(err error, data []byte) error {
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return err
	}
	off := int(syn.Offset)
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("%s at line %d, column %d", strings.TrimSuffix(syn.Error(), "."), line, col)
}
