package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// threeSamples is perf script output as `perf script -F comm,tid,ip,sym,dso`
// prints it, shortened from a recording of stage 06: a read in the kernel,
// a sample in the garbage collector, and one at the very end with no blank
// line after it.
const threeSamples = `s06 24671 
	ffffffff8206619b tcp_recvmsg_locked ([kernel.kallsyms])
	ffffffff816dc9e3 ksys_read ([kernel.kallsyms])
	ffffffff8223c951 do_syscall_64 ([kernel.kallsyms])
	ffffffff81000130 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
	            980e internal/runtime/syscall/linux.Syscall6 (/tmp/cpu/s06)
	          26bbd4 main.rawRead (/tmp/cpu/s06)
	          2678db main.(*HTTPGetFuture).readResponse (/tmp/cpu/s06)
	          272cbe main.(*TimeoutFuture[go.shape.string]).Poll (/tmp/cpu/s06)

s06 24668 
	           4b2c1 runtime.scanObject (/tmp/cpu/s06)
	           4a7f0 runtime.gcDrain (/tmp/cpu/s06)
	           47a12 runtime.gcBgMarkWorker.func2 (/tmp/cpu/s06)

s06 24667 
	           1ab70 _start (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)
	    7faf108f2ad7 [unknown] ([unknown])`

func TestReadSamplesSplitsSamplesAndFrames(t *testing.T) {
	samples, err := readSamples(strings.NewReader(threeSamples))
	require.NoError(t, err)
	require.Len(t, samples, 3)

	read := samples[0]
	require.Len(t, read, 8)
	assert.Equal(t, Frame{"tcp_recvmsg_locked", "[kernel.kallsyms]"}, read[0], "innermost frame first")
	assert.True(t, read[0].InKernel())
	assert.Equal(t, Frame{"main.(*TimeoutFuture[go.shape.string]).Poll", "/tmp/cpu/s06"}, read[7],
		"a symbol with parentheses and brackets keeps them; the object is the last parentheses")
	assert.False(t, read[7].InKernel())

	assert.Len(t, samples[1], 3)
	assert.Equal(t, "runtime.scanObject", samples[1][0].Sym)

	last := samples[2]
	require.Len(t, last, 2, "the last sample counts without a blank line after it")
	assert.Equal(t, Frame{"[unknown]", "[unknown]"}, last[1])
}

func TestReadSamplesRefusesWhatItCannotGroup(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"a recording without -g: headers with no call chain", "s06 1 \n\ns06 2 \n", "record with perf record -g"},
		{"a frame before any header", "\tffff tcp_close ([kernel.kallsyms])\n", "before any sample header"},
		{"a frame without its object", "s06 1 \n\tffff tcp_close\n", "without its object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readSamples(strings.NewReader(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestReadSamplesOfNothingIsNoSamples(t *testing.T) {
	samples, err := readSamples(strings.NewReader(""))
	require.NoError(t, err)
	assert.Empty(t, samples)
}
