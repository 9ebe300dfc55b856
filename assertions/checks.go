package assertions

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
)

func (v *validation) checkAssertionCount() {
	got := fmt.Sprintf("%d Assertion(s)", v.assertions)
	switch {
	case v.assertions > 1:
		v.add(AssertionMultiple, Fail, "1 Assertion", got, "")
	case child(v.resp, NamespaceAssertion, "EncryptedAssertion") != nil && v.assertion == nil:
		if v.exp.DecryptionKey == nil {
			v.add(AssertionEncrypted, Fail, "1 Assertion", "1 EncryptedAssertion", "")
		} else {
			msg := ""
			if v.decryptErr != nil {
				msg = v.decryptErr.Error()
			}
			v.add(AssertionDecryptFailed, Fail, "1 Assertion", "1 EncryptedAssertion", msg)
		}
	case v.assertion == nil:
		v.add(AssertionMissing, Fail, "1 Assertion", got, "")
	default:
		v.r.AssertionID = attr(v.assertion, "ID")
		v.add(AssertionOne, Pass, "1 Assertion", "1 Assertion", "")
	}
}

// checkIssuers checks both Issuers. The Response Issuer is optional (SAML
// profiles §4.1.4.2, and the OneLogin toolkit skips an absent one); the
// Assertion Issuer is required.
func (v *validation) checkIssuers() {
	respIssuer := child(v.resp, NamespaceAssertion, "Issuer")
	if v.resp != nil && respIssuer == nil && v.assertion != nil {
		v.skip(IssuerOK, "not checked: the Response has no Issuer, which is "+
			"optional; the Assertion Issuer is checked")
	} else {
		v.checkIssuer(respIssuer, v.resp != nil,
			IssuerOK, IssuerMismatch, IssuerMissing, IssuerFormat, "Response")
	}
	v.checkIssuer(child(v.assertion, NamespaceAssertion, "Issuer"), v.assertion != nil,
		AssertionIssuerOK, AssertionIssuerMismatch, AssertionIssuerMissing,
		AssertionIssuerFormat, "Assertion")
}

func (v *validation) checkIssuer(iss *etree.Element, present bool,
	ok, mismatch, missing, format Code, where string) {
	want := v.exp.Issuer
	switch {
	case !present:
		v.skip(ok, "not checked: no "+where)
	case iss == nil:
		v.add(missing, Fail, want, "", "")
	case hasAttr(iss, "Format") && attr(iss, "Format") != NameIDFormatEntity:
		v.add(format, Fail, NameIDFormatEntity, attr(iss, "Format"), "")
	default:
		got, _ := text(iss)
		if got == want {
			v.add(ok, Pass, want, got, "")
			return
		}
		v.add(mismatch, Fail, want, got, mismatchMessage(where+" Issuer", want, got))
	}
}

func (v *validation) checkDestination() {
	want := v.exp.ACSURL
	if !hasAttr(v.resp, "Destination") {
		v.add(DestinationAbsent, Pass, want, "", "")
		return
	}
	got := attr(v.resp, "Destination")
	if got == want || (v.exp.ReceivedURL != "" && got == v.exp.ReceivedURL &&
		strings.HasPrefix(got, want+"?")) {
		v.add(DestinationOK, Pass, want, got, "")
		return
	}
	v.add(DestinationMismatch, Fail, want, got, mismatchMessage("Destination", want, got))
}

// bearerData returns the SubjectConfirmationData of the first bearer
// SubjectConfirmation, and whether any SubjectConfirmation exists.
func (v *validation) bearerData() (data *etree.Element, bearer, any bool) {
	confs := children(path(v.assertion, "Subject"), NamespaceAssertion,
		"SubjectConfirmation")
	for _, c := range confs {
		if attr(c, "Method") == ConfirmationBearer {
			return child(c, NamespaceAssertion, "SubjectConfirmationData"), true, true
		}
	}
	return nil, false, len(confs) > 0
}

func (v *validation) checkRecipient() {
	want := v.exp.ACSURL
	data, bearer, _ := v.bearerData()
	switch {
	case v.assertion == nil:
		v.skip(RecipientOK, "not checked: no Assertion")
	case !bearer:
		v.skip(RecipientOK, "not checked: no bearer SubjectConfirmation")
	case !hasAttr(data, "Recipient"):
		v.add(RecipientMissing, Fail, want, "", "")
	case attr(data, "Recipient") == want:
		v.add(RecipientOK, Pass, want, want, "")
	default:
		got := attr(data, "Recipient")
		v.add(RecipientMismatch, Fail, want, got, mismatchMessage("Recipient", want, got))
	}
}

