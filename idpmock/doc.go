// Package idpmock emulates a custom SAML 2.0 application of AWS IAM Identity
// Center, the identity provider of the Frontline setup, entirely offline.
//
// An [IdP] is built from a [Config]: the application's properties as an
// admin fills them in the AWS console (ACS URL, SAML audience, relay state,
// session duration, attribute mappings) and a small identity store (users,
// groups, assignments). It issues Responses in the shape AWS gives them
// (see [github.com/samlharness/samlharness/assertions.BuildResponse]),
// signed with an AWS-like certificate ([GenerateCertificate]), and refuses
// users the way AWS does, with a [*NoAccessError].
//
// [IdP.Handler] serves the AWS paths:
//
//   - GET /start: the access portal, a user chooser standing in for the
//     password page; GET /start?user=EMAIL lists that user's applications.
//   - POST /start/login: an IdP-initiated login, answered by an
//     auto-submitting form that posts SAMLResponse and RelayState to the
//     ACS URL, or by "No access" (HTTP 403).
//   - POST /start/xml: the tile's second action, AWS's shift-click aid: the
//     SAML response XML, pretty-printed, shown instead of sent.
//   - GET|POST /saml/assertion/<ID>: the sign-in URL. With a SAMLRequest
//     (HTTP-Redirect on GET, HTTP-POST on POST) it answers an SP-initiated
//     login: the AuthnRequest is checked as AWS checks it
//     ([IdP.CheckAuthnRequest]), the user is the user parameter, the only
//     user, or picked on a chooser page, and the form carries InResponseTo
//     and the RelayState unchanged.
//   - GET /saml/metadata/<ID>: the IdP metadata.
//
// [NewServer] serves it on a loopback port, in the manner of
// net/http/httptest. A Go client can skip the HTML: [IdP.PostForm] gives
// the form's fields.
//
// The pages load only the IdP's own style sheet and scripts, under a
// Content-Security-Policy that forbids inline scripts; [WithBrowserRewrite]
// sends a browser to a loopback ACS while the Response keeps the real one.
//
// Time and randomness come in through [WithClock] and [WithRand]; logging
// through [WithLogger], discarded by default.
//
// For example, the signed Response AWS would post for alice:
//
//	idp, err := idpmock.New(cfg.AWS) // cfg from fixtures.Load
//	if err != nil { ... }
//	xml, err := idp.Issue("alice@example.com", idpmock.IssueOptions{})
//	if errors.Is(err, idpmock.ErrNoAccess) { ... } // AWS's "No access"
package idpmock
