package sp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/samlharness/samlharness/assertions"
)

const diagnosePath = "/diagnose"

// DiagnoseMaxBody caps a POST to the diagnose page. It is larger than
// [DefaultMaxBody], the ACS cap, because a browser HAR export holds every
// request of the session, not only the SAMLResponse; each message found
// in it is still decoded within [assertions.DefaultLimits].
const DiagnoseMaxBody = 16 << 20

// A diagnoseView is the diagnose page: the form, refilled, and a report
// per message found.
type diagnoseView struct {
	Title string
	// Text is the pasted message, shown again in the form.
	Text string
	// AtCapture is the choice to judge each message at its IssueInstant.
	AtCapture bool
	// Problem says why the input could not be read.
	Problem string
	Results []diagnoseResult
	MaxMiB  int
}

type diagnoseResult struct {
	Source string
	// At is the instant the message was judged at; AtNote says why when
	// it is not the one asked for.
	At     string
	AtNote string
	reportView
}

// serveDiagnose is the offline "why did this login fail" page. GET shows
// the form; POST (multipart, at most [DiagnoseMaxBody]), in order:
//
//   - reads the uploaded or dropped file "capture" or, when there is
//     none, the pasted text "response" (400 without either);
//   - finds its SAMLResponses with [assertions.SplitCapture]: a HAR or SAML-tracer
//     export, or one message as raw XML, base64 or a form body;
//   - validates each at now or, when "at" is "capture", at its own
//     IssueInstant, with the SP's configuration and no replay cache or
//     outstanding request, as `samlharness check` does;
//   - shows a report per message, failures first.
//
// Nothing is stored, logged beyond counts, or sent anywhere.
func (s *SP) serveDiagnose(w http.ResponseWriter, r *http.Request) {
	view := diagnoseView{Title: "Why did this login fail?", MaxMiB: DiagnoseMaxBody >> 20}
	if r.Method == http.MethodGet {
		s.page(w, http.StatusOK, "diagnose.html", view)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, DiagnoseMaxBody)
	name, data, err := diagnoseInput(r)
	view.Text = r.FormValue("response")
	view.AtCapture = r.FormValue("at") == "capture"
	if err != nil {
		status := http.StatusBadRequest
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			err = fmt.Errorf("the upload is larger than %d MiB", view.MaxMiB)
		}
		view.Problem = err.Error()
		s.page(w, status, "diagnose.html", view)
		return
	}
	msgs, err := assertions.SplitCapture(name, data)
	if err != nil {
		view.Problem = err.Error()
		s.page(w, http.StatusBadRequest, "diagnose.html", view)
		return
	}

	accepted := 0
	for _, m := range msgs {
		res := s.diagnose(m, view.AtCapture)
		if res.Report.Accepted {
			accepted++
		}
		view.Results = append(view.Results, res)
	}
	s.log.Info("diagnose", "messages", len(msgs), "accepted", accepted)
	s.page(w, http.StatusOK, "diagnose.html", view)
}

// diagnose validates one captured message.
func (s *SP) diagnose(m assertions.Captured, atCapture bool) diagnoseResult {
	at, note := s.now(), ""
	if atCapture {
		issued, err := assertions.IssueInstant(m.Data)
		if err == nil {
			at = issued
		} else {
			note = "its IssueInstant could not be read, so it was checked at the " +
				"current time"
		}
	}
	exp := s.Expected(at)
	exp.GotRelayState = m.RelayState
	rep := assertions.ValidateEncoded(m.Data, exp)
	return diagnoseResult{Source: m.Source, At: at.UTC().Format(time.RFC3339),
		AtNote: note, reportView: newReportView(rep)}
}

// diagnoseInput returns the uploaded file, or else the pasted text, with
// a name for the report.
func diagnoseInput(r *http.Request) (string, []byte, error) {
	if err := r.ParseMultipartForm(DiagnoseMaxBody); err != nil &&
		!errors.Is(err, http.ErrNotMultipart) {
		return "", nil, err
	}
	if f, hdr, err := r.FormFile("capture"); err == nil {
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return "", nil, fmt.Errorf("read the file: %w", err)
		}
		if len(strings.TrimSpace(string(data))) > 0 {
			return "file " + hdr.Filename, data, nil
		}
	}
	text := r.FormValue("response")
	if strings.TrimSpace(text) == "" {
		return "", nil, errors.New("paste a SAMLResponse or choose a capture file")
	}
	return "pasted text", []byte(text), nil
}
