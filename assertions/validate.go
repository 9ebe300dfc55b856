package assertions

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
)

// Validate checks a decoded Response (see [Decode]) against exp and reports
// every check, in this order, whether or not an earlier one failed:
//
//   - decode: the document is well-formed XML within [DefaultLimits], with
//     no DOCTYPE, and its root is a SAML 2.0 protocol Response.
//   - status: the top-level StatusCode is Success.
//   - signature: the Response, its Assertion or both carry an enveloped
//     signature of the expected shape that verifies with a configured
//     certificate (never one carried in the message); every signature
//     present must verify; IDs are unique, no Signature or Assertion is
//     hidden elsewhere, an unsigned Response holds one Assertion, and no
//     comment splits a signed text value. The certificate in KeyInfo is
//     compared byte for byte, never parsed. Claims are read only from the
//     signed copy.
//   - certificate: the configured certificate is inside its validity and
//     not within 90 days of expiry (warn, or fail under the strict policy).
//   - assertion: the Response holds exactly one Assertion (decrypted first
//     when encrypted and a key is given; a failed decryption fails here).
//   - issuer, assertion-issuer: each Issuer equals the configured issuer
//     exactly and has no Format other than entity; the Response Issuer
//     may be absent (skipped), the Assertion Issuer may not.
//   - destination: the Response Destination, if present, is the ACS URL.
//   - recipient: the bearer SubjectConfirmationData Recipient is the ACS URL.
//   - audience: every AudienceRestriction names the SP entity ID.
//   - time: now is inside Conditions NotBefore and NotOnOrAfter, with skew.
//   - issue-instant: the Response and the Assertion were issued neither in
//     the future nor longer than MaxAge ago, with skew.
//   - confirmation: a bearer SubjectConfirmation with an unexpired
//     NotOnOrAfter.
//   - in-response-to: the InResponseTo signed content carries matches an
//     outstanding request, or the Response is unsolicited and the policy
//     allows it.
//   - relay-state: the RelayState came back unchanged, when one was sent.
//   - replay: the Assertion ID was not used before.
//   - authn-statement: the Assertion has an AuthnStatement.
//   - attributes: no two Attribute elements share a Name; none encrypted.
//   - nameid: the NameID is an email address in emailAddress format.
//   - email: the email attribute is one valid address.
//   - roles: the roles attribute contains the role (agent).
//
// The last three are skipped under [RulesSAML]. When no signature verifies,
// the content checks still run on the unsigned content and are marked
// Untrusted: they explain, they cannot vouch. The Report is accepted when
// no check failed.
func Validate(xml []byte, exp Expected) *Report {
	doc, err := parse(xml, DefaultLimits)
	return validate(doc, err, exp)
}

// ValidateEncoded decodes input as [Decode] does, then validates it as
// [Validate] does. A decoding failure is reported by the decode check.
func ValidateEncoded(input []byte, exp Expected) *Report {
	msg, err := Decode(input, DefaultLimits)
	if err != nil {
		return validate(nil, err, exp)
	}
	return Validate(msg.XML, exp)
}

// ValidatePost is [ValidateEncoded] for the SAMLResponse field of an
// HTTP-POST binding, as an ACS receives it: the binding (SAML bindings
// §3.5.4) carries base64 of the XML document and nothing else, so raw
// XML, DEFLATE data or a form body nested in the field fail the decode
// check, as a careful SP refuses them.
func ValidatePost(field []byte, exp Expected) *Report {
	msg, err := Decode(field, DefaultLimits)
	if err == nil && msg.Encoding != "base64" {
		err = decodeFail(DecodeMalformed, "the HTTP-POST binding carries base64 of the "+
			"XML; this SAMLResponse field holds %s", msg.Encoding)
	}
	if err != nil {
		return validate(nil, err, exp)
	}
	return Validate(msg.XML, exp)
}

func validate(doc *etree.Document, err error, exp Expected) *Report {
	v := &validation{exp: &exp, now: exp.now()}
	v.r = &Report{Version: ReportVersion, At: v.now.UTC(), Rules: string(exp.rules()),
		Checks: make([]Check, 0, checksPerReport)}
	if err != nil {
		// The check names the code; the message is the cause.
		code, msg := DecodeMalformed, err.Error()
		if de, ok := errors.AsType[*decodeError](err); ok {
			code, msg = de.code, de.detail
		}
		v.add(code, Fail, "a SAML 2.0 Response", "", msg)
		v.skipRest()
		return v.r
	}
	v.add(DecodeOK, Pass, "a SAML 2.0 Response", "a SAML 2.0 Response", "")
	v.resp = doc.Root()
	v.r.ResponseID = attr(v.resp, "ID")
	v.r.InResponseTo = attr(v.resp, "InResponseTo")

	v.checkStatus()
	v.checkSignature()
	v.checkCertificate()
	v.checkAssertionCount()
	v.checkIssuers()
	v.checkDestination()
	v.checkRecipient()
	v.checkAudience()
	v.checkTime()
	v.checkIssueInstant()
	v.checkConfirmation()
	v.checkInResponseTo()
	v.checkRelayState()
	v.checkReplay()
	v.checkAuthnStatement()
	v.checkAttributes()
	v.readClaims()
	v.checkNameID()
	v.checkEmail()
	v.checkRoles()
	if !v.trusted {
		v.markUntrusted()
	}
	return v.r
}

