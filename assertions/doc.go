// Package assertions builds, decodes and checks SAML 2.0 Responses of the
// shape AWS IAM Identity Center sends to Twilio Frontline. It is pure: no
// HTTP, no clock or randomness of its own.
//
// [Validate] runs the named checks in a documented order against an
// [Expected], and returns a [Report] with every check's [Code], [Status],
// expected and actual value, and where a failure is fixed. Codes are
// stable and implement error, so a test writes
//
//	if errors.Is(report.Err(), assertions.AudienceMismatch) { ... }
//
// [Decode] reads a captured SAMLResponse in any common encoding;
// [BuildResponse] and [Signer] write and sign one in AWS's shape.
// Signatures are verified with the configured certificates only, never one
// the message carries, and claims are read only from the signed content.
package assertions
