package stagetest

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asyncworkbook/asyncgo/internal/trace"
)

// StuckEnv names the environment variable by which the workbook's runner
// asks a stage's test binary to say, shortly before the runner's deadline,
// what the runtime under test was stuck on. Its value is how long after
// the binary starts to say it, as a Go duration ("18s").
const StuckEnv = "WORKBOOK_REPORT_STUCK_AFTER"

// StuckPrefix starts each line of that report, on stderr; the runner puts
// the lines in its report of the hang, under the test that was running.
const StuckPrefix = "workbook: stuck: "

// ReportStuckBeforeTheDeadline is the first call of a stage's TestMain.
// Without StuckEnv it does nothing. With it, the binary records the
// runtime's work in the background (trace.Watch: a test that records its
// own trace takes over while it runs), and once the time given has passed
// it writes trace.Stuck's lines to stderr: the executor that was parked,
// waiting or inside a poll, and each task it still had pending with what
// could wake it. The binary goes on; the test's own deadline stops it. A
// binary that finishes in time never reports.
//
// What it says of a learner's runtime comes from the trace lines in their
// exercise bodies (e.trace.PollBegins(id), ...), which those exercises'
// tests check.
func ReportStuckBeforeTheDeadline() {
	after, err := time.ParseDuration(os.Getenv(StuckEnv))
	if err != nil || after <= 0 {
		return
	}
	w, err := trace.Watch(0)
	if err != nil {
		return
	}
	watching.Store(w)
	time.AfterFunc(after, func() {
		for _, line := range w.Stop().Stuck() {
			fmt.Fprintln(os.Stderr, StuckPrefix+line)
		}
	})
}

// watching is the background recording ReportStuckBeforeTheDeadline
// started, if it did.
var watching atomic.Pointer[trace.Watcher]

// StuckNow is, for a test that gives up waiting on the runtime (its own
// deadline, shorter than the runner's), what the runtime is stuck on at
// this moment, as lines to add to its failure message: "" unless the
// binary records in the background (the runner asked for it).
func StuckNow() string {
	w := watching.Load()
	if w == nil {
		return ""
	}
	lines := w.Now().Stuck()
	if len(lines) == 0 {
		return ""
	}
	return "\nthe runtime, from its trace lines:\n  " + strings.Join(lines, "\n  ")
}
