package sp

import (
	"encoding/json"
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
		_ = json.NewEncoder(w).Encode(rep) // compact: pipe it to jq to read it
		return
	}
	s.renderResult(w, rep)
}
