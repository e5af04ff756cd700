//go:build linux || darwin || freebsd

// approaches.go names the programs the sweep compares. Each is a main
// package of the workbook that answers the common plan: the same flags, one
// line per response, and a summary last whose name is the program's folder.

package main

import (
	"slices"
	"strings"
)

// Approach is one program the sweep runs as a child process.
type Approach struct {
	// Name is the program's folder name, which its summary line starts
	// with, and what -approaches, the tables and the chart call it.
	Name string
	// Package is its path inside the module, for go build.
	Package string
	// Short is what the chart's legend and -approaches also accept.
	Short string
	// MaxThreads says the program takes -max-threads (Go's thread limit).
	MaxThreads bool
}

// The approaches, in the order each round runs them by default.
var approaches = []Approach{
	{Name: "stage06_production", Package: "stage06_production", Short: "stage06"},
	{Name: "stage05_multithread", Package: "stage05_multithread", Short: "stage05"},
	{Name: "threads", Package: "baselines/threads", Short: "threads", MaxThreads: true},
	{Name: "goroutines", Package: "baselines/goroutines", Short: "goroutines"},
}

// baseline is the approach every ratio is taken against.
const baseline = "goroutines"

// lookupApproach finds an approach by its name or short name.
func lookupApproach(name string) (Approach, bool) {
	i := slices.IndexFunc(approaches, func(a Approach) bool { return a.Name == name || a.Short == name })
	if i < 0 {
		return Approach{}, false
	}
	return approaches[i], true
}

// approachNames lists every approach's name and short name, for messages.
func approachNames() string {
	var names []string
	for _, a := range approaches {
		if a.Short != a.Name {
			names = append(names, a.Name+" ("+a.Short+")")
		} else {
			names = append(names, a.Name)
		}
	}
	return strings.Join(names, ", ")
}
