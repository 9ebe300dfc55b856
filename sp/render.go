package sp

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/samlharness/samlharness/assertions"
)

// writeReport answers the ACS POST: 200 when the login is accepted, 403
// when it is not, as JSON or HTML.
func (s *SP) writeReport(w http.ResponseWriter, r *http.Request, rep *assertions.Report) {
	status := http.StatusOK
	if !rep.Accepted {
		status = http.StatusForbidden
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if wantsJSON(r) {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = resultPage.Execute(w, resultView{Report: rep, Failed: ordered(rep)})
}

type resultView struct {
	Report *assertions.Report
	Failed []assertions.Check
}

// ordered lists failures first, then warnings, then the rest.
func ordered(rep *assertions.Report) []assertions.Check {
	var out []assertions.Check
	for _, st := range []assertions.Status{assertions.Fail, assertions.Warn,
		assertions.Pass, assertions.Skip} {
		for _, c := range rep.Checks {
			if c.Status == st {
				out = append(out, c)
			}
		}
	}
	return out
}

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Frontline login {{if .Report.Accepted}}accepted{{else}}rejected{{end}}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;
padding:.3rem;text-align:left;vertical-align:top;word-break:break-word}
.fail{color:#a00}.warn{color:#850}.pass{color:#060}.skip{color:#666}</style>
</head><body><main>
{{with .Report}}{{if .Accepted}}<h1>Signed in to Frontline</h1>
{{with .Claims}}<p>as <strong>{{.NameID}}</strong>{{with index .Attributes "roles"}}
with role <strong>{{range $i, $r := .}}{{if $i}}, {{end}}{{$r}}{{end}}</strong>{{end}}</p>{{end}}
{{else}}<h1>Login rejected</h1>{{end}}{{end}}
<table><thead><tr><th>Status</th><th>Check</th><th>Expected</th><th>Actual</th>
<th>Explanation and fix</th></tr></thead><tbody>
{{range .Failed}}<tr class="{{.Status}}"><td>{{.Status}}</td><td><code>{{.Code}}</code></td>
<td>{{.Expected}}</td><td>{{.Actual}}</td><td>{{.Message}}{{if .Untrusted}}
(unsigned input){{end}}{{with .Fix}}<br>Fix: {{.}}{{end}}</td></tr>
{{end}}</tbody></table></main></body></html>
`))
