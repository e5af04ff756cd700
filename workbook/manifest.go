// This file reads workbook/exercises.toml, the one list of every exercise, and
// remembers on which line each entry and each of its keys was written so that
// every complaint about the manifest can point at file:line.

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// manifestPath is where the manifest lives, relative to the module root.
const manifestPath = "workbook/exercises.toml"

// Exercise is one entry of the manifest: something the learner rebuilds, the
// tests that prove it works, and what it is worth.
type Exercise struct {
	ID       string   `toml:"id"`
	Stage    int      `toml:"stage"`
	Title    string   `toml:"title"`
	Concept  string   `toml:"concept"`
	Hints    []string `toml:"hints"`
	Tests    []string `toml:"tests"`
	Points   int      `toml:"points"`
	Requires []string `toml:"requires"`
	// Hidden lists tests the teacher keeps out of the student edition: they
	// live in files named *_hidden_test.go, which export leaves out, and run
	// with the others wherever they are present (the reference repository,
	// the grading edition).
	Hidden []string `toml:"hidden"`

	// Line is the line of the entry's [[exercise]] header; keyLines maps each
	// key of the entry to the line it was written on.
	Line     int            `toml:"-"`
	keyLines map[string]int `toml:"-"`
}

// TestRef names one test function: the package folder (relative to the
// module root, with forward slashes) and the Test function's name.
type TestRef struct {
	Dir  string
	Name string
}

// String gives the manifest spelling, "dir:TestName".
func (r TestRef) String() string { return r.Dir + ":" + r.Name }

// TestRefs parses the entry's tests, the hidden ones last. The manifest was
// validated on load, so a malformed entry cannot reach this point.
func (e *Exercise) TestRefs() []TestRef {
	refs := make([]TestRef, 0, len(e.Tests)+len(e.Hidden))
	for _, t := range append(slices.Clip(e.Tests), e.Hidden...) {
		ref, err := parseTestRef(t)
		if err == nil {
			refs = append(refs, ref)
		}
	}
	return refs
}

// IsHidden reports whether ref is one of the exercise's hidden tests.
func (e *Exercise) IsHidden(ref TestRef) bool {
	return slices.Contains(e.Hidden, ref.String())
}

// hiddenTestSuffix ends the name of every file that holds hidden tests.
const hiddenTestSuffix = "_hidden_test.go"

// keyLine is the line of key inside this entry, or the header's line when the
// key was not written at all (the complaint then is that it is missing).
func (e *Exercise) keyLine(key string) int {
	if l, ok := e.keyLines[key]; ok {
		return l
	}
	return e.Line
}

// Manifest is the decoded exercises.toml, in the learner's order.
type Manifest struct {
	// Path is the file's path relative to the module root (for messages).
	Path      string
	Exercises []*Exercise
}

// ByID finds an exercise, or nil.
func (m *Manifest) ByID(id string) *Exercise {
	for _, e := range m.Exercises {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// IDs lists every id in the learner's order.
func (m *Manifest) IDs() []string {
	ids := make([]string, len(m.Exercises))
	for i, e := range m.Exercises {
		ids[i] = e.ID
	}
	return ids
}

// manifestFile is the TOML document's shape.
type manifestFile struct {
	Exercise []*Exercise `toml:"exercise"`
}

// readManifest decodes the manifest under root. Only syntax and unknown keys
// are checked here; validateProject checks what the entries mean.
func readManifest(root string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(manifestPath)))
	if err != nil {
		return nil, fmt.Errorf("read the manifest: %w", err)
	}
	return parseManifest(manifestPath, data)
}

// parseManifest decodes manifest text; name is used in messages.
func parseManifest(name string, data []byte) (*Manifest, error) {
	var doc manifestFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("%s:%d: %s", name, perr.Position.Line, perr.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	headers, keys := indexManifestLines(data)
	if len(headers) != len(doc.Exercise) {
		// Only possible if [[exercise]] is spelled in a way the line index
		// does not recognise (inline tables, for instance).
		return nil, fmt.Errorf("%s: write each exercise as its own [[exercise]] table (found %d entries but %d [[exercise]] lines)",
			name, len(doc.Exercise), len(headers))
	}
	for i, e := range doc.Exercise {
		e.Line = headers[i]
		e.keyLines = keys[i]
	}
	for _, k := range md.Undecoded() {
		// A misspelt key (hint instead of hints) would otherwise be dropped
		// without a word, and the exercise would silently lose its hints.
		line := findKeyLine(data, k[len(k)-1])
		return nil, fmt.Errorf("%s:%d: unknown key %q (known keys: id, stage, title, concept, hints, tests, points, requires, hidden)",
			name, line, k.String())
	}
	return &Manifest{Path: name, Exercises: doc.Exercise}, nil
}

var (
	exerciseHeader = regexp.MustCompile(`^\s*\[\[\s*exercise\s*\]\]`)
	keyAssignment  = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)
)

// indexManifestLines finds the line of every [[exercise]] header and, for
// each entry, the line of each top-level key assignment inside it. TOML
// decoders do not report positions of values, and a message that says
// "exercises.toml:42" is worth this small scan.
func indexManifestLines(data []byte) (headers []int, keys []map[string]int) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if exerciseHeader.MatchString(text) {
			headers = append(headers, line)
			keys = append(keys, map[string]int{})
			continue
		}
		if len(keys) == 0 {
			continue
		}
		if m := keyAssignment.FindStringSubmatch(text); m != nil {
			if _, seen := keys[len(keys)-1][m[1]]; !seen {
				keys[len(keys)-1][m[1]] = line
			}
		}
	}
	return headers, keys
}

// findKeyLine finds the first line that assigns key, or 0.
func findKeyLine(data []byte, key string) int {
	for i, text := range strings.Split(string(data), "\n") {
		if m := keyAssignment.FindStringSubmatch(text); m != nil && m[1] == key {
			return i + 1
		}
	}
	return 0
}
