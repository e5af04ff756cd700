// This file suggests what the user probably meant when an id is unknown, by
// edit distance, so that a typo costs one glance instead of a trip to list.

package main

import (
	"sort"
	"strings"
)

// closest returns up to three candidates nearest to word, nearest first,
// leaving out any that are too far away to be a plausible typo.
func closest(word string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	limit := max(2, len(word)/3)
	var near []scored
	for _, c := range candidates {
		d := editDistance(word, c)
		// A candidate that contains the word (or the other way round) is a
		// good guess however long it is: "wake" for "s03-waker-wake".
		if d <= limit || (len(word) >= 3 && (strings.Contains(c, word) || strings.Contains(word, c))) {
			near = append(near, scored{c, d})
		}
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].d < near[j].d })
	var out []string
	for i := 0; i < len(near) && i < 3; i++ {
		out = append(out, near[i].s)
	}
	return out
}

// didYouMean formats the suggestion tail of a message, or "" if none is near.
func didYouMean(word string, candidates []string) string {
	near := closest(word, candidates)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(near, ", ") + "?"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
