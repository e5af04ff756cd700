package delayserver

import (
	"strings"
	"testing"
	"time"
)

// FuzzParsePath checks that any path either parses into a delay within the
// bound, or is rejected with an error, and never panics.
func FuzzParsePath(f *testing.F) {
	for _, seed := range []string{"/1000/hello", "/0/a%20b", "/abc/x", "//", "/1/%zz", "/5/a/b", "", "/99999999999999999999/x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		delay, msg, err := ParsePath(path, time.Minute)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error for %q spans lines: %q", path, err)
			}
			return
		}
		if delay < 0 || delay > time.Minute {
			t.Fatalf("delay %v for %q is outside [0, 1m]", delay, path)
		}
		if msg == "" {
			t.Fatalf("empty message accepted for %q", path)
		}
	})
}
