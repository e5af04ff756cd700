//go:build linux

// build.go compiles the two programs the sweep runs, stage 05 and the delay
// server, into a temporary directory. Built binaries, not `go run`: go run
// would compile inside every measured child and its compiler's CPU time and
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
	Stage05     string
	DelayServer string
}

// Build compiles stage 05 and the delay server into dir. It runs the go
// command found on $PATH from inside the module, so the sweep works from any
// directory of the repository.
func Build(ctx context.Context, dir string) (Binaries, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Binaries{}, fmt.Errorf("the sweep builds stage 05 with the go command, which is not on $PATH: %w", err)
	}
	root, err := moduleRoot(ctx, goTool)
	if err != nil {
		return Binaries{}, err
	}
	// With -o naming a directory (the trailing slash says so), go build
	// writes each main package there under its folder's name.
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", dir+string(filepath.Separator),
		modulePath+"/stage05_multithread", modulePath+"/delayserver")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Binaries{}, ctx.Err()
		}
		return Binaries{}, fmt.Errorf("go build stage05_multithread and delayserver: %v: %s", err, truncate(oneLine(out.String()), 400))
	}
	return Binaries{
		Stage05:     filepath.Join(dir, "stage05_multithread"),
		DelayServer: filepath.Join(dir, "delayserver"),
	}, nil
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