// markUntrusted flags the checks that read content no verified signature
// covers.
func (v *validation) markUntrusted() {
	for i, c := range v.r.Checks {
		switch c.Name {
		case "decode", "signature", "certificate", "replay", "relay-state":
		default:
			v.r.Checks[i].Untrusted = c.Status != Skip
		}
	}
	if v.r.Claims != nil {
		v.r.Claims.Trusted = false
	}
}

// validation is the state of one Validate call.
type validation struct {
	exp *Expected
	now time.Time
	r   *Report

	// resp is the Response as the checks read it: the signed copy when
	// the Response signature verified, else the document's root.
	resp *etree.Element
	// assertion is the Assertion the claims come from: the signed copy
	// when a signature covering it verified.
	assertion *etree.Element
	// assertions counts the Assertions in the document, however nested.
	assertions int
	// trusted is set when a verified signature covers the Assertion.
	trusted bool
	// respSigned is set when the Response's own signature verified, so
	// that its attributes (InResponseTo) are signed too.
	respSigned bool
	// requestClaimed is set when ClaimRequest claimed the request the
	// Response answers; sentRelayState is the RelayState sent with it.
	requestClaimed bool
	sentRelayState string
	// decryptErr is why the EncryptedAssertion could not be decrypted.
	decryptErr error
	// attrs are the assertion's attributes by Name, in document order.
	attrs map[string][][]string
}

func (v *validation) add(code Code, st Status, expected, actual, msg string) {
	v.r.Add(Check{Code: code, Status: st, Expected: expected, Actual: actual,
		Message: msg})
}

func (v *validation) skip(code Code, why string) {
	v.r.Add(Check{Code: code, Status: Skip, Message: why})
}

// checksPerReport is how many checks every report holds: decode and the
// twenty that skipRest lists.
const checksPerReport = 21

// skipRest records the checks that cannot run without a document.
func (v *validation) skipRest() {
	for _, c := range []Code{StatusSuccess, SignatureOK, CertificateOK, AssertionOne,
		IssuerOK, AssertionIssuerOK, DestinationOK, RecipientOK, AudienceOK, TimeOK,
		IssueInstantOK, ConfirmationOK, InResponseToOK, RelayStateOK, ReplayOK,
		AuthnStatementOK, AttributesOK, NameIDOK, EmailOK, RolesOK} {
		v.skip(c, "not checked: the message could not be decoded")
	}
}

func (v *validation) checkStatus() {
	sc := child(child(v.resp, NamespaceProtocol, "Status"), NamespaceProtocol, "StatusCode")
	got := attr(sc, "Value")
	if got == StatusCodeSuccess {
		v.add(StatusSuccess, Pass, StatusCodeSuccess, got, "")
		return
	}
	msg := ""
	if m, _ := text(child(child(v.resp, NamespaceProtocol, "Status"),
		NamespaceProtocol, "StatusMessage")); m != "" {
		msg = "the IdP says: " + m
	}
	v.add(StatusFailure, Fail, StatusCodeSuccess, got, msg)
}

