package idpmock

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckAction covers the form's last line of defence: New already
// refuses such ACS URLs, so only a direct test reaches it.
func TestCheckAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		ok     bool
	}{
		{"https://iam.twilio.com/v2/saml2/authenticate/JB0123", true},
		{"http://127.0.0.1:8080/acs", true},
		{"javascript:alert(document.cookie)", false},
		{"JavaScript://iam.twilio.com/%0aalert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"/v2/saml2/authenticate/JB0123", false},
		{"//iam.twilio.com/acs", false},
		{"ftp://iam.twilio.com/acs", false},
		{"", false},
	}
	for _, tt := range tests {
		err := checkAction(tt.action)
		if tt.ok {
			assert.NoError(t, err, tt.action)
		} else {
			assert.ErrorIs(t, err, ErrUnsafeAction, tt.action)
		}
	}
}
