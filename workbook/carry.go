// This file is `carry`: the learner writes each exercise once, in its home
// stage, and carry copies that body, whatever it currently is, into every
// later stage that repeats the function (copies.go says which). Later stages
// then build on the learner's own code, never on the solution.

package main

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

func (a *app) cmdCarry(ctx context.Context, args []string) error {
	fs := newFlags("carry")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	return carryAndReport(p, a.stdout)
}

// carryAndReport carries every exercise in p's folder and prints one line
// per exercise it filled and per file it had to skip. check, watch and
// grade call it before they run tests.
func carryAndReport(p *Project, w io.Writer) error {
	res, err := carry(p.Root, p.Manifest, p.Files)
	if err != nil {
		return err
	}
	res.print(w)
	return nil
}

// carryResult says what one carry did.
type carryResult struct {
	// Filled lists, per exercise and home file, the later files whose
	// copies changed, in the order the exercises are listed.
	Filled []carriedBody
	// Skipped holds one line per file that does not parse.
	Skipped []string
}

// carriedBody is one exercise carried from one home file.
type carriedBody struct {
	ID   string
	From string
	Into []string
}

// print writes the result for the learner; nothing when nothing changed.
func (r *carryResult) print(w io.Writer) {
	for _, s := range r.Skipped {
		fmt.Fprintln(w, s)
	}
	for _, c := range r.Filled {
		fmt.Fprintf(w, "carried %s from %s into %s\n", c.ID, c.From, strings.Join(c.Into, ", "))
	}
}

// carrySource is one marked Go file as carry reads it.
type carrySource struct {
	rel     string
	src     []byte
	markers []*Marker
	err     error // the parse error, if the file does not parse
}

// carry fills every copy under root with its home body. It reads the
// files afresh (the learner may have saved since the project was loaded),
// writes only the files whose copies change, and never changes a home body.
// A file that does not parse is skipped with a line naming where; the other
// exercises are carried all the same.
func carry(root string, m *Manifest, files []string) (*carryResult, error) {
	sources := map[string]*carrySource{}
	var markers []*Marker
	for _, rel := range goSourceFiles(files) {
		if stage, _ := stageOfFile(rel); stage == 0 {
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("carry: %w", err)
		}
		if !strings.Contains(string(src), "workbook:exercise") {
			continue
		}
		cs := &carrySource{rel: rel, src: src}
		if _, err := parser.ParseFile(token.NewFileSet(), rel, src, parser.SkipObjectResolution); err != nil {
			cs.err = err
		} else {
			cs.markers, _, _ = parseMarkers(rel, src)
			markers = append(markers, cs.markers...)
		}
		sources[rel] = cs
	}
	links, _ := linkCopies(m, markers) // loadProject has reported these
	res := &carryResult{}
	for _, rel := range sortedKeys(sources) {
		if cs := sources[rel]; cs.err != nil {
			res.Skipped = append(res.Skipped, skipLine(cs, m, sources))
		}
	}

	byFile := map[string][]copyLink{}
	for _, l := range links {
		if canonicalBody(l.Copy.Body) != canonicalBody(l.Home.Body) {
			byFile[l.Copy.File] = append(byFile[l.Copy.File], l)
		}
	}
	filled := map[[2]string][]string{} // {id, home file} -> changed copies' files
	for _, rel := range sortedKeys(byFile) {
		changed, err := carryInto(root, sources[rel], byFile[rel], sources)
		if err != nil {
			return nil, err
		}
		if !changed {
			continue
		}
		for _, l := range byFile[rel] {
			key := [2]string{l.Home.ID, l.Home.File}
			if !slices.Contains(filled[key], rel) {
				filled[key] = append(filled[key], rel)
			}
		}
	}
	for _, e := range m.Exercises {
		var homes []string
		for key := range filled {
			if key[0] == e.ID {
				homes = append(homes, key[1])
			}
		}
		slices.Sort(homes)
		for _, h := range homes {
			res.Filled = append(res.Filled, carriedBody{ID: e.ID, From: h, Into: filled[[2]string{e.ID, h}]})
		}
	}
	return res, nil
}