// checkSignature finds and verifies the signatures and sets v.resp and
// v.assertion to the copies the claims are read from.
func (v *validation) checkSignature() {
	info := &SignatureInfo{Signed: "none"}
	v.r.Signature = info
	if c := v.firstCert(); c != nil {
		info.ConfiguredCertSHA256, info.ConfiguredCertSHA1 = fingerprint256(c), fingerprint1(c)
		info.ConfiguredCertNotAfter = c.NotAfter.UTC().Format(time.RFC3339)
	}
	const want = "the Response or Assertion signed with the configured certificate"

	if err := v.checkWrapping(); err != nil {
		v.failSignature(err, want)
		v.pickUnverifiedAssertion()
		return
	}
	respSig, err := inspect(v.resp)
	if err != nil {
		v.failSignature(err, want)
		v.pickUnverifiedAssertion()
		return
	}
	// The Assertion's own signature is checked on the document, as it was
	// received, not on the Response's canonical copy: exclusive c14n
	// drops what that copy does not use, such as a comment or a namespace
	// the Assertion's PrefixList names.
	docAssertion := child(v.resp, NamespaceAssertion, "Assertion")
	if respSig != nil {
		info.Signed = "response"
		v.noteAlgorithms(respSig)
		signed, err := respSig.verify(v.exp.Certificates)
		if err != nil {
			v.failSignature(err, want)
			v.pickUnverifiedAssertion()
			return
		}
		v.resp, v.respSigned = signed, true
	}

	// A failed decryption is reported by the assertion check; the
	// Response signature may still have verified.
	v.decryptErr = v.decryptAssertion()
	v.pickUnverifiedAssertion()
	if respSig == nil && v.assertions > 1 {
		// No signature covers them all; whichever one a signature covers,
		// an SP could read the other. The assertion check names the count.
		v.failSignature(sigFail(SignatureWrapping, "the Response is unsigned and holds "+
			"%d Assertions: no signature covers which one the claims come from",
			v.assertions), want)
		return
	}
	v.trusted = respSig != nil
	var aSig *signedElement
	if v.assertion != nil && v.assertions == 1 {
		target := v.assertion
		if target == child(v.resp, NamespaceAssertion, "Assertion") {
			target = docAssertion // not one decrypted from an EncryptedAssertion
		}
		if aSig, err = inspect(target); err != nil {
			v.trusted = false
			v.failSignature(err, want)
			return
		}
	}
	if aSig != nil {
		info.Signed = map[bool]string{true: "both", false: "assertion"}[respSig != nil]
		v.noteAlgorithms(aSig)
		signed, err := aSig.verify(v.exp.Certificates)
		if err != nil {
			v.trusted = false
			v.failSignature(err, want)
			return
		}
		v.assertion, v.trusted = signed, true
	}
	if respSig == nil && aSig == nil {
		msg := "neither the Response nor its Assertion carries a Signature"
		if v.decryptErr != nil {
			msg = "the Response carries no Signature and its EncryptedAssertion " +
				"could not be decrypted to look for one"
		}
		v.failSignature(sigFail(SignatureMissing, "%s", msg), want)
		return
	}

	actual := "signed " + info.Signed + " with the configured certificate"
	if (respSig != nil && respSig.sha1()) || (aSig != nil && aSig.sha1()) {
		st := Warn
		if v.exp.RejectSHA1 {
			st = Fail
		}
		v.add(SignatureSHA1, st, want, actual+" using SHA-1", "")
		return
	}
	v.add(SignatureOK, Pass, want, actual, "")
}

func (v *validation) failSignature(err *sigError, want string) {
	code := err.code
	if code == SignatureUntrustedKey || code == SignatureInvalid {
		if c := v.firstCert(); c != nil {
			err.msg += fmt.Sprintf("; configured certificate SHA-256 %s", fingerprint256(c))
		}
	}
	fix := ""
	if signer := v.r.Signature.MessageCertSHA256; code == SignatureUntrustedKey &&
		signer != "" {
		fix = fixFLCert + ": paste the certificate whose SHA-256 fingerprint is " +
			signer + ", the one the message was signed with (in AWS, the active one)"
	}
	actual := code.Summary()
	if signer := v.r.Signature.MessageCertSHA256; signer != "" &&
		code == SignatureUntrustedKey {
		actual = "signed with the certificate whose SHA-256 fingerprint is " + signer
	}
	v.r.Add(Check{Code: code, Status: Fail, Expected: want, Actual: actual,
		Message: err.msg, Fix: fix})
}

func (v *validation) noteAlgorithms(s *signedElement) {
	info := v.r.Signature
	info.Algorithm, info.Digest = s.method, s.digest
	if s.keyInfoDER != nil {
		info.MessageCertSHA256 = fingerprintDER256(s.keyInfoDER)
		info.MessageCertSHA1 = fingerprintDER1(s.keyInfoDER)
	}
}

// checkWrapping refuses documents built to make a signature cover one
// element while the claims are read from another: duplicate IDs, and
// Signatures or Assertions anywhere but where the profile puts them.
func (v *validation) checkWrapping() *sigError {
	root := v.resp
	direct := children(root, NamespaceAssertion, "Assertion")
	all := descendants(root, NamespaceAssertion, "Assertion")
	v.assertions = len(all) + len(descendants(root, NamespaceAssertion, "EncryptedAssertion"))

	seen := map[string]bool{}
	var dup string
	walkElements(root, func(el *etree.Element) {
		for _, a := range el.Attr {
			if a.Key == "ID" || a.Key == "Id" || a.Key == "AssertionID" {
				if seen[a.Value] && dup == "" {
					dup = a.Value
				}
				seen[a.Value] = true
			}
		}
	})
	if dup != "" {
		return sigFail(SignatureWrapping, "the ID %q appears twice", dup)
	}
	if len(all) > len(direct) {
		return sigFail(SignatureWrapping, "an Assertion is nested where no SP reads one")
	}
	for _, s := range descendants(root, NamespaceDSig, "Signature") {
		p := s.Parent()
		if p != root && !(is(p, NamespaceAssertion, "Assertion") && p.Parent() == root) {
			return sigFail(SignatureStructure, "a Signature is hidden inside <%s>", p.FullTag())
		}
	}
	return nil
}

