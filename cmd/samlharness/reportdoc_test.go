package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// docFields reads docs/report.md: for each "### Name" section, the field
// names of its table (the backquoted first cell of each row).
func docFields(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.md"))
	require.NoError(t, err)
	sections := map[string][]string{}
	section := ""
	for line := range strings.Lines(string(data)) {
		switch {
		case strings.HasPrefix(line, "### "):
			section = strings.TrimSpace(strings.TrimPrefix(line, "### "))
			sections[section] = []string{}
		case section != "" && strings.HasPrefix(line, "| `"):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			sections[section] = append(sections[section], name)
		}
	}
	return sections
}

// jsonFields returns the JSON field names of a struct type, with those of
// embedded structs, as encoding/json writes them.
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			names = append(names, jsonFields(f.Type)...)
		case !f.IsExported():
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// TestReportDocFields compares each documented object with the struct
// that writes it, both ways.
func TestReportDocFields(t *testing.T) {
	t.Parallel()
	doc := docFields(t)
	report := doc["Report"]
	with := func(extra ...[]string) []string {
		out := slices.Concat(extra...)
		slices.Sort(out)
		return out
	}
	tests := []struct {
		section string
		typ     reflect.Type
		want    []string // the documented fields the type must have
	}{
		{"Report", typeOf[assertions.Report](), report},
		{"Check", typeOf[assertions.Check](), doc["Check"]},
		{"Claims", typeOf[assertions.Claims](), doc["Claims"]},
		{"SignatureInfo", typeOf[assertions.SignatureInfo](), doc["SignatureInfo"]},
		{"Login", typeOf[loginOutput](), with(report, doc["Login"])},
		{"NoAccess", typeOf[noAccess](), doc["NoAccess"]},
		{"SPInitiated", typeOf[fixtures.SPInitiated](), doc["SPInitiated"]},
		{"Stopped", typeOf[fixtures.Stop](), doc["Stopped"]},
		{"Message", typeOf[checkedMessage](), with(report, doc["Message"])},
		{"CheckOutput", typeOf[checkOutput](), doc["CheckOutput"]},
		{"Contract", typeOf[contractOutput](), doc["Contract"]},
		{"ContractItem", typeOf[contractItem](), doc["ContractItem"]},
	}
	// Sections of objects that only some logins print: tested when the
	// document has them (a field that points at them is tested above).
	optional := []struct {
		section string
		typ     reflect.Type
	}{
		{"SPInitiated", typeOf[fixtures.SPInitiated]()},
		{"Stopped", typeOf[fixtures.Stop]()},
	}
	sections := map[string]bool{}
	for _, tt := range tests {
		sections[tt.section] = true
		t.Run(tt.section, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, doc[tt.section], "docs/report.md has no ### %s table",
				tt.section)
			want := slices.Sorted(slices.Values(tt.want))
			assert.Equal(t, want, jsonFields(tt.typ),
				"fields of %s in docs/report.md (left) and in the code (right)", tt.typ)
		})
	}
	for _, tt := range optional {
		if _, ok := doc[tt.section]; !ok {
			continue
		}
		sections[tt.section] = true
		t.Run(tt.section, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, slices.Sorted(slices.Values(doc[tt.section])),
				jsonFields(tt.typ), "fields of %s", tt.typ)
		})
	}
	assert.ElementsMatch(t, slices.Sorted(maps.Keys(sections)),
		slices.Collect(maps.Keys(doc)), "every ### section of docs/report.md is tested")
	for _, top := range []string{"Report", "CheckOutput", "Contract"} {
		assert.Contains(t, doc[top], "version", "every document is versioned: %s", top)
	}
}

// TestReportDocOutput runs the commands and requires every key they print
// to be documented in the section of the object it belongs to.
func TestReportDocOutput(t *testing.T) {
	useCache(t)
	doc := docFields(t)
	now := time.Now()

	keys := func(t *testing.T, stdout string) map[string]any {
		t.Helper()
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(stdout), &m), stdout)
		return m
	}
	documented := func(t *testing.T, obj any, sections ...string) {
		t.Helper()
		m, ok := obj.(map[string]any)
		require.True(t, ok, "%v is not an object", obj)
		var known []string
		for _, s := range sections {
			known = append(known, doc[s]...)
		}
		for k := range m {
			assert.Contains(t, known, k, "key %q of %v", k, sections)
		}
	}
	reportParts := func(t *testing.T, m map[string]any, sections ...string) {
		t.Helper()
		documented(t, m, append(sections, "Report")...)
		for _, c := range m["checks"].([]any) {
			documented(t, c, "Check")
		}
		if m["claims"] != nil {
			documented(t, m["claims"], "Claims")
		}
		if m["signature"] != nil {
			documented(t, m["signature"], "SignatureInfo")
		}
		for key, section := range map[string]string{"no_access": "NoAccess",
			"sp_initiated": "SPInitiated", "stopped": "Stopped"} {
			if m[key] != nil {
				documented(t, m[key], section)
			}
		}
	}

	res := runAt(t, now, "", "login", "--case", "audience-typo", "--json")
	login := keys(t, res.stdout)
	reportParts(t, login, "Login")
	require.NotNil(t, login["signature"])
	assert.EqualValues(t, assertions.ReportVersion, login["version"])

	res = runAt(t, now, "", "login", "--case", "user-not-assigned", "--json")
	refused := keys(t, res.stdout)
	reportParts(t, refused, "Login")
	require.NotNil(t, refused["no_access"])
	for _, c := range fixtures.Cases() {
		if c.Flow == fixtures.FlowSPInitiated {
			res = runAt(t, now, "", "login", "--case", c.Name, "--json")
			reportParts(t, keys(t, res.stdout), "Login")
		}
	}

	res = runAt(t, now, "", "login", "--sp-initiated", "--json")
	spInit := keys(t, res.stdout)
	reportParts(t, spInit, "Login")
	documented(t, spInit["sp_initiated"], "SPInitiated")

	res = runAt(t, now, "", "login", "--case", "sp-sso-url-other-region", "--json")
	stopped := keys(t, res.stdout)
	reportParts(t, stopped, "Login")
	documented(t, stopped["stopped"], "Stopped")

	res = runAt(t, now, "", "issue")
	file := filepath.Join(t.TempDir(), "r.xml")
	require.NoError(t, os.WriteFile(file, []byte(res.stdout), 0o644))
	res = runAt(t, now, "", "check", "--json", file)
	reportParts(t, keys(t, res.stdout), "Message")

	res = runAt(t, now, "", "contract", "--json")
	contract := keys(t, res.stdout)
	documented(t, contract, "Contract")
	for _, group := range []string{"users", "cases"} {
		for _, it := range contract[group].([]any) {
			documented(t, it, "ContractItem")
		}
	}
}
