package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/samlharness/samlharness/assertions"
)

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// colors are ANSI escapes, used only when stdout is a terminal and
// NO_COLOR is unset.
type colors struct{ fail, warn, pass, skip, reset string }

func colorsFor(w io.Writer) colors {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return colors{}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return colors{}
	}
	return colors{fail: "\x1b[31m", warn: "\x1b[33m", pass: "\x1b[32m",
		skip: "\x1b[90m", reset: "\x1b[0m"}
}

func (c colors) of(st assertions.Status) string {
	switch st {
	case assertions.Fail:
		return c.fail
	case assertions.Warn:
		return c.warn
	case assertions.Pass:
		return c.pass
	}
	return c.skip
}

// printReport writes a report as an aligned table, one line per check:
// failures first, each followed by its expected and actual values and its
// fix, then warnings, passes and skipped checks. Colour escapes, when the
// writer is a terminal, wrap only the status word, whose width is the same
// for every status, so the columns line up with and without them.
func printReport(w io.Writer, title string, r *assertions.Report) {
	writeReport(w, colorsFor(w), title, r)
}

func writeReport(w io.Writer, c colors, title string, r *assertions.Report) {
	verdict := c.fail + "REJECTED" + c.reset
	if r.Accepted {
		verdict = c.pass + "ACCEPTED" + c.reset
	}
	fmt.Fprintf(w, "%s: %s\n", title, verdict)
	switch {
	case r.Claims == nil || !r.Accepted:
	case r.Rules == string(assertions.RulesSAML):
		fmt.Fprintf(w, "signed in as %s (generic SAML rules: Frontline's claims "+
			"were not checked)\n", r.Claims.NameID)
	default:
		fmt.Fprintf(w, "signed in to Frontline as %s with roles %s\n",
			r.Claims.NameID, strings.Join(r.Claims.Attributes["roles"], ", "))
	}
	width := 0
	for _, ch := range r.Checks {
		width = max(width, len(ch.Code))
	}
	const statusWidth = len("FAIL")
	indent := strings.Repeat(" ", statusWidth+2+width+2)
	for _, st := range []assertions.Status{assertions.Fail, assertions.Warn,
		assertions.Pass, assertions.Skip} {
		for _, ch := range r.Checks {
			if ch.Status != st {
				continue
			}
			untrusted := ""
			if ch.Untrusted {
				untrusted = " (unsigned input)"
			}
			fmt.Fprintf(w, "%s%-*s%s  %-*s  %s%s\n", c.of(st), statusWidth,
				strings.ToUpper(string(st)), c.reset, width, ch.Code,
				oneLine(ch.Message), untrusted)
			if st == assertions.Fail || st == assertions.Warn {
				fmt.Fprintf(w, "%sexpected: %s\n", indent, orNone(ch.Expected))
				fmt.Fprintf(w, "%sactual:   %s\n", indent, orNone(ch.Actual))
				fmt.Fprintf(w, "%sfix:      %s\n", indent, orNone(ch.Fix))
			}
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return oneLine(s)
}
