// This file picks, out of a failing test's output, the few lines a learner
// needs: testify's Error/Messages block, the first t.Errorf message, or the
// panic and the line of their own code it came from. The full output is one
// `go test -run` away; the excerpt is what fits next to a hint.

package main

import (
	"regexp"
	"strings"
)

// maxExcerptLines keeps one failure short enough to read at a glance.
const maxExcerptLines = 12

var (
	// logHeader starts a message logged by t.Errorf, t.Fatal or testify:
	// "    foo_test.go:12: ...".
	logHeader = regexp.MustCompile(`^\s+\S+\.go:\d+: ?`)
	// notDoneRE recognises the panic that stands in for an exercise body.
	notDoneRE = regexp.MustCompile(`workbook: exercise ([a-z0-9-]+) is not done yet`)
)

// failureExcerpt chooses the lines that explain a failed test.
func failureExcerpt(lines []string) []string {
	if ex := testifyBlock(lines); len(ex) > 0 {
		return clip(ex)
	}
	if ex := firstLogMessage(lines); len(ex) > 0 {
		return clip(ex)
	}
	if ex := panicSummary(lines); len(ex) > 0 {
		return clip(ex)
	}
	var rest []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "=== ") && strings.TrimSpace(l) != "" {
			rest = append(rest, strings.TrimSpace(l))
		}
	}
	return clip(rest)
}

// testifyBlock returns testify's first "Error:" block without its trace and
// test-name lines, keeping "Messages:", which carries the test author's words.
func testifyBlock(lines []string) []string {
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Error:") {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	var out []string
	for _, l := range lines[start:] {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "=== ") || logHeader.MatchString(l) || strings.HasPrefix(trimmed, "Error Trace:") {
			break
		}
		if strings.HasPrefix(trimmed, "Test:") {
			continue
		}
		// testify indents with eight spaces and a tab, and aligns its
		// columns with tabs: keep the alignment, drop the indentation.
		l = strings.TrimPrefix(l, "        \t")
		out = append(out, strings.TrimRight(strings.ReplaceAll(l, "\t", " "), " "))
	}
	return out
}

// firstLogMessage returns the first t.Errorf-style message and the lines
// that continue it.
func firstLogMessage(lines []string) []string {
	for i, l := range lines {
		if !logHeader.MatchString(l) {
			continue
		}
		out := []string{strings.TrimSpace(l)}
		for _, c := range lines[i+1:] {
			if !strings.HasPrefix(c, "        ") || logHeader.MatchString(c) {
				break
			}
			out = append(out, "  "+strings.TrimSpace(c))
		}
		if out[0] == "" || (len(out) == 1 && strings.HasSuffix(out[0], ":")) {
			continue // an empty message (testify's header line) explains nothing
		}
		return out
	}
	return nil
}

// panicSummary returns the panic's message and the first stack frame that is
// not the Go runtime's or the testing package's: the learner's line.
func panicSummary(lines []string) []string {
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic: ") {
			continue
		}
		out := []string{strings.TrimSuffix(strings.TrimSuffix(l, " [recovered, repanicked]"), " [recovered]")}
		for j := i + 1; j+1 < len(lines); j++ {
			fn := lines[j]
			loc := lines[j+1]
			if !strings.HasPrefix(loc, "\t") || strings.HasPrefix(fn, "\t") {
				continue
			}
			if strings.HasPrefix(fn, "testing.") || strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "panic(") || strings.HasPrefix(fn, "created by ") {
				continue
			}
			out = append(out, "at "+fn, "   "+strings.TrimSpace(loc))
			break
		}
		return out
	}
	return nil
}

// notDoneIDs lists, in order of appearance, the exercises whose stand-in
// panic shows up in lines.
func notDoneIDs(lines []string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, l := range lines {
		for _, m := range notDoneRE.FindAllStringSubmatch(l, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				ids = append(ids, m[1])
			}
		}
	}
	return ids
}

func clip(lines []string) []string {
	if len(lines) > maxExcerptLines {
		return append(lines[:maxExcerptLines:maxExcerptLines], "...")
	}
	return lines
}