// skipLine names where a file fails to parse and which exercises carry
// leaves alone because of it.
func skipLine(cs *carrySource, m *Manifest, sources map[string]*carrySource) string {
	where := cs.rel
	var list scanner.ErrorList
	if errors.As(cs.err, &list) && len(list) > 0 {
		where = fmt.Sprintf("%s:%d: %s", cs.rel, list[0].Pos.Line, list[0].Msg)
	}
	// The exercises whose copies elsewhere would come from this file.
	stage, rest := stageOfFile(cs.rel)
	var ids []string
	for _, other := range sources {
		otherStage, otherRest := stageOfFile(other.rel)
		if otherRest != rest || otherStage <= stage {
			continue
		}
		for _, mk := range other.markers {
			if e := m.ByID(mk.ID); e != nil && e.Stage == stage && !slices.Contains(ids, mk.ID) {
				ids = append(ids, mk.ID)
			}
		}
	}
	slices.Sort(ids)
	what := "nothing is carried into this file until it parses"
	if len(ids) > 0 {
		what = "not carried until it parses: " + strings.Join(ids, ", ")
	}
	return fmt.Sprintf("carry skipped %s (%s)", where, what)
}

// carryInto replaces the copies in one file with their home bodies, fixes
// the file's imports and writes it if its content changed.
func carryInto(root string, cs *carrySource, links []copyLink, sources map[string]*carrySource) (bool, error) {
	// Splice from the end so that earlier offsets stay valid.
	slices.SortFunc(links, func(a, b copyLink) int { return b.Copy.bodyStart - a.Copy.bodyStart })
	out := string(cs.src)
	for _, l := range links {
		out = out[:l.Copy.bodyStart] + l.Home.Body + out[l.Copy.bodyStart+len(l.Copy.Body):]
	}
	var homeFiles []*carrySource
	for _, l := range links {
		if hs := sources[l.Home.File]; !slices.Contains(homeFiles, hs) {
			homeFiles = append(homeFiles, hs)
		}
	}
	fixed, err := fixImports(cs.rel, []byte(out), homeFiles)
	if err != nil {
		return false, err
	}
	if string(fixed) == string(cs.src) {
		return false, nil
	}
	if err := writeFileAtomic(filepath.Join(root, filepath.FromSlash(cs.rel)), fixed); err != nil {
		return false, err
	}
	return true, nil
}

// fixImports adds the imports of the home files that the file now uses and
// lacks, drops the ones it no longer uses (blank and dot imports stay), and
// prints the file as gofmt would.
func fixImports(name string, src []byte, homes []*carrySource) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("carry into %s: %w", name, err)
	}
	used := usedPackageNames(f)
	have := map[string]bool{}
	for _, spec := range f.Imports {
		have[importLocalName(spec)] = true
	}
	for _, hs := range homes {
		hf, err := parser.ParseFile(token.NewFileSet(), hs.rel, hs.src, parser.ImportsOnly)
		if err != nil {
			continue // only parsed files have copies linked to them
		}
		for _, spec := range hf.Imports {
			local := importLocalName(spec)
			if !used[local] || have[local] || local == "_" || local == "." {
				continue
			}
			named := ""
			if spec.Name != nil {
				named = spec.Name.Name
			}
			ipath, _ := strconv.Unquote(spec.Path.Value)
			astutil.AddNamedImport(fset, f, named, ipath)
			have[local] = true
		}
	}
	for _, spec := range slices.Clone(f.Imports) {
		local := importLocalName(spec)
		if local == "_" || local == "." || used[local] {
			continue
		}
		ipath, _ := strconv.Unquote(spec.Path.Value)
		if ipath == "C" {
			continue
		}
		named := ""
		if spec.Name != nil {
			named = spec.Name.Name
		}
		astutil.DeleteNamedImport(fset, f, named, ipath)
	}
	var b strings.Builder
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("carry into %s: %w", name, err)
	}
	return []byte(b.String()), nil
}

// usedPackageNames collects every name used as the package of a qualified
// identifier (the fmt of fmt.Println) that no declaration in the file binds.
func usedPackageNames(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// importLocalName is the name a file uses for an import: the one it gives,
// or the last element of the path (without a major version suffix such as
// /v2), which is the package name for every import in this project.
func importLocalName(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	p, _ := strconv.Unquote(spec.Path.Value)
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	return strings.TrimPrefix(base, "go-")
}

// writeFileAtomic replaces path with data through a temporary file in the
// same folder, so an editor or a test never sees it half written. The
// temporary name starts with a dot, which the go command and watch ignore.
func writeFileAtomic(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("carry: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".carry-*")
	if err != nil {
		return fmt.Errorf("carry: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("carry: write %s: %w", path, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("carry: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("carry: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("carry: %w", err)
	}
	return nil
}
