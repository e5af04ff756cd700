// This file tests one variant for verify: it writes the variant's marked
// files into a work folder, runs the listed tests of every package the
// variant changes, and takes the others' outcomes from the student edition
// (see verifyreuse.go for why that is safe).

package main

import (
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
)

// variantTester runs variants against one project.
type variantTester struct {
	p    *Project
	refs []TestRef
	deps *packageDeps

	mu sync.Mutex
	// student holds the student edition's outcomes once it has run.
	student map[TestRef]*TestOutcome
}

// run tests variant v in tr's folder. It returns an outcome for every
// listed test and the folders whose outcomes came from the student edition.
func (vt *variantTester) run(ctx context.Context, tr *testRunner, v variant) (map[TestRef]*TestOutcome, []string, error) {
	if err := writeMarkedFiles(vt.p, tr.Dir, func(id string) bool { return !v.Restored[id] }); err != nil {
		return nil, nil, err
	}
	// A restored exercise is restored in its home and, through carry, in
	// its copies. The reference's copies equal their homes, so writing
	// them by id above already did what carry does; carry must agree.
	carried, err := carry(tr.Dir, vt.p.Manifest, vt.p.markedFiles())
	if err != nil {
		return nil, nil, err
	}
	if len(carried.Filled) > 0 || len(carried.Skipped) > 0 {
		var b strings.Builder
		carried.print(&b)
		return nil, nil, fmt.Errorf("carry changed the variant, so its copies are not their homes' twins:\n%s", b.String())
	}
	touched := map[string]bool{}
	for _, mk := range vt.p.Markers {
		if v.Restored[mk.ID] {
			touched[path.Dir(mk.File)] = true
		}
	}
	vt.mu.Lock()
	student := vt.student
	vt.mu.Unlock()

	var toRun []TestRef
	reused := map[string]bool{}
	for _, r := range vt.refs {
		if student != nil && len(v.Restored) > 0 && !vt.deps.affected(r.Dir, touched) {
			reused[r.Dir] = true
			continue
		}
		toRun = append(toRun, r)
	}
	// go test's own vet checks run where nothing else vets the code: the
	// student edition has had a whole go vet, and a variant in between
	// only mixes bodies of the two vetted editions.
	vtr := *tr
	vtr.VetOff = !v.Vet
	outcomes, err := vtr.run(ctx, toRun)
	if err != nil {
		return nil, nil, err
	}
	if len(v.Restored) == 0 {
		vt.mu.Lock()
		vt.student = maps.Clone(outcomes)
		vt.mu.Unlock()
	}
	for _, r := range vt.refs {
		if reused[r.Dir] {
			outcomes[r] = student[r]
		}
	}
	dirs := slices.Sorted(maps.Keys(reused))
	return outcomes, dirs, nil
}

// markedDirs lists the folders that hold at least one marked function.
func markedDirs(markers []*Marker) []string {
	set := map[string]bool{}
	for _, mk := range markers {
		set[path.Dir(mk.File)] = true
	}
	return sortedKeys(set)
}
