package trace

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// chromeFlushAt is how many bytes chromeWriter gathers before it writes
// them: large enough that a file gets few write calls, small enough to
// stay in the CPU's cache.
const chromeFlushAt = 64 << 10

// chromeWriter appends the entries of a traceEvents array to buf as JSON
// text, field by field, in the order encoding/json gives a struct's
// fields: name, cat, ph, ts, dur, pid, tid, id, bp, s, args. An entry is
// begin (name to ts), optionally dur, then the head's end (pid and tid,
// written by whichever call comes next), optionally the instant's scope
// or a flow's id, then the args one by one, then end.
//
// The first write error is kept in err; after it, nothing more is
// written, and WriteChrome returns it.
type chromeWriter struct {
	w       io.Writer
	buf     []byte
	err     error
	entries int  // entries begun so far: each one after the first needs a comma
	tid     int  // the thread of the entry being written
	headEnd bool // pid and tid are written
	args    int  // arguments written to the entry's args object
}

// begin starts an entry: its name, its category (left out when empty),
// its phase and its time stamp.
func (c *chromeWriter) begin(name, cat, ph string, at time.Duration, tid int) {
	c.open(tid)
	c.buf = append(c.buf, `{"name":`...)
	c.buf = appendJSONString(c.buf, name)
	c.rest(cat, ph, at)
}

// beginNumbered is begin for a name that is a prefix and a number, such
// as "poll task 3", built without fmt.
func (c *chromeWriter) beginNumbered(prefix string, n int, cat, ph string, at time.Duration, tid int) {
	c.open(tid)
	c.buf = append(c.buf, `{"name":"`...)
	c.buf = append(c.buf, prefix...) // every prefix is plain text: no escape needed
	c.buf = strconv.AppendInt(c.buf, int64(n), 10)
	c.buf = append(c.buf, '"')
	c.rest(cat, ph, at)
}

// metadata starts an "M" entry for the thread tid (0: the process).
func (c *chromeWriter) metadata(name string, tid int) *chromeWriter {
	c.begin(name, "", "M", 0, tid)
	return c
}

// open resets the state of one entry and writes the comma before it.
func (c *chromeWriter) open(tid int) {
	if c.entries > 0 {
		c.buf = append(c.buf, ',')
	}
	c.entries++
	c.tid, c.headEnd, c.args = tid, false, 0
}

// rest writes the fields of begin after the name.
func (c *chromeWriter) rest(cat, ph string, at time.Duration) {
	if cat != "" {
		c.buf = append(c.buf, `,"cat":"`...)
		c.buf = append(c.buf, cat...) // categories are plain words
		c.buf = append(c.buf, '"')
	}
	c.buf = append(c.buf, `,"ph":"`...)
	c.buf = append(c.buf, ph...)
	c.buf = append(c.buf, `","ts":`...)
	c.buf = appendJSONFloat(c.buf, micros(at))
}

// dur writes a slice's duration; it comes right after begin.
func (c *chromeWriter) dur(d time.Duration) {
	c.buf = append(c.buf, `,"dur":`...)
	c.buf = appendJSONFloat(c.buf, micros(d))
}

// head writes pid and tid, once per entry.
func (c *chromeWriter) head() {
	if c.headEnd {
		return
	}
	c.headEnd = true
	c.buf = append(c.buf, `,"pid":`...)
	c.buf = strconv.AppendInt(c.buf, chromePID, 10)
	c.buf = append(c.buf, `,"tid":`...)
	c.buf = strconv.AppendInt(c.buf, int64(c.tid), 10)
}

// instant writes the scope of an instant: its thread.
func (c *chromeWriter) instant() *chromeWriter {
	c.head()
	c.buf = append(c.buf, `,"s":"t"`...)
	return c
}

// flowID writes the id that pairs the two ends of a flow arrow, and for
// the finish its binding point "e": the arrow ends at the slice that
// encloses it, the poll.
func (c *chromeWriter) flowID(id int, finish bool) *chromeWriter {
	c.head()
	c.buf = append(c.buf, `,"id":`...)
	c.buf = strconv.AppendInt(c.buf, int64(id), 10)
	if finish {
		c.buf = append(c.buf, `,"bp":"e"`...)
	}
	return c
}

// key starts the argument key: the args object's opening or a comma
// before it, then the key.
func (c *chromeWriter) key(k string) {
	c.head()
	if c.args == 0 {
		c.buf = append(c.buf, `,"args":{"`...)
	} else {
		c.buf = append(c.buf, `,"`...)
	}
	c.args++
	c.buf = append(c.buf, k...) // keys are plain words
	c.buf = append(c.buf, `":`...)
}

// str writes the argument k, a string.
func (c *chromeWriter) str(k, v string) *chromeWriter {
	c.key(k)
	c.buf = appendJSONString(c.buf, v)
	return c
}

// int writes the argument k, an integer.
func (c *chromeWriter) int(k string, v int) *chromeWriter {
	c.key(k)
	c.buf = strconv.AppendInt(c.buf, int64(v), 10)
	return c
}

// float writes the argument k, a number with a fraction.
func (c *chromeWriter) float(k string, v float64) *chromeWriter {
	c.key(k)
	c.buf = appendJSONFloat(c.buf, v)
	return c
}

// boolTrue writes the argument k as true.
func (c *chromeWriter) boolTrue(k string) *chromeWriter {
	c.key(k)
	c.buf = append(c.buf, "true"...)
	return c
}

// task writes the arguments that name a task: its executor and its id.
func (c *chromeWriter) task(t Task) *chromeWriter {
	return c.str("executor", t.Executor.Name()).int("task", t.ID)
}

// end closes the entry, with the newline encoding/json's Encoder puts
// after each value, and writes the buffer out once it is full.
func (c *chromeWriter) end() {
	c.head()
	if c.args > 0 {
		c.buf = append(c.buf, '}')
	}
	c.buf = append(c.buf, "}\n"...)
	if len(c.buf) >= chromeFlushAt {
		c.err = c.flush()
	}
}

// flush writes the buffer out and empties it. After a failed write it
// writes nothing and returns the first error again.
func (c *chromeWriter) flush() error {
	if c.err == nil {
		_, c.err = c.w.Write(c.buf)
	}
	c.buf = c.buf[:0]
	return c.err
}

// appendJSONFloat appends f as encoding/json writes a float64: the
// shortest decimal that reads back as f, with an exponent only for
// magnitudes below 1e-6 or from 1e21 on, and the exponent's leading zero
// dropped (1e-7, not 1e-07). Time stamps are never that small or large,
// but due times and durations may be 0.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// appendJSONString appends s as a JSON string. Names, notes and errors
// are almost always plain printable ASCII with no quote or backslash, and
// those go in as they are; anything else (a quote, a control character,
// <, > or &, which encoding/json escapes for HTML, any byte beyond ASCII)
// goes through encoding/json, so that the escapes are its own.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' {
			quoted, err := json.Marshal(s)
			if err != nil { // a Go string always marshals; keep the text readable anyway
				return strconv.AppendQuote(b, s)
			}
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
