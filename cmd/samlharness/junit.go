package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/samlharness/samlharness/assertions"
)

// The JUnit XML that CI report tools read: testsuites, testsuite,
// testcase, and failure or skipped, as in the common JUnit schema.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	Time    string        `xml:"time,attr"`
	Failure *junitFailure `xml:"failure,omitempty"`
	Skipped *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// reportSuite turns one report into a suite with a test case per check.
func reportSuite(name string, r *assertions.Report) junitSuite {
	s := junitSuite{Name: name, Time: "0"}
	for _, c := range r.Checks {
		tc := junitCase{Class: name, Name: c.Name, Time: "0"}
		switch c.Status {
		case assertions.Fail:
			tc.Failure = &junitFailure{Message: string(c.Code), Type: string(c.Code),
				Text: fmt.Sprintf("%s\nexpected: %s\nactual: %s\nfix: %s",
					c.Message, c.Expected, c.Actual, c.Fix)}
			s.Failures++
		case assertions.Skip:
			tc.Skipped = &junitSkipped{Message: c.Message}
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	return s
}

// writeJUnit writes suites to path.
func writeJUnit(path string, suites []junitSuite) error {
	doc := junitSuites{Suites: suites}
	total := 0.0
	for _, s := range suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		sec, _ := strconv.ParseFloat(s.Time, 64)
		total += sec
	}
	doc.Time = seconds(total)
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	data := []byte(xml.Header + string(out) + "\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

// seconds formats a duration in seconds for JUnit's time attributes.
func seconds(sec float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", sec), "0"), ".")
}
