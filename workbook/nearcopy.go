// This file looks for solutions that findLeaks cannot see: a function of the
// export whose body is not the reference body of an exercise but nearly is.
// A later stage often carries an earlier exercise's body forward with a
// line or two changed; left unmarked, it hands the learner the answer to
// the earlier stage with those lines to ignore.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

const (
	// nearCopyRatio is how alike two bodies must be, as difflib's ratio of
	// their token sequences (2 × matching tokens / all tokens), to count
	// as a copy. A real near-copy, one condition or one call changed, is
	// well above it; two functions that merely share a shape (a loop over
	// a switch of system call errors) stay below it.
	nearCopyRatio = 0.8
	// nearCopyMinTokens leaves out bodies too short to give anything away:
	// "return r.err()" is alike wherever it is written.
	nearCopyMinTokens = 40
)

// goTokens splits Go source into its tokens, comments and layout left out,
// so that two bodies compare by what they do, not by how they are written
// down. Identifiers and literals keep their text.
func goTokens(src string) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	s.Init(file, []byte(src), nil, 0) // mode 0: comments are skipped
	var toks []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return toks
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // an inserted semicolon is layout, not code
		}
		if lit != "" {
			toks = append(toks, lit)
			continue
		}
		toks = append(toks, tok.String())
	}
}

// referenceBody is one exercise's solution, ready to compare.
type referenceBody struct {
	m     *Marker
	toks  []string
	calls []string // answerCalls of the body (nearcalls.go)
}

// findNearCopies parses every Go file under dir (an export) and returns one
// message for each function body that is at least nearCopyRatio alike to an
// exercise's reference body, and for each function of a test file that
// makes most of the same kernel and helper calls as one (nearcalls.go).
// Bodies the export blanked are a single panic and too short to match.
func findNearCopies(dir string, markers []*Marker) ([]string, error) {
	return findNearCopiesExcept(dir, markers, nil)
}

// findNearCopiesExcept is findNearCopies passing over the functions in
// shipped, which an export hands out solved on purpose.
func findNearCopiesExcept(dir string, markers []*Marker, shipped shippedFuncs) ([]string, error) {
	var refs []referenceBody
	for _, m := range markers {
		toks, calls := goTokens(m.Body), answerCalls(m.Body)
		if len(toks) >= nearCopyMinTokens || len(calls) >= answerCallsMin {
			refs = append(refs, referenceBody{m, toks, calls})
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	files, err := walkFiles(dir)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, rel := range files {
		if !strings.HasSuffix(rel, ".go") {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(rel))
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("scan the export for near copies: %w", err)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			continue // not Go that parses: the build step reports it
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || shipped[rel][funcName(fn)] {
				continue
			}
			body := string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset])
			msg := nearCopyOf(goTokens(body), refs)
			if msg == "" && strings.HasSuffix(rel, "_test.go") {
				msg = sameCallsAs(answerCalls(body), refs)
			}
			if msg != "" {
				found = append(found, fmt.Sprintf("%s:%d: %s %s", rel, fset.Position(fn.Pos()).Line, funcName(fn), msg))
			}
		}
	}
	return found, nil
}

// nearCopyOf compares one body with every reference and describes the
// closest match at or above nearCopyRatio, or returns "".
func nearCopyOf(toks []string, refs []referenceBody) string {
	if len(toks) < nearCopyMinTokens {
		return ""
	}
	best, bestRatio := (*Marker)(nil), 0.0
	sm := difflib.NewMatcher(nil, toks)
	for _, ref := range refs {
		if len(ref.toks) < nearCopyMinTokens {
			continue // kept for its calls only
		}
		// Bodies of very different lengths cannot reach the ratio; skip
		// them before the costly comparison.
		if 2*float64(min(len(toks), len(ref.toks)))/float64(len(toks)+len(ref.toks)) < nearCopyRatio {
			continue
		}
		sm.SetSeq1(ref.toks)
		if sm.QuickRatio() < nearCopyRatio {
			continue
		}
		if r := sm.Ratio(); r >= nearCopyRatio && r > bestRatio {
			best, bestRatio = ref.m, r
		}
	}
	if best == nil {
		return ""
	}
	return fmt.Sprintf("is %.0f%% the solution of exercise %s (%s, %s); mark it with the same id, or make the exercise's test cover it",
		100*bestRatio, best.ID, best.Func, best.Pos())
}
