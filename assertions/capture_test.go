package assertions_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

func TestSplitCapture(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, input string
		want        []assertions.Captured
		wantErr     string
	}{
		{name: "one message", input: "PHNhbWxwOlJlc3BvbnNlLz4=",
			want: []assertions.Captured{{Source: "in", Data: []byte("PHNhbWxwOlJlc3BvbnNlLz4=")}}},
		{name: "HAR keeps the path only",
			input: `{"log":{"entries":[{"request":{"method":"GET","url":"https://a/"}},` +
				`{"request":{"method":"POST","url":"https://iam.twilio.com/acs;jsessionid=s1?sid=1#x",` +
				`"postData":{"text":"SAMLResponse=UEhO&RelayState=r%201"}}}]}}`,
			want: []assertions.Captured{{Source: "HAR entry 2: POST https://iam.twilio.com/acs",
				Data: []byte("UEhO"), RelayState: "r 1"}}},
		{name: "SAML-tracer pairs",
			input: `{"requests":[{"method":"POST","url":"https://iam.twilio.com/acs",` +
				`"post":[["SAMLResponse","UEhO"]]}]}`,
			want: []assertions.Captured{{Source: "SAML-tracer request 1: POST " +
				"https://iam.twilio.com/acs", Data: []byte("UEhO")}}},
		{name: "HAR without a response", input: `{"log":{"entries":[]}}`,
			wantErr: "in: the capture holds no POST with a SAMLResponse"},
		{name: "form body with the response",
			input: "RelayState=r&SAMLResponse=UEhO",
			want: []assertions.Captured{{Source: "in",
				Data: []byte("RelayState=r&SAMLResponse=UEhO")}}},
		{name: "form body without the response", input: "RelayState=abc&foo=bar\n",
			wantErr: "in: a form body without a SAMLResponse field (it holds RelayState, foo)"},
		{name: "a redirect query", input: "SAMLRequest=fZJN&RelayState=x",
			wantErr: "in: a form body without a SAMLResponse field (it holds RelayState, " +
				"SAMLRequest)"},
		{name: "padded base64", input: "PHNhbWxwOlJlc3BvbnNlLz4==\n",
			want: []assertions.Captured{{Source: "in",
				Data: []byte("PHNhbWxwOlJlc3BvbnNlLz4==\n")}}},
		{name: "XML after a byte order mark", input: "\xef\xbb\xbf<a b=\"c\"/>",
			want: []assertions.Captured{{Source: "in",
				Data: []byte("\xef\xbb\xbf<a b=\"c\"/>")}}},
		{name: "base64 wrapped with character references",
			input: "PHNhbWxw&#13;\nOlJlc3Bv&#13;\nbnNlLz4=",
			want: []assertions.Captured{{Source: "in",
				Data: []byte("PHNhbWxw&#13;\nOlJlc3Bv&#13;\nbnNlLz4=")}}},
		{name: "other JSON", input: `{"x":1}`,
			wantErr: "in: JSON that is neither a HAR (log) nor a SAML-tracer export (requests)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assertions.SplitCapture("in", []byte(tt.input))
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestIssueInstant(t *testing.T) {
	t.Parallel()
	xml := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
		`IssueInstant="2026-03-01T09:00:00.123Z"/>`
	got, err := assertions.IssueInstant([]byte(xml))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 1, 9, 0, 0, 123e6, time.UTC), got)

	_, err = assertions.IssueInstant([]byte(`<samlp:Response/>`))
	assert.Error(t, err)
}

func TestSplitCaptureBounded(t *testing.T) {
	t.Parallel()
	entry := `{"request":{"method":"POST","url":"https://iam.twilio.com/acs",` +
		`"postData":{"text":"SAMLResponse=UEhO"}}}`
	har := func(n int) string {
		return `{"log":{"entries":[` + strings.TrimSuffix(strings.Repeat(entry+",", n), ",") +
			`]}}`
	}
	got, err := assertions.SplitCapture("in", []byte(har(assertions.MaxCaptured)))
	require.NoError(t, err)
	assert.Len(t, got, assertions.MaxCaptured)
	_, err = assertions.SplitCapture("in", []byte(har(assertions.MaxCaptured+1)))
	assert.ErrorContains(t, err, "at most 50 are checked at once")
}
