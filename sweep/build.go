//go:build linux || darwin || freebsd

// build.go compiles the programs the sweep runs, the approaches and the delay
// server, into a temporary directory. Built binaries, not `go run`: go run
// would compile inside every measured child, and the compiler's CPU time and
// memory would sit next to the run's own.

package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// modulePath is the workbook's Go module; the sweep builds its packages.
const modulePath = "github.com/asyncworkbook/asyncgo"

// Binaries are the built programs.
type Binaries struct {
	// Programs maps an approach's name to its program.
	Programs    map[string]string
	DelayServer string
}

// Build compiles the approaches and the delay server into dir. It runs the
// go command found on $PATH from inside the module, so the sweep works from
// any directory of the repository. Each package is built on its own, so
// that one that does not build is named in the error.
func Build(ctx context.Context, dir string, list []Approach) (Binaries, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Binaries{}, fmt.Errorf("the sweep builds the programs with the go command, which is not on $PATH: %w", err)
	}
	root, err := moduleRoot(ctx, goTool)
	if err != nil {
		return Binaries{}, err
	}
	bins := Binaries{Programs: map[string]string{}}
	build := func(pkg, name string) (string, error) {
		out := filepath.Join(dir, name)
		cmd := exec.CommandContext(ctx, goTool, "build", "-o", out, modulePath+"/"+pkg)
		cmd.Dir = root
		var text bytes.Buffer
		cmd.Stdout, cmd.Stderr = &text, &text
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return "", fmt.Errorf("go build ./%s: %v: %s", pkg, err, truncate(oneLine(text.String()), 400))
		}
		return out, nil
	}
	if bins.DelayServer, err = build("delayserver", "delayserver"); err != nil {
		return Binaries{}, err
	}
	for _, a := range list {
		path, err := build(a.Package, a.Name)
		if err != nil {
			return Binaries{}, fmt.Errorf("%w (leave it out with -approaches)", err)
		}
		bins.Programs[a.Name] = path
	}
	return bins, nil
}

// moduleRoot is the directory of the workbook's go.mod, found from the
// working directory.
func moduleRoot(ctx context.Context, goTool string) (string, error) {
	out, err := exec.CommandContext(ctx, goTool, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" || gomod == "NUL" {
		return "", fmt.Errorf("not inside the workbook's Go module: run the sweep from the repository, e.g. go run ./sweep")
	}
	return filepath.Dir(gomod), nil
}
