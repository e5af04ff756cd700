// Command perfgroups splits the samples of `perf record -e cpu-clock -g`
// recordings into what the CPU is doing: the kernel's work for the program
// (TCP by system call, epoll, wake-ups between threads, memory) and the
// program's own (the Go runtime's collector, allocator, stacks and
// scheduler, HTTP parsing, package main). It prints one Markdown table, a
// column per program, each cell the median share over that program's runs
// with its range and median number of samples. PERFORMANCE.md's section on
// where the CPU time goes is made with it:
//
//	perf record -e cpu-clock -F 4000 -g -o /tmp/cpu/s06.1.data -- /tmp/cpu/s06 -addr … -quiet
//	go run ./sweep/perfgroups 'stage06=/tmp/cpu/s06.*.data' 'goroutines=/tmp/cpu/gor.*.data'
//	go run ./sweep/perfgroups -detail 'TCP: write' 'goroutines=/tmp/cpu/gor.*.data'
//
// Each argument is NAME=FILES, FILES a glob of perf.data files (quote it so
// that the shell leaves it alone). The tool runs `perf script` on each file,
// so perf must be on the PATH. -detail GROUP (any part of a group's name)
// lists, under the table, the functions that group's samples fall in.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, perfScript))
}

// perfScript runs perf script on one recording and returns what it prints.
func perfScript(file string) ([]byte, error) {
	if _, err := exec.LookPath("perf"); err != nil {
		return nil, errors.New("perf is not on the PATH: install it (Debian: apt-get install linux-perf)")
	}
	cmd := exec.Command("perf", "script", "-i", file, "-F", "comm,tid,ip,sym,dso")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("perf script -i %s: %w: %s", file, err, firstLine(stderr.String()))
	}
	return out, nil
}

// run is the command: it returns the exit status, 0 when it has written
// the table, 1 when a recording could not be read, 2 for a mistake in the
// arguments.
func run(args []string, stdout, stderr io.Writer, script func(file string) ([]byte, error)) int {
	flags := flag.NewFlagSet("perfgroups", flag.ContinueOnError)
	flags.SetOutput(stderr)
	detail := flags.String("detail", "", "a group (any part of its name) whose functions to list under the table")
	top := flags.Int("top", 15, "how many functions -detail lists per program")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./sweep/perfgroups [-detail GROUP] NAME=FILES...")
		fmt.Fprintln(stderr, "  e.g. go run ./sweep/perfgroups 'stage06=/tmp/cpu/s06.*.data' 'goroutines=/tmp/cpu/gor.*.data'")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, "perfgroups: "+format+"\n", a...)
		return status
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	if *top < 1 {
		return fail(2, "-top %d: want at least 1", *top)
	}
	var detailGroup *Group
	if *detail != "" {
		g, err := findGroup(*detail)
		if err != nil {
			return fail(2, "-detail: %v", err)
		}
		detailGroup = &g
	}
	programs, err := parsePrograms(flags.Args())
	if err != nil {
		return fail(2, "%v", err)
	}
	leaves := map[string]map[string]int{} // per program, the -detail group's samples by innermost function
	for pi := range programs {
		p := &programs[pi]
		leaves[p.Name] = map[string]int{}
		for ri := range p.Runs {
			file := p.Runs[ri].File
			out, err := script(file)
			if err != nil {
				return fail(1, "%v", err)
			}
			samples, err := readSamples(bytes.NewReader(out))
			if err != nil {
				return fail(1, "%s: %v", file, err)
			}
			if len(samples) == 0 {
				return fail(1, "%s: no samples; run the program under perf record -g", file)
			}
			p.Runs[ri] = countRun(file, samples)
			if detailGroup != nil {
				for _, s := range samples {
					if Classify(s) == *detailGroup {
						leaves[p.Name][s[0].Sym]++
					}
				}
			}
		}
	}
	if err := writeTable(stdout, programs); err != nil {
		return fail(1, "write the table: %v", err)
	}
	if detailGroup != nil {
		fmt.Fprintln(stdout)
		if err := writeDetail(stdout, *detailGroup, leaves, programs, *top); err != nil {
			return fail(1, "write the detail: %v", err)
		}
	}
	return 0
}

// parsePrograms reads the NAME=FILES arguments. A name given twice gathers
// the files of both.
func parsePrograms(args []string) ([]Program, error) {
	var programs []Program
	index := map[string]int{}
	for _, arg := range args {
		name, pattern, ok := strings.Cut(arg, "=")
		if !ok || name == "" || pattern == "" {
			return nil, fmt.Errorf("argument %q: want NAME=FILES, e.g. 'stage06=/tmp/cpu/s06.*.data'", arg)
		}
		files, err := filepath.Glob(pattern)
		if err != nil {
			return nil, fmt.Errorf("argument %q: %w", arg, err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("argument %q: no file matches %s", arg, pattern)
		}
		i, seen := index[name]
		if !seen {
			i = len(programs)
			index[name] = i
			programs = append(programs, Program{Name: name})
		}
		for _, f := range files {
			programs[i].Runs = append(programs[i].Runs, Run{File: f})
		}
	}
	return programs, nil
}

// findGroup is the one group whose name contains part (case does not
// matter).
func findGroup(part string) (Group, error) {
	var found []Group
	for _, g := range Groups {
		if strings.Contains(strings.ToLower(g.Name), strings.ToLower(part)) {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Group{}, fmt.Errorf("no group's name contains %q; the groups: %s", part, groupNames(Groups))
	default:
		return Group{}, fmt.Errorf("%q is in more than one group's name: %s", part, groupNames(found))
	}
}

func groupNames(groups []Group) string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = fmt.Sprintf("%q", g.Name)
	}
	return strings.Join(names, ", ")
}

// firstLine is the first line of s, for an error message.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
