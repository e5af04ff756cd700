// kind.go decides what a slice is, and so its colour: a poll and how it
// ended, an executor parked, a reactor waiting for the OS, or something
// else. It reads the format's general fields (args.result, the name, the
// category), so a trace from any producer gets sensible colours.

package main

import "strings"

// Kind is what a slice stands for in the picture.
type Kind int

// The kinds, in the order the legend lists them.
const (
	KindReady   Kind = iota // a poll that returned Ready
	KindPending             // a poll that returned Pending
	KindError               // a poll that ended in an error
	KindPoll                // a poll whose result the trace does not say
	KindPark                // an executor asleep until a wake
	KindWait                // a reactor waiting in epoll_wait or kevent
	KindOther               // anything else a thread spent time on
	KindHazard              // a slice in the "hazard" category
	numKinds
)

// kindStyle is how a kind looks and what the legend calls it.
type kindStyle struct {
	Class, Fill, Label string
}

// styles holds one entry per Kind. The colours are chosen so the idle kinds
// (park, wait) are pale and recede, the polls are clear mid tones, and the
// hazard red is the only saturated red in the picture.
var styles = [numKinds]kindStyle{
	KindReady:   {"ready", "#3f9f4f", "poll → Ready"},
	KindPending: {"pending", "#5b8fd0", "poll → Pending"},
	KindError:   {"error", "#ee8a12", "poll → error"},
	KindPoll:    {"poll", "#8aa3b3", "poll"},
	KindPark:    {"park", "#dcdcdc", "park (asleep until woken)"},
	KindWait:    {"wait", "#d3c6ea", "wait for the OS (epoll_wait, kevent)"},
	KindOther:   {"other", "#b9ad94", "other slice"},
	KindHazard:  {"hazard", "#e0102f", "hazard"},
}

// Colours of the marks that are not slices.
const (
	wakeColour    = "#1b3d8f"
	instantColour = "#3a3a3a"
)

// classifySlice reads a slice's kind from its category, its args and its
// name, in that order of trust.
func classifySlice(name, cat string, args map[string]any) Kind {
	if hasCategory(cat, "hazard") {
		return KindHazard
	}
	for _, key := range []string{"result", "status", "outcome"} {
		if k, ok := kindOfResult(argString(args, key)); ok {
			return k
		}
	}
	if argString(args, "error") != "" || argString(args, "err") != "" {
		return KindError
	}
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "park"), strings.Contains(n, "sleep"), strings.Contains(n, "idle"):
		return KindPark
	case strings.Contains(n, "wait"), strings.Contains(n, "kevent"), strings.Contains(n, "epoll"):
		return KindWait
	case strings.Contains(n, "poll"):
		return KindPoll
	}
	return KindOther
}

// kindOfResult maps a result as producers write it ("ready", "Pending",
// "error: connection refused", ...) to a kind.
func kindOfResult(result string) (Kind, bool) {
	r := strings.ToLower(strings.TrimSpace(result))
	switch {
	case r == "":
		return 0, false
	case strings.HasPrefix(r, "err"), strings.HasPrefix(r, "fail"), strings.HasPrefix(r, "panic"):
		return KindError, true
	case strings.HasPrefix(r, "ready"), r == "ok", r == "done":
		return KindReady, true
	case strings.HasPrefix(r, "pending"):
		return KindPending, true
	}
	return 0, false
}