func (v *validation) checkAudience() {
	want := v.exp.Audience
	if v.assertion == nil {
		v.skip(AudienceOK, "not checked: no Assertion")
		return
	}
	restrictions := children(path(v.assertion, "Conditions"), NamespaceAssertion,
		"AudienceRestriction")
	if len(restrictions) == 0 {
		v.add(AudienceMissing, Fail, want, "", "")
		return
	}
	var got []string
	for _, ar := range restrictions {
		var these []string
		for _, a := range children(ar, NamespaceAssertion, "Audience") {
			s, _ := text(a)
			these = append(these, s)
		}
		got = append(got, these...)
		if !slices.Contains(these, want) {
			actual := strings.Join(these, ", ")
			msg := "an AudienceRestriction does not name the SP entity ID"
			if len(these) == 1 {
				msg = mismatchMessage("Audience", want, these[0])
			}
			v.add(AudienceMismatch, Fail, want, actual, msg)
			return
		}
	}
	v.add(AudienceOK, Pass, want, strings.Join(got, ", "), "")
}

// parseTime reads an xs:dateTime attribute; ok is false when absent.
func parseTime(el *etree.Element, key string) (t time.Time, ok bool, err error) {
	if !hasAttr(el, key) {
		return time.Time{}, false, nil
	}
	t, err = time.Parse(time.RFC3339Nano, attr(el, key))
	if err != nil {
		return time.Time{}, true, fmt.Errorf("%s %q is not an xs:dateTime", key, attr(el, key))
	}
	return t, true, nil
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (v *validation) checkTime() {
	if v.assertion == nil {
		v.skip(TimeOK, "not checked: no Assertion")
		return
	}
	cond := path(v.assertion, "Conditions")
	if cond == nil {
		v.add(TimeMissing, Fail, "a Conditions element", "", "")
		return
	}
	skew, now := v.exp.skew(), v.now
	nb, hasNB, err1 := parseTime(cond, "NotBefore")
	na, hasNA, err2 := parseTime(cond, "NotOnOrAfter")
	if err := firstErr(err1, err2); err != nil {
		v.add(TimeMalformed, Fail, "xs:dateTime values", "", err.Error())
		return
	}
	window := fmt.Sprintf("%s ± %s", fmtTime(now), skew)
	actual := fmt.Sprintf("NotBefore %s, NotOnOrAfter %s", optTime(nb, hasNB), optTime(na, hasNA))
	switch {
	case hasNB && now.Add(skew).Before(nb):
		v.add(TimeNotYet, Fail, window, actual, fmt.Sprintf(
			"the Assertion becomes valid %s from now, beyond the %s skew",
			nb.Sub(now).Round(time.Second), skew))
	case hasNA && !now.Add(-skew).Before(na):
		v.add(TimeExpired, Fail, window, actual, fmt.Sprintf(
			"the Assertion expired %s ago, beyond the %s skew",
			now.Sub(na).Round(time.Second), skew))
	default:
		v.noteExpiry(na, hasNA)
		v.add(TimeOK, Pass, window, actual, "")
	}
}

func optTime(t time.Time, ok bool) string {
	if !ok {
		return "absent"
	}
	return fmtTime(t)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// noteExpiry keeps the earliest NotOnOrAfter for the replay cache.
func (v *validation) noteExpiry(t time.Time, ok bool) {
	if ok && (v.r.AssertionNotOnOrAfter.IsZero() || t.Before(v.r.AssertionNotOnOrAfter)) {
		v.r.AssertionNotOnOrAfter = t
	}
}

// checkIssueInstant judges the Response's IssueInstant and the
// Assertion's: the Assertion's is the one its own signature covers when
// the Response is unsigned, and an SP must not take a fresh unsigned
// Response around an old signed Assertion for a fresh login.
func (v *validation) checkIssueInstant() {
	skew := v.exp.skew()
	var got string
	for _, el := range []*etree.Element{v.resp, v.assertion} {
		if el == nil {
			continue
		}
		at, ok, err := parseTime(el, "IssueInstant")
		switch {
		case err != nil:
			v.add(TimeMalformed, Fail, "an xs:dateTime IssueInstant", "", err.Error())
			return
		case !ok:
			v.add(TimeMalformed, Fail, "an IssueInstant", "",
				fmt.Sprintf("the %s has no IssueInstant", el.Tag))
			return
		}
		if got == "" {
			got = fmtTime(at)
		}
		if at.After(v.now.Add(skew)) {
			v.add(IssueInstantFuture, Fail, "no later than "+fmtTime(v.now.Add(skew)),
				fmtTime(at), fmt.Sprintf("the %s was issued %s in the future: the IdP "+
					"clock runs ahead", el.Tag, at.Sub(v.now).Round(time.Second)))
			return
		}
		if maxAge := v.exp.maxAge(); maxAge > 0 && v.now.Sub(at) > maxAge+skew {
			v.add(IssueInstantStale, Fail, "no earlier than "+
				fmtTime(v.now.Add(-maxAge-skew)), fmtTime(at), fmt.Sprintf(
				"the %s was issued %s ago; a Response is used within %s (plus %s skew)",
				el.Tag, v.now.Sub(at).Round(time.Second), maxAge, skew))
			return
		}
	}
	v.add(IssueInstantOK, Pass, "within the skew of "+fmtTime(v.now), got, "")
}

func (v *validation) checkConfirmation() {
	if v.assertion == nil {
		v.skip(ConfirmationOK, "not checked: no Assertion")
		return
	}
	data, bearer, any := v.bearerData()
	want := "method bearer, NotOnOrAfter after " + fmtTime(v.now)
	switch {
	case !any:
		v.add(ConfirmationMissing, Fail, want, "", "")
		return
	case !bearer:
		v.add(ConfirmationNotBearer, Fail, ConfirmationBearer, "another method", "")
		return
	}
	na, ok, err := parseTime(data, "NotOnOrAfter")
	switch {
	case err != nil:
		v.add(TimeMalformed, Fail, want, "", err.Error())
	case !ok:
		v.add(ConfirmationNoExpiry, Fail, want, "no NotOnOrAfter", "")
	case !v.now.Add(-v.exp.skew()).Before(na):
		v.add(ConfirmationExpired, Fail, want, fmtTime(na), fmt.Sprintf(
			"the bearer confirmation expired %s ago", v.now.Sub(na).Round(time.Second)))
	default:
		v.noteExpiry(na, true)
		v.add(ConfirmationOK, Pass, want, "bearer until "+fmtTime(na), "")
	}
}

func (v *validation) checkInResponseTo() {
	fromResp := attr(v.resp, "InResponseTo")
	data, _, _ := v.bearerData()
	fromData := attr(data, "InResponseTo")
	got := fromResp
	// Which request a login answers must be signed: an unsigned
	// Response's InResponseTo could make a signed IdP-initiated Assertion
	// pass for the answer to the victim's request.
	unsignedOnly := !v.respSigned && fromData == "" && fromResp != ""
	if got == "" || unsignedOnly {
		got = fromData
	}
	v.r.InResponseTo = got
	want := strings.Join(v.exp.RequestIDs, " or ")
	if want == "" {
		want = "none (IdP-initiated)"
	}
	switch {
	case fromResp != "" && fromData != "" && fromResp != fromData:
		v.add(InResponseToMismatch, Fail, fromResp, fromData, "")
	case unsignedOnly && len(v.exp.RequestIDs) > 0:
		v.add(InResponseToMissing, Fail, want, "no signed InResponseTo",
			"only the unsigned Response names a request ("+fromResp+"); the signed "+
				"Assertion's SubjectConfirmationData answers none")
	case got == "" && len(v.exp.RequestIDs) > 0:
		v.add(InResponseToMissing, Fail, want, "no InResponseTo", "")
	case got == "" && v.exp.AllowUnsolicited:
		v.add(InResponseToUnsolicited, Pass, want, "", "an IdP-initiated login, "+
			"allowed by the policy")
	case got == "":
		v.add(InResponseToUnsolicited, Fail, "a Response to an AuthnRequest",
			"no InResponseTo (IdP-initiated)",
			"an IdP-initiated login, refused by the policy (unsolicited: reject)")
	case slices.Contains(v.exp.RequestIDs, got):
		if claim := v.exp.ClaimRequest; claim != nil && v.trusted {
			relayState, ok := claim(got)
			if !ok {
				v.add(InResponseToUnknown, Fail, want, got, "another Response to this "+
					"AuthnRequest is being accepted; a request is answered once")
				return
			}
			v.sentRelayState, v.requestClaimed = relayState, true
		}
		v.add(InResponseToOK, Pass, want, got, "")
	case slices.Contains(v.exp.ExpiredRequestIDs, got):
		v.add(InResponseToExpired, Fail, want, got, "")
	default:
		v.add(InResponseToUnknown, Fail, want, got, "")
	}
}

func (v *validation) checkRelayState() {
	got := v.exp.GotRelayState
	sent, check := v.exp.RelayState, v.exp.CheckRelayState
	if v.requestClaimed {
		sent, check = v.sentRelayState, true
	}
	if !check {
		v.r.Add(Check{Code: RelayStateOK, Status: Skip, Actual: got,
			Message: "not checked: the SP sent no RelayState to compare with"})
		return
	}
	if got == sent {
		v.add(RelayStateOK, Pass, sent, got, "")
		return
	}
	msg := "the RelayState was changed on the way"
	if got == "" {
		msg = "the RelayState was dropped"
	}
	v.add(RelayStateChanged, Fail, sent, got, msg)
}

func (v *validation) checkReplay() {
	const want = "an Assertion ID not used before"
	id := v.r.AssertionID
	switch {
	case v.exp.Replay == nil:
		v.skip(ReplayOK, "not checked: no replay cache (offline check)")
	case !v.trusted:
		// An unsigned message must neither hold a real Assertion's ID in
		// the cache nor learn whether that ID was used.
		v.skip(ReplayOK, "not checked: no verified signature covers the Assertion")
	case id == "":
		v.skip(ReplayOK, "not checked: no Assertion ID")
	default:
		code := v.exp.Replay(id)
		st := Fail
		if code == ReplayOK {
			st = Pass
		}
		v.add(code, st, want, id, "")
	}
}

func (v *validation) checkAuthnStatement() {
	switch {
	case v.assertion == nil:
		v.skip(AuthnStatementOK, "not checked: no Assertion")
	case path(v.assertion, "AuthnStatement") == nil:
		v.add(AuthnStatementMissing, Fail, "an AuthnStatement", "", "")
	default:
		v.add(AuthnStatementOK, Pass, "an AuthnStatement", "present", "")
	}
}

// mismatchMessage names the near miss between two URLs or names, if any.
func mismatchMessage(what, want, got string) string {
	if hint := nearMiss(want, got); hint != "" {
		return fmt.Sprintf("%s differs from the expected value: %s", what, hint)
	}
	return fmt.Sprintf("%s differs from the expected value", what)
}

// nearMiss explains how got almost equals want.
func nearMiss(want, got string) string {
	switch {
	case got == "":
		return "it is empty"
	case strings.TrimSpace(got) == want:
		return "it has surrounding spaces"
	case strings.TrimSpace(want) == got:
		return "the configured value has surrounding spaces"
	case strings.TrimRight(got, "/") == want || got == strings.TrimRight(want, "/"):
		return "a trailing slash differs"
	case strings.Replace(got, "http://", "https://", 1) == want:
		return "it uses http instead of https"
	case strings.Replace(want, "http://", "https://", 1) == got:
		return "the configured value uses http instead of https"
	case strings.EqualFold(got, want):
		return "only the letter case differs"
	}
	wu, err1 := url.Parse(want)
	gu, err2 := url.Parse(got)
	if err1 != nil || err2 != nil {
		return ""
	}
	if wu.Host != gu.Host && strings.HasPrefix(gu.Host, "portal.sso.") &&
		strings.HasPrefix(wu.Host, "portal.sso.") && wu.Path == gu.Path {
		return "it names another AWS region (" + gu.Host + ")"
	}
	if strings.Contains(gu.Path, "/v1/") && strings.Contains(wu.Path, "/v2/") {
		return "it uses the old v1 path"
	}
	ws, gs := realmOf(wu.Path), realmOf(gu.Path)
	if ws != "" && gs != "" && ws != gs {
		if strings.Replace(gu.Path, gs, ws, 1) == wu.Path {
			return "it names another realm SID (" + gs + ")"
		}
	}
	if wu.Host == gu.Host && path2(wu.Path) != path2(gu.Path) &&
		strings.Contains(wu.Path, "/saml2/") && strings.Contains(gu.Path, "/saml2/") {
		if twilioEndpoints[path2(gu.Path)] {
			return "it points at the " + path2(gu.Path) + " endpoint instead of " +
				path2(wu.Path)
		}
		return "its path has " + path2(gu.Path) + " where " + path2(wu.Path) +
			" is expected"
	}
	if wu.Host == gu.Host && strings.Contains(wu.Path, "/saml/assertion/") {
		return "it names another AWS application"
	}
	return ""
}

// realmOf returns the Twilio realm SID at the end of a path, if any.
func realmOf(p string) string {
	last := p[strings.LastIndex(p, "/")+1:]
	if strings.HasPrefix(last, "JB") {
		return last
	}
	return ""
}

// twilioEndpoints are the endpoint words of Twilio's SAML paths.
var twilioEndpoints = map[string]bool{"authenticate": true, "metadata": true}

// path2 returns the endpoint word of a Twilio SAML path ("metadata").
func path2(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) >= 2 {
		return parts[len(parts)-2]
	}
	return ""
}
