// This file writes a grading run as JUnit XML, the report format that CI
// servers (Jenkins, GitLab, GitHub's test reporters) read.
//
// The shape follows Apache Ant's JUnit schema, the one most readers were
// written against: a <testsuites> root without attributes, holding
// <testsuite> elements that carry name, package, id, timestamp, hostname,
// tests, failures, errors and time, and contain, in this order, one
// <properties>, the <testcase> elements, one <system-out> and one
// <system-err>. A test case carries name, classname and time, and a failed
// one holds a <failure message type>.
//
// Ant's schema has no way to say "skipped". An exercise that waits for an
// unfinished prerequisite has not failed: its tests stop in the other
// exercise's body before they reach its own.
// Such an exercise gets Jenkins' extension, a <skipped> element, and its
// suite a skipped count; Jenkins' schema declares <skipped> as plain text,
// so the reason is its text. A report with no blocked exercise is valid
// under both schemas; one with a blocked exercise under Jenkins' only.

package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
)

// junitSuites is the report's root. Ant's schema allows it no attributes:
// the totals are on the suite.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

// junitSuite is one grading run: every exercise is one of its test cases.
type junitSuite struct {
	Name      string `xml:"name,attr"`
	Package   string `xml:"package,attr"`
	ID        int    `xml:"id,attr"`
	Timestamp string `xml:"timestamp,attr"`
	Hostname  string `xml:"hostname,attr"`
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Errors    int    `xml:"errors,attr"`
	// Skipped is Jenkins' count of skipped cases; it is left out when zero
	// so that a report without one stays valid under Ant's schema.
	Skipped    int             `xml:"skipped,attr,omitempty"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	// SystemOut and SystemErr are required by Ant's schema even when empty.
	SystemOut string `xml:"system-out"`
	SystemErr string `xml:"system-err"`
}

// junitProperty is one name=value fact about the run (Jenkins' schema
// wants at least one inside <properties>).
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is one exercise.
type junitCase struct {
	Name      string `xml:"name,attr"`
	ClassName string `xml:"classname,attr"`
	// Time is required. The tests of all exercises run together, sharing
	// test binaries, so no exercise has a duration of its own: it is 0,
	// and the suite's time is the whole run's.
	Time    string        `xml:"time,attr"`
	Skipped *junitSkipped `xml:"skipped,omitempty"`
	Failure *junitFailure `xml:"failure,omitempty"`
}

// junitSkipped marks an exercise that waits for another; its text says
// which.
type junitSkipped struct {
	Text string `xml:",chardata"`
}

// junitFailure says why an exercise did not pass: Message is the one-line
// reason, Type the exercise's status (failed or notdone), the text the
// reason with the lines that explain it.
type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// junitTimestamp is Ant's timestamp pattern: ISO 8601 without a zone,
// which this report writes in UTC.
const junitTimestamp = "2006-01-02T15:04:05"

func gradeJUnit(r *gradeReport) ([]byte, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost" // what Ant's schema asks for when it is unknown
	}
	suite := junitSuite{
		Name:      r.Project + " workbook",
		Package:   r.Project,
		Timestamp: r.Started.UTC().Format(junitTimestamp),
		Hostname:  host,
		Time:      seconds(r.Elapsed.Seconds()),
		Properties: []junitProperty{
			{Name: "score", Value: strconv.Itoa(r.Score)},
			{Name: "max_score", Value: strconv.Itoa(r.MaxScore)},
		},
	}
	for _, res := range r.Results {
		e := res.Exercise
		c := junitCase{
			Name:      e.ID + ": " + e.Title,
			ClassName: fmt.Sprintf("%s.stage%d", r.Project, e.Stage),
			Time:      seconds(0),
		}
		switch {
		case res.Passed():
		case len(res.Blocked) > 0:
			c.Skipped = &junitSkipped{Text: res.Reason}
			suite.Skipped++
		default:
			c.Failure = &junitFailure{Message: res.Reason, Type: string(res.Status), Text: explanation(res)}
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	data, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{suite}}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write JUnit XML: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

// seconds writes a duration the way both schemas accept (a decimal).
func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
