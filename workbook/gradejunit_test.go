package main

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two JUnit schemas the report is checked against. .ci/junit-schemas
// fetches both from a registry package, checks their SHA-256 and prints
// the folder that holds them; CI exports it as junitSchemaDirEnv.
const (
	junitSchemaDirEnv  = "WORKBOOK_JUNIT_XSD_DIR"
	antJUnitSchema     = "JUnit.xsd"         // Apache Ant's, as published by Windy Road
	jenkinsJUnitSchema = "jenkins-junit.xsd" // Jenkins' junit-4, which adds <skipped>
)

// junitSchema finds one of the schemas, or skips the test when the
// schemas or xmllint are not on this machine.
func junitSchema(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv(junitSchemaDirEnv)
	if dir == "" {
		t.Skipf("JUnit schema check skipped: %s is not set (set it to the folder that .ci/junit-schemas prints to run it)", junitSchemaDirEnv)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("JUnit schema check skipped: xmllint is not installed (apt-get install libxml2-utils)")
	}
	path := filepath.Join(dir, name)
	_, err := os.Stat(path)
	require.NoError(t, err, "%s names a folder without %s; run .ci/junit-schemas again", junitSchemaDirEnv, name)
	return path
}

// xmllintErrors validates doc against the schema at xsd and returns
// xmllint's complaints, none when it is valid.
func xmllintErrors(t *testing.T, xsd string, doc []byte) []string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.xml")
	require.NoError(t, os.WriteFile(file, doc, 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xmllint", "--noout", "--schema", xsd, file).CombinedOutput()
	if err == nil {
		return nil
	}
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "xmllint did not run: %s", out)
	var complaints []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.Contains(l, "validity error") {
			complaints = append(complaints, l)
		}
	}
	require.NotEmpty(t, complaints, "xmllint failed without a validity error: %s", out)
	return complaints
}

// parsedJUnit is what the tests read back from a JUnit report.
type parsedJUnit struct {
	XMLName xml.Name   `xml:"testsuites"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Suites  []struct {
		Name       string `xml:"name,attr"`
		Timestamp  string `xml:"timestamp,attr"`
		Hostname   string `xml:"hostname,attr"`
		Time       string `xml:"time,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string  `xml:"name,attr"`
			ClassName string  `xml:"classname,attr"`
			Time      string  `xml:"time,attr"`
			Skipped   *string `xml:"skipped"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct{} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, data []byte) parsedJUnit {
	t.Helper()
	require.True(t, strings.HasPrefix(string(data), "<?xml"), "a JUnit report starts with the XML declaration")
	var got parsedJUnit
	require.NoError(t, xml.Unmarshal(data, &got))
	require.Len(t, got.Suites, 1, "one suite per grading run")
	return got
}

func TestJUnitOfAGradingRun(t *testing.T) {
	r := gradeFourStates(t)
	out, err := gradeJUnit(r)
	require.NoError(t, err)

	t.Run("blocked is skipped, not done and failing are failures, counts agree", func(t *testing.T) {
		got := parseJUnit(t, out)
		assert.Empty(t, got.Attrs, "Ant's schema allows <testsuites> no attributes")
		s := got.Suites[0]
		cases := map[string]int{}
		for i, c := range s.Cases {
			cases[strings.SplitN(c.Name, ":", 2)[0]] = i
		}
		require.Len(t, cases, 4)

		sum := s.Cases[cases["sum"]]
		require.NotNil(t, sum.Skipped, "an exercise waiting for an unfinished one is skipped")
		assert.Nil(t, sum.Failure, "a skipped exercise has not failed")
		assert.Equal(t, "waits for exercise add, which is not done yet", *sum.Skipped)

		add := s.Cases[cases["add"]]
		require.NotNil(t, add.Failure, "an exercise not done yet fails")
		assert.Nil(t, add.Skipped)
		assert.Equal(t, "not done yet", add.Failure.Message)
		assert.Equal(t, "notdone", add.Failure.Type)

		greet := s.Cases[cases["greet"]]
		require.NotNil(t, greet.Failure)
		assert.Equal(t, "failed", greet.Failure.Type)
		assert.Contains(t, greet.Failure.Text, "adalovelace", "the teacher's report keeps the failure's lines")

		counter := s.Cases[cases["counter"]]
		assert.Nil(t, counter.Failure)
		assert.Nil(t, counter.Skipped)
		assert.Equal(t, "fixture.stage2", counter.ClassName)

		var failures, skipped, errs int
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
			}
			if c.Skipped != nil {
				skipped++
			}
			if c.Error != nil {
				errs++
			}
			_, err := strconv.ParseFloat(c.Time, 64)
			assert.NoError(t, err, "testcase time is a decimal")
		}
		assert.Equal(t, []int{4, 2, 1, 0}, []int{s.Tests, s.Failures, s.Skipped, s.Errors}, "tests, failures, skipped, errors")
		assert.Equal(t, []int{len(s.Cases), failures, skipped, errs}, []int{s.Tests, s.Failures, s.Skipped, s.Errors}, "the suite's counts are its cases'")

		assert.Regexp(t, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`), s.Timestamp, "Ant's timestamp has no zone")
		stamp, err := time.Parse(junitTimestamp, s.Timestamp)
		require.NoError(t, err)
		assert.WithinDuration(t, r.Started.UTC(), stamp, time.Second)
		assert.NotEmpty(t, s.Hostname)
		elapsed, err := strconv.ParseFloat(s.Time, 64)
		require.NoError(t, err)
		assert.InDelta(t, r.Elapsed.Seconds(), elapsed, 0.001)
		assert.Contains(t, s.Properties, struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		}{"score", "2"})
	})

	t.Run("valid under Jenkins' schema", func(t *testing.T) {
		assert.Empty(t, xmllintErrors(t, junitSchema(t, jenkinsJUnitSchema), out))
	})

	t.Run("Ant's schema objects only to the skipped exercise", func(t *testing.T) {
		complaints := xmllintErrors(t, junitSchema(t, antJUnitSchema), out)
		require.NotEmpty(t, complaints, "Ant's schema has no <skipped>; a report with one cannot be valid there")
		for _, c := range complaints {
			assert.Contains(t, c, "skipped", "the only departure from Ant's schema is the skipped exercise")
		}
	})
}

