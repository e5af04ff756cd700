//go:build linux || darwin || freebsd

package main

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinfoRecord builds a 64-bit FreeBSD struct kinfo_proc with the fields the
// parser reads. The offsets are written out here rather than taken from the
// constants, so that a typo in either shows: ki_structsize at 0, ki_pid at
// 72, ki_numthreads at 596 (sys/sys/user.h).
func kinfoRecord(size, pid, threads int32) []byte {
	buf := make([]byte, 1088)
	binary.NativeEndian.PutUint32(buf[0:], uint32(size))
	binary.NativeEndian.PutUint32(buf[72:], uint32(pid))
	binary.NativeEndian.PutUint32(buf[596:], uint32(threads))
	return buf
}

func TestKinfoProcThreadsReadsKiNumthreads(t *testing.T) {
	n, err := kinfoProcThreads(kinfoRecord(1088, 4242, 1005), 4242)
	require.NoError(t, err)
	assert.Equal(t, 1005, n)
}

func TestKinfoProcThreadsRefusesWhatItCannotTrust(t *testing.T) {
	cases := map[string]struct {
		buf  []byte
		want string
	}{
		"short answer":      {kinfoRecord(1088, 7, 3)[:768], "768 bytes"},
		"32-bit layout":     {kinfoRecord(768, 7, 3), "only the 64-bit layout"},
		"another process":   {kinfoRecord(1088, 8, 3), "pid 8, not 7"},
		"no threads at all": {kinfoRecord(1088, 7, 0), "counts 0 threads"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := kinfoProcThreads(c.buf, 7)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
