// This file finds the workbook's module root from wherever the runner was
// started, so that `go run ../workbook` from inside a stage folder works too.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// modulePath is the reference repository's module path.
const modulePath = "github.com/asyncworkbook/asyncgo"

// errOutsideRepo is what every command says when it cannot find the workbook.
var errOutsideRepo = fmt.Errorf("not inside the asyncgo workbook: run this from the repository's root folder (the one with go.mod and workbook/exercises.toml), e.g. cd asyncgo && go run ./workbook")

// findRoot walks up from dir to the first folder whose go.mod declares the
// workbook's module, or that holds workbook/exercises.toml (an exported or
// renamed copy, or the runner's test fixture).
func findRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find the workbook from %s: %w", dir, err)
	}
	for {
		if isWorkbookRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errOutsideRepo
		}
		dir = parent
	}
}

// isWorkbookRoot reports whether dir is a module root of the workbook.
func isWorkbookRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(manifestPath))); err == nil {
		return true
	}
	return strings.TrimSpace(modfile.ModulePath(data)) == modulePath
}
