package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Frame is one line of a sample's call chain: the function and the object
// it lives in ("[kernel.kallsyms]", the program's path, "libc.so.6", ...).
type Frame struct {
	Sym string
	DSO string
}

// InKernel reports whether the frame is the kernel's code.
func (f Frame) InKernel() bool {
	return f.DSO == "[kernel.kallsyms]"
}

// Sample is one sample's call chain, innermost frame (where the CPU is)
// first, outermost last, as perf script prints it.
type Sample []Frame

// readSamples parses what `perf script -F comm,tid,ip,sym,dso` prints for a
// recording made with -g: per sample, a header line (the command and the
// thread id) starting in column 0, then one indented line per frame,
// "ADDRESS SYMBOL (DSO)", then a blank line. A sample with no frame (a
// recording made without -g) is an error: nothing could be grouped.
func readSamples(r io.Reader) ([]Sample, error) {
	var samples []Sample
	var current Sample
	inSample := false
	flush := func(lineNo int) error {
		if !inSample {
			return nil
		}
		if len(current) == 0 {
			return fmt.Errorf("line %d: a sample without a call chain; record with perf record -g", lineNo)
		}
		samples = append(samples, current)
		current, inSample = nil, false
		return nil
	}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	lineNo := 0
	for scanner.Scan() {
		lineNo++
		line := scanner.Text()
		switch {
		case strings.TrimSpace(line) == "":
			if err := flush(lineNo); err != nil {
				return nil, err
			}
		case line[0] != ' ' && line[0] != '\t':
			if err := flush(lineNo); err != nil {
				return nil, err
			}
			inSample = true
		default:
			if !inSample {
				return nil, fmt.Errorf("line %d: a frame before any sample header: %q", lineNo, line)
			}
			frame, err := parseFrame(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			current = append(current, frame)
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read perf script output: %w", err)
	}
	if err := flush(lineNo + 1); err != nil {
		return nil, err
	}
	return samples, nil
}

// parseFrame splits "\t ffffffff8160a925 handle_mm_fault ([kernel.kallsyms])"
// into its symbol and its object. A Go symbol may hold parentheses
// ("main.(*Executor).Spawn") but no space, and the object is the last
// thing on the line, so the object is what the last " (" opens.
func parseFrame(line string) (Frame, error) {
	fields := strings.TrimSpace(line)
	_, rest, ok := strings.Cut(fields, " ")
	if !ok {
		return Frame{}, fmt.Errorf("a frame without a symbol: %q", line)
	}
	open := strings.LastIndex(rest, " (")
	if open < 0 || !strings.HasSuffix(rest, ")") {
		return Frame{}, fmt.Errorf("a frame without its object in parentheses: %q", line)
	}
	return Frame{Sym: rest[:open], DSO: rest[open+2 : len(rest)-1]}, nil
}
