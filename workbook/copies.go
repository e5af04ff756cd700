// This file sorts the marked functions of each exercise into its home and
// its copies. An exercise is written once, in the stage the manifest names
// (its home); a later stage that carries the same function forward holds a
// copy, which `carry` fills from the learner's home body. A copy is matched
// with its home function by the file's path inside the stage folder and the
// function's name with its receiver, e.g. stage03_waker/poller_epoll.go
// (*poller).register is the home of stage04_executor/poller_epoll.go
// (*poller).register; a copy that moved to another file is matched by name
// and receiver alone when its home stage marks only one such function.

package main

import (
	"go/format"
	"strconv"
	"strings"
)

// copyLink ties one copy to the home function it is filled from.
type copyLink struct {
	Home, Copy *Marker
}

// stageOfFile splits a slash path inside a stage folder into the stage
// number and the path below the folder ("stage03_waker/reactor.go" gives 3,
// "reactor.go"). A file outside every stage folder gives 0 and the path.
func stageOfFile(rel string) (int, string) {
	top, rest, ok := strings.Cut(rel, "/")
	if !ok {
		return 0, rel
	}
	m := stageFolder.FindStringSubmatch(top)
	if m == nil {
		return 0, rel
	}
	n, _ := strconv.Atoi(m[1])
	return n, rest
}

// copyKey names a function the same way in every stage: its path below the
// stage folder and its name with receiver.
func copyKey(mk *Marker) string {
	_, rest := stageOfFile(mk.File)
	return rest + " " + mk.Func
}

// linkCopies finds, for every marker in a stage later than its exercise's
// stage, the home function it copies. It reports a marker in an earlier
// stage than its exercise, and a copy with no home function. A marker
// outside the stage folders, or whose exercise is unknown (validateProject
// reports that), is neither home nor copy.
func linkCopies(m *Manifest, markers []*Marker) ([]copyLink, problems) {
	var probs problems
	homes := map[string]map[string]*Marker{} // id -> copyKey -> home marker
	var later []*Marker
	for _, mk := range markers {
		e := m.ByID(mk.ID)
		stage, _ := stageOfFile(mk.File)
		if e == nil || stage == 0 {
			continue
		}
		switch {
		case stage < e.Stage:
			probs.add(mk.File, mk.Line, "%s is marked %s, but that exercise belongs to stage %d, a later stage than this file's; set its stage in %s to %d or move the marker", mk.Func, mk.ID, e.Stage, manifestPath, stage)
		case stage == e.Stage:
			if homes[mk.ID] == nil {
				homes[mk.ID] = map[string]*Marker{}
			}
			homes[mk.ID][copyKey(mk)] = mk
		default:
			later = append(later, mk)
		}
	}
	var links []copyLink
	for _, mk := range later {
		home := homes[mk.ID][copyKey(mk)]
		if home == nil {
			home = onlyHomeNamed(homes[mk.ID], mk.Func)
		}
		if home == nil {
			e := m.ByID(mk.ID)
			probs.add(mk.File, mk.Line, "%s is marked %s, but stage %d marks no %s with %s to carry it from; give this body an exercise of its own", mk.Func, mk.ID, e.Stage, mk.Func, mk.ID)
			continue
		}
		links = append(links, copyLink{Home: home, Copy: mk})
	}
	return links, probs
}

// onlyHomeNamed finds the home of a copy that a later stage moved to
// another file: the one home function of the same name and receiver, or nil
// when there is none or more than one (a poller's add for epoll and one for
// kqueue, say).
func onlyHomeNamed(homes map[string]*Marker, fn string) *Marker {
	var found *Marker
	for _, h := range homes {
		if h.Func != fn {
			continue
		}
		if found != nil {
			return nil
		}
		found = h
	}
	return found
}

// checkCopiesIdentical reports every copy whose body or signature is not
// its home's. In the reference the copies must be identical: carry would
// otherwise replace the later stage's change with the home body.
func checkCopiesIdentical(links []copyLink) problems {
	var probs problems
	for _, l := range links {
		switch {
		case l.Copy.Signature != l.Home.Signature:
			probs.add(l.Copy.File, l.Copy.Line, "%s is marked %s but its signature differs from its home in %s (%s); carry could not fill it, so give it an exercise of its own", l.Copy.Func, l.Copy.ID, l.Home.File, l.Home.Signature)
		case canonicalBody(l.Copy.Body) != canonicalBody(l.Home.Body):
			probs.add(l.Copy.File, l.Copy.Line, "%s is marked %s but differs from its home in %s; give the change an exercise of its own", l.Copy.Func, l.Copy.ID, l.Home.File)
		}
	}
	return probs
}

// canonicalBody prints a body the way gofmt would, comments included, so
// that two bodies compare equal exactly when carry would leave the copy as
// it is. A body that does not parse is compared by its words.
func canonicalBody(body string) string {
	src := "package p\n\nfunc _() {" + body + "}\n"
	out, err := format.Source([]byte(src))
	if err != nil {
		return normalizeSpace(body)
	}
	return string(out)
}

// homeMarkers keeps the markers that are not copies: the bodies a learner
// writes.
func homeMarkers(markers []*Marker, links []copyLink) []*Marker {
	isCopy := map[*Marker]bool{}
	for _, l := range links {
		isCopy[l.Copy] = true
	}
	var out []*Marker
	for _, mk := range markers {
		if !isCopy[mk] {
			out = append(out, mk)
		}
	}
	return out
}
