// This file plans what verify proves: one variant of the code per check,
// each saying which exercises are restored and, for every listed test,
// whether it must pass or fail there.

package main

import (
	"fmt"
	"sort"
	"strings"
)

// variant is one version of the code verify builds and tests.
type variant struct {
	// Name says what the variant is, for progress and problems.
	Name string
	// Restored holds the exercises whose reference bodies are in place;
	// every other exercise is a panic.
	Restored map[string]bool
	// MustPass holds the tests that must pass; every other listed test
	// must fail.
	MustPass map[TestRef]bool
	// Vet builds the tests with go test's vet checks. Only the reference
	// needs them: verify vets the whole student edition itself, and the
	// variants in between mix bodies of those two.
	Vet bool
}

// requiredClosure is id followed by everything it requires, transitively,
// in the manifest's order.
func requiredClosure(m *Manifest, id string) []string {
	need := map[string]bool{}
	var visit func(string)
	visit = func(x string) {
		if need[x] {
			return
		}
		need[x] = true
		if e := m.ByID(x); e != nil {
			for _, r := range e.Requires {
				visit(r)
			}
		}
	}
	visit(id)
	out := []string{id}
	for _, e := range m.Exercises {
		if need[e.ID] && e.ID != id {
			out = append(out, e.ID)
		}
	}
	return out
}

// planVariants lists the student edition, each exercise restored alone with
// what it requires, and the reference.
func planVariants(m *Manifest) []variant {
	testsOf := func(ids map[string]bool) map[TestRef]bool {
		out := map[TestRef]bool{}
		for _, e := range m.Exercises {
			if ids[e.ID] {
				for _, r := range e.TestRefs() {
					out[r] = true
				}
			}
		}
		return out
	}
	all := map[string]bool{}
	for _, e := range m.Exercises {
		all[e.ID] = true
	}
	vs := []variant{{Name: "student edition", Restored: map[string]bool{}, MustPass: map[TestRef]bool{}}}
	for _, e := range m.Exercises {
		ids := requiredClosure(m, e.ID)
		restored := map[string]bool{}
		for _, id := range ids {
			restored[id] = true
		}
		name := "restore " + e.ID
		if len(ids) > 1 {
			name += " (with " + strings.Join(ids[1:], ", ") + ")"
		}
		vs = append(vs, variant{Name: name, Restored: restored, MustPass: testsOf(restored)})
	}
	vs = append(vs, variant{Name: "reference", Restored: all, MustPass: testsOf(all), Vet: true})
	return vs
}

// allTests lists every test of the manifest once, sorted, with the
// exercises that list it.
func allTests(m *Manifest) ([]TestRef, map[TestRef][]string) {
	owners := map[TestRef][]string{}
	for _, e := range m.Exercises {
		for _, r := range e.TestRefs() {
			owners[r] = append(owners[r], e.ID)
		}
	}
	refs := make([]TestRef, 0, len(owners))
	for r := range owners {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].String() < refs[j].String() })
	return refs, owners
}

// judgeVariant compares outcomes with what v expects and returns one
// problem per test that disagrees.
func judgeVariant(v variant, refs []TestRef, owners map[TestRef][]string, outcomes map[TestRef]*TestOutcome) []string {
	var probs []string
	for _, ref := range refs {
		o := outcomes[ref]
		if o == nil {
			o = &TestOutcome{Status: outcomeNotRun}
		}
		who := "exercise " + strings.Join(owners[ref], ", ")
		first := ""
		if ex := failureExcerpt(o.Output); len(ex) > 0 {
			first = ": " + strings.TrimSpace(ex[0])
		}
		if v.MustPass[ref] {
			switch o.Status {
			case "pass":
			case outcomeBuild:
				probs = append(probs, fmt.Sprintf("%s: %s (%s) does not compile%s", v.Name, ref, who, first))
			default:
				probs = append(probs, fmt.Sprintf("%s: %s (%s) should pass but %s%s", v.Name, ref, who, describeStatus(o.Status), first))
			}
			continue
		}
		switch o.Status {
		case "fail":
		case "pass":
			why := "although its exercise is still a panic here"
			if v.Name == "student edition" {
				why = "against the stand-in panics of the student edition; a test that passes against panic(\"TODO\") teaches nothing"
			}
			probs = append(probs, fmt.Sprintf("%s: %s (%s) passes %s", v.Name, ref, who, why))
		case outcomeBuild:
			probs = append(probs, fmt.Sprintf("%s: %s (%s) does not compile%s", v.Name, ref, who, first))
		default:
			probs = append(probs, fmt.Sprintf("%s: %s (%s) should fail but %s", v.Name, ref, who, describeStatus(o.Status)))
		}
	}
	return probs
}

// describeStatus words an outcome status for a problem message.
func describeStatus(s string) string {
	switch s {
	case "fail":
		return "failed"
	case "skip":
		return "was skipped"
	case outcomeNotRun:
		return "did not run"
	case outcomeBuild:
		return "did not compile"
	}
	return s
}
