package sp

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/samlharness/samlharness/assertions"
)

const (
	acsPath      = "/v2/saml2/authenticate/"
	metadataPath = "/v2/saml2/metadata/"
)

// Handler returns the SP's endpoints, with Twilio's paths:
//
//	GET|POST /login                          the login start (emulated)
//	POST     /v2/saml2/authenticate/{realm}  the ACS (HTTP-POST binding)
//	GET      /v2/saml2/metadata/{realm}      the SP metadata
//	GET|POST /diagnose                       the offline diagnose page
//	GET      /static/{name}                  the pages' style sheet and scripts
//
// The ACS also answers POSTs to another realm SID or the old v1 path: an
// AWS application whose ACS URL is wrong in that way then gets a report
// that names the Destination and Recipient mismatch, where the real
// service would give a bare error.
func (s *SP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+loginPath, s.serveLogin)
	mux.HandleFunc("POST "+loginPath, s.serveLogin)
	mux.HandleFunc("POST /{version}/saml2/authenticate/{realm}", s.serveACS)
	mux.HandleFunc("GET "+metadataPath+"{realm}", s.serveMetadata)
	return s.withPages(mux)
}

// serveACS is the Assertion Consumer Service. In order it:
//
//   - caps the body at the configured size (413);
//   - reads the SAMLResponse and RelayState form fields (400 without one);
//   - finds the AuthnRequests the browser's session cookie has outstanding,
//     and expired ones; the one the signed InResponseTo names is claimed
//     while the Response is judged, and its RelayState must come back;
//   - decodes the SAMLResponse, base64 as the binding has it (see
//     [assertions.ValidatePost]);
//   - validates it with the configuration, the policy, the SP's clock,
//     those requests and the replay cache (see [assertions.Validate]);
//   - remembers the Assertion ID of an accepted login until it expires,
//     and forgets the AuthnRequest it answered;
//   - answers 200 with the report when accepted and 403 when not, as JSON
//     for Accept: application/json and HTML otherwise.
func (s *SP) serveACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "sp: request body larger than the ACS accepts",
				http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "sp: read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	field := r.PostForm.Get("SAMLResponse")
	if field == "" {
		http.Error(w, "sp: the POST has no SAMLResponse field", http.StatusBadRequest)
		return
	}

	now := s.now()
	exp := s.Expected(now)
	exp.ReceivedURL = TwilioBase + r.URL.Path
	if r.URL.RawQuery != "" {
		exp.ReceivedURL += "?" + r.URL.RawQuery
	}
	exp.GotRelayState = r.PostForm.Get("RelayState")
	live, expired := s.requests.of(sessionOf(r), now)
	exp.RequestIDs, exp.ExpiredRequestIDs = ids(live), ids(expired)
	var answered string
	exp.ClaimRequest = func(id string) (string, bool) {
		relayState, ok := s.requests.claim(id)
		if ok {
			answered = id
		}
		return relayState, ok
	}
	var claimed string
	exp.Replay = func(id string) assertions.Code {
		fresh, full := s.replay.claim(id, now, now.Add(time.Hour))
		switch {
		case full:
			return assertions.ReplayCacheFull
		case !fresh:
			return assertions.ReplayDetected
		}
		claimed = id
		return assertions.ReplayOK
	}

	report := assertions.ValidatePost([]byte(field), exp)
	if claimed != "" {
		if report.Accepted {
			s.replay.keep(claimed, report.AssertionNotOnOrAfter.Add(s.skew()))
		} else {
			s.replay.release(claimed)
		}
	}
	if answered != "" {
		if report.Accepted {
			s.requests.consume(answered)
		} else {
			s.requests.release(answered)
		}
	}
	s.log.Info("acs", "accepted", report.Accepted, "failed", report.Failed(),
		"in_response_to", report.InResponseTo)
	if report.Claims != nil {
		s.log.Debug("acs claims", "nameid", report.Claims.NameID)
	}
	s.writeReport(w, r, report)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