func walkElements(el *etree.Element, f func(*etree.Element)) {
	f(el)
	for c := range el.ChildElementsSeq() {
		walkElements(c, f)
	}
}

// pickUnverifiedAssertion sets v.assertion from v.resp when no signature
// has yet chosen it.
func (v *validation) pickUnverifiedAssertion() {
	if v.assertion == nil {
		v.assertion = child(v.resp, NamespaceAssertion, "Assertion")
	}
}

// decryptAssertion replaces v.resp's EncryptedAssertion, if any, with the
// Assertion it holds, parsed as its own document. The content key is in an
// EncryptedKey inside the EncryptedData's KeyInfo or, as SAML core §2.2.4
// allows and Okta sends it, beside the EncryptedData.
func (v *validation) decryptAssertion() error {
	enc := child(v.resp, NamespaceAssertion, "EncryptedAssertion")
	if enc == nil || v.exp.DecryptionKey == nil {
		return nil
	}
	data := child(enc, namespaceXMLEnc, "EncryptedData")
	if data == nil {
		return errors.New("EncryptedAssertion holds no EncryptedData")
	}
	plain, err := decryptData(v.exp.DecryptionKey, compactCipherValues(data),
		children(enc, namespaceXMLEnc, "EncryptedKey"))
	if err != nil {
		return fmt.Errorf("decrypt EncryptedAssertion: %w", err)
	}
	doc, err := parseFragment(plain)
	if err != nil {
		return err
	}
	if !is(doc, NamespaceAssertion, "Assertion") {
		return errors.New("EncryptedAssertion does not hold an Assertion")
	}
	v.assertion = doc
	return nil
}

const namespaceXMLEnc = "http://www.w3.org/2001/04/xmlenc#"

// maxEncryptedKeys bounds the private-key operations an unsigned message
// can cost.
const maxEncryptedKeys = 4

// decryptData decrypts data with key, or with the content key that key
// unwraps from one of the EncryptedKey elements beside data.
func decryptData(key crypto.PrivateKey, data *etree.Element, beside []*etree.Element) (
	[]byte, error) {
	inKeyInfo := child(child(data, NamespaceDSig, "KeyInfo"), namespaceXMLEnc, "EncryptedKey")
	if inKeyInfo != nil || len(beside) == 0 {
		return xmlenc.Decrypt(key, data)
	}
	var err error
	for _, ek := range beside[:min(len(beside), maxEncryptedKeys)] {
		var cek []byte
		if cek, err = xmlenc.Decrypt(key, compactCipherValues(ek)); err == nil {
			return xmlenc.Decrypt(cek, data)
		}
	}
	return nil, err
}

// compactCipherValues returns a copy of el whose CipherValues hold no white
// space: base64 wrapped over lines is valid, and the decrypter refuses it.
func compactCipherValues(el *etree.Element) *etree.Element {
	el = el.Copy()
	walkElements(el, func(e *etree.Element) {
		if is(e, namespaceXMLEnc, "CipherValue") {
			s, _ := text(e)
			e.SetText(strings.Join(strings.Fields(s), ""))
		}
	})
	return el
}

func parseFragment(b []byte) (*etree.Element, error) {
	lim := DefaultLimits
	doc := etree.NewDocument()
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if len(b) > lim.MaxBytes {
		return nil, errTooLarge("decrypted Assertion", lim.MaxBytes)
	}
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, fmt.Errorf("decrypted Assertion: %w", err)
	}
	for _, tok := range doc.Child {
		if _, ok := tok.(*etree.Directive); ok {
			return nil, fmt.Errorf("decrypted Assertion: %w", DecodeDoctype)
		}
	}
	if doc.Root() == nil {
		return nil, errors.New("decrypted Assertion is empty")
	}
	if err := checkTree(doc.Root(), lim); err != nil {
		return nil, fmt.Errorf("decrypted Assertion: %w", err)
	}
	return doc.Root(), nil
}

func (v *validation) firstCert() *x509.Certificate {
	if len(v.exp.Certificates) == 0 {
		return nil
	}
	return v.exp.Certificates[0]
}
