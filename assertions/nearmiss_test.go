package assertions

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The values of the near misses, as the two consoles show them.
const (
	nmRealm    = "JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d"
	nmOther    = "JB0123456789abcdef0123456789abcdef"
	nmACS      = "https://iam.twilio.com/v2/saml2/authenticate/" + nmRealm
	nmAudience = "https://iam.twilio.com/v2/saml2/metadata/" + nmRealm
	nmIssuer   = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/" +
		"MTIzNDU2Nzg5MDEyX2lucy00ZjNjMmIxYTA5ZThkN2M2"
)

// TestNearMiss checks the hint of each near miss issue 3 names (a trailing
// slash, http vs https, another region, another realm SID, the old v1
// path, case, surrounding spaces), in both directions where the mistake
// can sit on either side: want is what the SP is configured with, got is
// what the message carries.
func TestNearMiss(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		want, got string
		hint      string
		// hintHas, when set instead of hint, is a word the hint must hold:
		// the mistake is in the configured value, so the wording is free.
		hintHas string
	}{
		{"empty", nmIssuer, "", "it is empty", ""},
		{"spaces in the message", nmIssuer, "  " + nmIssuer + " ",
			"it has surrounding spaces", ""},
		{"spaces in the configured issuer", " " + nmIssuer + " ", nmIssuer, "", "spaces"},
		{"trailing slash in the message", nmIssuer, nmIssuer + "/",
			"a trailing slash differs", ""},
		{"trailing slash in the configured issuer", nmIssuer + "/", nmIssuer,
			"a trailing slash differs", ""},
		{"http in the message", nmACS, strings.Replace(nmACS, "https:", "http:", 1),
			"it uses http instead of https", ""},
		{"http in the configured issuer", strings.Replace(nmIssuer, "https:", "http:", 1),
			nmIssuer, "", "http"},
		{"letter case", nmAudience, strings.Replace(nmAudience, "JBdc", "JBDC", 1),
			"only the letter case differs", ""},
		{"another region", nmIssuer, strings.Replace(nmIssuer, "us-east-1", "eu-west-1", 1),
			"it names another AWS region (portal.sso.eu-west-1.amazonaws.com)", ""},
		{"old v1 path", nmACS, strings.Replace(nmACS, "/v2/", "/v1/", 1),
			"it uses the old v1 path", ""},
		{"another realm SID in the ACS URL", nmACS, strings.Replace(nmACS, nmRealm, nmOther, 1),
			"it names another realm SID (" + nmOther + ")", ""},
		{"another realm SID in the audience", nmAudience,
			strings.Replace(nmAudience, nmRealm, nmOther, 1),
			"it names another realm SID (" + nmOther + ")", ""},
		{"ACS URL as the audience", nmAudience, nmACS,
			"it points at the authenticate endpoint instead of metadata", ""},
		{"path typo", nmAudience, strings.Replace(nmAudience, "metadata", "metdata", 1),
			"its path has metdata where metadata is expected", ""},
		{"another AWS application", nmIssuer,
			strings.Replace(nmIssuer, "MTIz", "OTg3", 1), "it names another AWS application", ""},
		{"unrelated", nmAudience, "urn:amazon:webservices", "", ""},
		{"unrelated host", nmACS, "https://sso.example.com/acs", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := nearMiss(tt.want, tt.got)
			if tt.hintHas == "" {
				assert.Equal(t, tt.hint, got)
				return
			}
			assert.Contains(t, got, tt.hintHas)
		})
	}
}

// TestMismatchMessage checks the sentence a failed check carries.
func TestMismatchMessage(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Audience differs from the expected value: it uses the old v1 path",
		mismatchMessage("Audience", nmACS, strings.Replace(nmACS, "/v2/", "/v1/", 1)))
	assert.Equal(t, "Audience differs from the expected value",
		mismatchMessage("Audience", nmAudience, "urn:amazon:webservices"))
}
