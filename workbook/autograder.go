// This file is `autograder`: it writes the zip that Gradescope takes as a
// programming assignment's autograder. Gradescope unpacks it into
// /autograder/source, runs setup.sh once to build its image, and then runs
// run_autograder for every submission, which grades the learner's bodies
// (uploaded into /autograder/submission) against the bundled pristine
// edition with `grade --submission` and writes
// /autograder/results/results.json.

package main

import (
	"archive/zip"
	"context"
	_ "embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// The two scripts at the root of the bundle. setup.sh names the Go release
// to install through the placeholder @GO_VERSION@.
var (
	//go:embed autograder/setup.sh
	setupScript string
	//go:embed autograder/run_autograder
	runAutograderScript string
)

// bundledEditionDir is the folder of the bundle that holds the pristine
// edition; run_autograder grades in it.
const bundledEditionDir = "edition"

func (a *app) cmdAutograder(ctx context.Context, args []string) error {
	fs := newFlags("autograder")
	selection := addSelectionFlags(fs,
		"the exercises that are the assignment, as for export --only; the others ship solved",
		"ID=N or stageN=N, comma separated, as for export --points")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	opts, err := selection.options(fs, "autograder")
	if err != nil {
		return err
	}
	out := pos[0]
	if !strings.HasSuffix(out, ".zip") {
		return &usageError{fmt.Sprintf("autograder: %s does not end in .zip; name the file to write, e.g. autograder.zip", out)}
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(a.dir, out)
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	if err := p.requireParsed(); err != nil {
		return err
	}
	if p.Student {
		return &usageError{"autograder: this is a student edition; build the autograder in the reference repository"}
	}
	// A selection that names no exercise is refused before any work.
	if _, err := planEdition(p.Manifest, opts); err != nil {
		return err
	}
	if err := writeAutograder(p, out, opts); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Wrote the Gradescope autograder to %s: upload it as the assignment's autograder (Ubuntu base image). Students upload their whole copy of the workbook.\n", pos[0])
	return nil
}

// bundleEdition writes the pristine edition the autograder grades against:
// the grading edition of the selection opts names, every selected body a
// hole, nothing of their reference, and the hidden tests in, so that they
// run on Gradescope and nowhere a student can read them.
func bundleEdition(p *Project, dir string, opts exportOptions) error {
	opts.Grading, opts.Solutions = true, false
	return exportEdition(p, dir, opts)
}

// writeAutograder writes the bundle to the zip file out, through a
// temporary file renamed into place.
func writeAutograder(p *Project, out string, opts exportOptions) error {
	tmp, err := os.MkdirTemp("", "workbook-autograder-")
	if err != nil {
		return fmt.Errorf("autograder: %w", err)
	}
	defer os.RemoveAll(tmp)
	edition := filepath.Join(tmp, bundledEditionDir)
	if err := bundleEdition(p, edition, opts); err != nil {
		return err
	}
	goVersion, err := goRelease(filepath.Join(edition, "go.mod"))
	if err != nil {
		return err
	}
	setup := strings.ReplaceAll(setupScript, "@GO_VERSION@", goVersion)
	scripts := map[string]string{"setup.sh": setup, "run_autograder": runAutograderScript}
	for name, text := range scripts {
		if err := writeFile(filepath.Join(tmp, name), []byte(text), 0o755); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("autograder: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-")
	if err != nil {
		return fmt.Errorf("autograder: %w", err)
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if err := zipFolder(f, tmp); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("autograder: write %s: %w", out, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("autograder: %w", err)
	}
	return nil
}

// goRelease is the Go release a go.mod asks for: its toolchain line, or its
// go line as a release name (go 1.26 is the release go1.26.0).
func goRelease(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", fmt.Errorf("autograder: %w", err)
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return "", fmt.Errorf("autograder: %w", err)
	}
	if f.Toolchain != nil {
		return f.Toolchain.Name, nil
	}
	if f.Go == nil {
		return "", fmt.Errorf("autograder: %s names no Go version; add a go line, e.g. go 1.26.0", gomod)
	}
	v := f.Go.Version
	if strings.Count(v, ".") == 1 {
		v += ".0"
	}
	return "go" + v, nil
}

// zipFolder writes every file under dir into a zip archive on w, with
// slash paths relative to dir and the files' permission bits, so that the
// scripts stay executable.
func zipFolder(w io.Writer, dir string) error {
	zw := zip.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		h.Method = zip.Deflate
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(fw, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("autograder: zip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("autograder: zip: %w", err)
	}
	return nil
}
