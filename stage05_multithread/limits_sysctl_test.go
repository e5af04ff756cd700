//go:build linux || darwin || freebsd

package main

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSysctls reads sysctls from a map; a name not in it cannot be read, as
// on a kernel without that limit.
func fakeSysctls(values map[string]uint32) sysctlReader {
	return func(name string) (uint32, error) {
		if v, ok := values[name]; ok {
			return v, nil
		}
		return 0, errors.New("sysctl " + name + ": no such file or directory")
	}
}

func TestSysctlThreadLimitsOfMacOS(t *testing.T) {
	limits := sysctlThreadLimits(darwinThreadSysctls, fakeSysctls(map[string]uint32{
		"kern.num_taskthreads": 4096,
		"kern.num_threads":     40960,
	}))

	require.Len(t, limits, 2)
	assert.Equal(t, "macOS's limit on threads per process (kern.num_taskthreads)", limits[0].Name)
	assert.EqualValues(t, 4096, limits[0].Max)
	assert.EqualValues(t, 40960, limits[1].Max)
	for _, l := range limits {
		assert.Zero(t, l.InUse, "macOS does not say how much is in use: %s", l.Name)
		assert.Nil(t, l.Raise, "macOS's limits are read-only: %s", l.Name)
	}
}

func TestSysctlThreadLimitsOfFreeBSD(t *testing.T) {
	limits := sysctlThreadLimits(freebsdThreadSysctls, fakeSysctls(map[string]uint32{
		"kern.threads.max_threads_per_proc": 1500,
	}))

	require.Len(t, limits, 1)
	assert.EqualValues(t, 1500, limits[0].Max)
	require.NotNil(t, limits[0].Raise)
	assert.Equal(t, "raise it with sudo sysctl kern.threads.max_threads_per_proc=2040", limits[0].Raise(2040))
}

func TestSysctlThreadLimitThatCannotBeReadIsLeftOut(t *testing.T) {
	limits := sysctlThreadLimits(darwinThreadSysctls, fakeSysctls(map[string]uint32{
		"kern.num_threads": 40960,
	}))
	require.Len(t, limits, 1, "an unreadable limit is not guessed")
	assert.EqualValues(t, 40960, limits[0].Max)

	assert.Empty(t, sysctlThreadLimits(freebsdThreadSysctls, fakeSysctls(nil)))
	p := Plan{Executors: 2, Requests: 5000, Delay: time.Second, FixedDelay: true}
	assert.NoError(t, checkThreads(p, append(systemThreadLimits(20000)[:1], sysctlThreadLimits(freebsdThreadSysctls, fakeSysctls(nil))...)),
		"with nothing known past Go's own limit, the run goes ahead")
}

func TestCheckThreadsRefusesPastALimitThatCannotBeRaised(t *testing.T) {
	limits := sysctlThreadLimits(darwinThreadSysctls, fakeSysctls(map[string]uint32{"kern.num_taskthreads": 4096}))
	p := Plan{Executors: 2, Requests: 2500, Delay: time.Second, FixedDelay: true}

	requireOneLine(t, checkThreads(p, limits),
		"threads mode: 5000 requests need about",
		"but macOS's limit on threads per process (kern.num_taskthreads) is 4096 and cannot be raised; lower -requests/-executors")
	assert.NoError(t, checkThreads(Plan{Executors: 2, Requests: 1000, Delay: time.Second, FixedDelay: true}, limits))
}

func TestDescribeSysctlLimitsSaysUnknown(t *testing.T) {
	read := fakeSysctls(map[string]uint32{"kern.num_taskthreads": 4096})
	assert.Equal(t, "kern.num_taskthreads (4096), kern.num_threads (unknown)", describeSysctlLimits(darwinThreadSysctls, read))
	assert.Equal(t, "kern.threads.max_threads_per_proc (unknown)", describeSysctlLimits(freebsdThreadSysctls, fakeSysctls(nil)))
}
