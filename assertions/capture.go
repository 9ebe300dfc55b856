package assertions

// Finding the SAMLResponses in what a user captured: a browser HAR export,
// a SAML-tracer export, or one pasted message. The CLI's check command and
// the emulated Frontline's diagnose page share it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// A Captured message is one SAMLResponse found in a capture, with where it was
// found. Only the URL path is kept from a capture: HAR and SAML-tracer
// files hold cookies and personal data the report does not need.
type Captured struct {
	// Source names the message: the file, or the capture entry and URL.
	Source string
	// Data is the SAMLResponse as found: raw XML, base64 or a form body.
	Data []byte
	// RelayState is the form's RelayState, when the capture shows it.
	RelayState string
}

// SplitCapture finds the SAMLResponses in data, named name: a browser HAR 1.2
// export (every POST with a SAMLResponse field), a SAML-tracer export, or
// else one message (raw XML, base64 or a form body), returned whole for
// [Decode]. Errors begin with name, as file errors do, and say
// why the JSON is not a capture or that it holds no SAMLResponse.
func SplitCapture(name string, data []byte) ([]Captured, error) {
	trimmed := bytes.TrimSpace(data)
	if fields := formWithoutResponse(trimmed); fields != nil {
		return nil, fmt.Errorf("%s: a form body without a SAMLResponse field (it holds %s)",
			name, strings.Join(fields, ", "))
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return []Captured{{Source: name, Data: data}}, nil
	}
	var probe struct {
		Log      json.RawMessage `json:"log"`
		Requests json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return nil, fmt.Errorf("%s: not a HAR or SAML-tracer export: %w", name, err)
	}
	var found []Captured
	var err error
	switch {
	case probe.Log != nil:
		found, err = fromHAR(probe.Log)
	case probe.Requests != nil:
		found, err = fromTracer(probe.Requests)
	default:
		return nil, fmt.Errorf("%s: JSON that is neither a HAR (log) nor a "+
			"SAML-tracer export (requests)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("%s: the capture holds no POST with a SAMLResponse", name)
	case len(found) > MaxCaptured:
		return nil, fmt.Errorf("%s: the capture holds %d POSTs with a SAMLResponse; at "+
			"most %d are checked at once: export only the login that failed", name,
			len(found), MaxCaptured)
	}
	return found, nil
}

// MaxCaptured is how many SAMLResponses [SplitCapture] takes from one
// capture: a browser session holds a few logins, and each message may
// inflate to [DefaultLimits].MaxBytes.
const MaxCaptured = 50

// formWithoutResponse returns the field names of b when b is a urlencoded
// form body without a SAMLResponse field, and nil otherwise: every part
// between '&'s must be name=value. Base64 holds no '&' and '=' only as
// trailing padding, and XML starts with '<', so neither is taken for one.
func formWithoutResponse(b []byte) []string {
	if body := bytes.TrimRight(b, "="); !bytes.ContainsAny(body, "&=") {
		return nil
	}
	for part := range strings.SplitSeq(string(b), "&") {
		if !formField.MatchString(part) {
			return nil
		}
	}
	form, err := url.ParseQuery(string(b))
	if err != nil || form.Has("SAMLResponse") {
		return nil
	}
	return slices.Sorted(maps.Keys(form))
}

// formField is the start of one name=value part of a form body.
var formField = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\-]*=`)

// fromHAR reads every POST with a SAMLResponse field of a HAR 1.2 log.
func fromHAR(raw json.RawMessage) ([]Captured, error) {
	var log struct {
		Entries []struct {
			Request struct {
				Method   string `json:"method"`
				URL      string `json:"url"`
				PostData *struct {
					Text   string `json:"text"`
					Params []struct {
						Name  string `json:"name"`
						Value string `json:"value"`
					} `json:"params"`
				} `json:"postData"`
			} `json:"request"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return nil, fmt.Errorf("read HAR log: %w", err)
	}
	var out []Captured
	for i, e := range log.Entries {
		pd := e.Request.PostData
		if !strings.EqualFold(e.Request.Method, "POST") || pd == nil {
			continue
		}
		form, _ := url.ParseQuery(pd.Text)
		if form == nil {
			form = url.Values{}
		}
		for _, p := range pd.Params {
			v := p.Value
			if u, err := url.QueryUnescape(v); err == nil && strings.Contains(v, "%") {
				v = u
			}
			form.Set(p.Name, v)
		}
		if msg := form.Get("SAMLResponse"); msg != "" {
			out = append(out, Captured{
				Source:     fmt.Sprintf("HAR entry %d: POST %s", i+1, pathOnly(e.Request.URL)),
				Data:       []byte(msg),
				RelayState: form.Get("RelayState"),
			})
		}
	}
	return out, nil
}

// fromTracer reads a SAML-tracer export: each request may carry the
// decoded message in "saml" and the POST fields in "post".
func fromTracer(raw json.RawMessage) ([]Captured, error) {
	var reqs []struct {
		Method string          `json:"method"`
		URL    string          `json:"url"`
		SAML   string          `json:"saml"`
		Post   json.RawMessage `json:"post"`
	}
	if err := json.Unmarshal(raw, &reqs); err != nil {
		return nil, fmt.Errorf("read SAML-tracer requests: %w", err)
	}
	var out []Captured
	for i, r := range reqs {
		form := tracerPost(r.Post)
		msg := form.Get("SAMLResponse")
		if msg == "" && strings.Contains(r.SAML, "Response") &&
			!strings.Contains(r.SAML, "AuthnRequest") && strings.EqualFold(r.Method, "POST") {
			msg = r.SAML
		}
		if msg == "" {
			continue
		}
		out = append(out, Captured{
			Source:     fmt.Sprintf("SAML-tracer request %d: POST %s", i+1, pathOnly(r.URL)),
			Data:       []byte(msg),
			RelayState: form.Get("RelayState"),
		})
	}
	return out, nil
}

// tracerPost reads the "post" field, which SAML-tracer writes as a list of
// [name, value] pairs or as an object of name to values.
func tracerPost(raw json.RawMessage) url.Values {
	form := url.Values{}
	var pairs [][]string
	if json.Unmarshal(raw, &pairs) == nil {
		for _, p := range pairs {
			if len(p) == 2 {
				form.Add(p[0], p[1])
			}
		}
		return form
	}
	var obj map[string][]string
	if json.Unmarshal(raw, &obj) == nil {
		return url.Values(obj)
	}
	return form
}

// pathOnly drops the query, the fragment, the user info and the path
// parameters of a Captured URL.
func pathOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	// A path parameter (/acs;jsessionid=...) is a session as much as a
	// cookie is: keep each segment up to its ';'.
	segments := strings.Split(u.Path, "/")
	for i, seg := range segments {
		segments[i], _, _ = strings.Cut(seg, ";")
	}
	return u.Scheme + "://" + u.Host + strings.Join(segments, "/")
}

// IssueInstant returns the IssueInstant of the Response in data (raw XML,
// base64 or a form body), to judge a captured Response as it was when
// issued.
func IssueInstant(data []byte) (time.Time, error) {
	msg, err := Decode(data, DefaultLimits)
	if err != nil {
		return time.Time{}, fmt.Errorf("assertions: read IssueInstant: %w", err)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(msg.XML); err != nil || doc.Root() == nil {
		return time.Time{}, fmt.Errorf("assertions: read IssueInstant: the response is not XML")
	}
	at := doc.Root().SelectAttrValue("IssueInstant", "")
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("assertions: read IssueInstant %q: %w", at, err)
	}
	return t, nil
}