// noBlockedReport is a graded run by hand, without a blocked exercise:
// one passes, one fails with lines that need escaping, one not done.
func noBlockedReport() *gradeReport {
	ex := func(id string, stage int) *Exercise {
		return &Exercise{ID: id, Stage: stage, Title: "Title of " + id, Points: 2, Hints: []string{"first hint"}}
	}
	return &gradeReport{
		Project: "asyncgo", Score: 2, MaxScore: 6,
		Started: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), Elapsed: 1500 * time.Millisecond,
		Results: []*ExerciseResult{
			{Exercise: ex("one", 1), Status: StatusPassed},
			{Exercise: ex("two", 1), Status: StatusFailed, Reason: "stage01:TestTwo failed", FailedTest: "stage01:TestTwo",
				Excerpt: []string{`two_test.go:9: got "<a & b>", want ]]> and a tab	here`}},
			{Exercise: ex("three", 2), Status: StatusNotDone, Reason: "not done yet"},
		},
	}
}

func TestJUnitWithoutBlockedExerciseIsValidUnderBothSchemas(t *testing.T) {
	out, err := gradeJUnit(noBlockedReport())
	require.NoError(t, err)
	got := parseJUnit(t, out)
	assert.Equal(t, "2026-03-04T05:06:07", got.Suites[0].Timestamp)
	assert.Equal(t, "1.500", got.Suites[0].Time)
	assert.NotContains(t, string(out), "skipped", "with nothing skipped, no skipped count: Ant's schema has none")
	assert.Contains(t, got.Suites[0].Cases[1].Failure.Text, `"<a & b>", want ]]>`, "the failure's text survives escaping")
	for _, xsd := range []string{antJUnitSchema, jenkinsJUnitSchema} {
		t.Run(xsd, func(t *testing.T) {
			assert.Empty(t, xmllintErrors(t, junitSchema(t, xsd), out))
		})
	}
}

// TestJUnitSchemaCheckCatchesAMissingPart shows the schema check can fail:
// each edit drops something Ant's schema requires.
func TestJUnitSchemaCheckCatchesAMissingPart(t *testing.T) {
	out, err := gradeJUnit(noBlockedReport())
	require.NoError(t, err)
	edits := map[string]*regexp.Regexp{
		"suite without hostname":       regexp.MustCompile(` hostname="[^"]*"`),
		"suite without errors count":   regexp.MustCompile(` errors="0"`),
		"suite without system-err":     regexp.MustCompile(`\s*<system-err></system-err>`),
		"suite without properties":     regexp.MustCompile(`(?s)\s*<properties>.*</properties>`),
		"failure without a type":       regexp.MustCompile(` type="failed"`),
		"test case without a time":     regexp.MustCompile(` time="0.000"`),
		"testsuites with an attribute": regexp.MustCompile(`<testsuites>`),
	}
	xsd := junitSchema(t, antJUnitSchema)
	for name, re := range edits {
		t.Run(name, func(t *testing.T) {
			require.True(t, re.Match(out), "the report changed; update this edit")
			replacement := ""
			if name == "testsuites with an attribute" {
				replacement = `<testsuites tests="3">`
			}
			broken := re.ReplaceAll(out, []byte(replacement))
			assert.NotEmpty(t, xmllintErrors(t, xsd, broken))
		})
	}
}
