package assertions

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

func (v *validation) checkCertificate() {
	c := v.firstCert()
	if c == nil {
		v.add(CertificateNotPresent, Fail, "an X.509 certificate", "none", "")
		return
	}
	want := "valid at " + fmtTime(v.now)
	got := fmt.Sprintf("valid %s to %s, SHA-256 %s", fmtTime(c.NotBefore),
		fmtTime(c.NotAfter), fingerprint256(c))
	st := Warn
	if v.exp.StrictCertificateExpiry {
		st = Fail
	}
	switch {
	case v.now.After(c.NotAfter):
		v.add(CertificateExpired, st, want, got, fmt.Sprintf(
			"the configured certificate expired %s ago", days(v.now.Sub(c.NotAfter))))
	case v.now.Before(c.NotBefore):
		v.add(CertificateNotYet, st, want, got, "")
	case c.NotAfter.Sub(v.now) < v.exp.expiryWarning():
		v.add(CertificateExpiring, st, want, got, fmt.Sprintf(
			"the configured certificate expires in %s", days(c.NotAfter.Sub(v.now))))
	default:
		v.add(CertificateOK, Pass, want, got, "")
	}
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// checkAttributes reads the Assertion's attributes into v.attrs and refuses
// two Attribute elements of one Name, as the OneLogin toolkit does.
func (v *validation) checkAttributes() {
	v.attrs = map[string][][]string{}
	if v.assertion == nil {
		v.skip(AttributesOK, "not checked: no Assertion")
		return
	}
	var names []string
	for _, st := range children(v.assertion, NamespaceAssertion, "AttributeStatement") {
		if len(children(st, NamespaceAssertion, "EncryptedAttribute")) > 0 {
			v.add(AttributesEncrypted, Fail, "plain Attribute elements",
				"EncryptedAttribute", "")
			return
		}
		for _, a := range children(st, NamespaceAssertion, "Attribute") {
			name := attr(a, "Name")
			var values []string
			for _, av := range children(a, NamespaceAssertion, "AttributeValue") {
				s, _ := text(av)
				values = append(values, s)
			}
			if _, dup := v.attrs[name]; !dup {
				names = append(names, name)
			}
			v.attrs[name] = append(v.attrs[name], values)
		}
	}
	for _, name := range names {
		if n := len(v.attrs[name]); n > 1 {
			v.add(AttributesDuplicate, Fail, "one Attribute named "+name,
				fmt.Sprintf("%d Attribute elements named %s", n, name), fmt.Sprintf(
					"%s is sent as %d Attribute elements instead of one with %d values",
					name, n, n))
			return
		}
	}
	v.add(AttributesOK, Pass, "each Attribute Name once", strings.Join(names, ", "), "")
}

// values returns every value of the named attribute, across duplicates.
func (v *validation) values(name string) ([]string, bool) {
	groups, ok := v.attrs[name]
	var all []string
	for _, g := range groups {
		all = append(all, g...)
	}
	return all, ok
}

func (v *validation) readClaims() {
	if v.assertion == nil {
		return
	}
	nameID := path(v.assertion, "Subject", "NameID")
	id, _ := text(nameID)
	c := &Claims{NameID: id, NameIDFormat: attr(nameID, "Format"),
		Attributes: map[string][]string{}, Trusted: v.trusted,
		SessionIndex: attr(path(v.assertion, "AuthnStatement"), "SessionIndex")}
	for name := range v.attrs {
		c.Attributes[name], _ = v.values(name)
	}
	v.r.Claims = c
}

func (v *validation) frontlineRules() bool {
	return v.exp.rules() == RulesFrontline
}

func (v *validation) checkNameID() {
	if !v.frontlineRules() {
		v.skip(NameIDOK, "not checked: generic SAML rules")
		return
	}
	if v.assertion == nil {
		v.skip(NameIDOK, "not checked: no Assertion")
		return
	}
	nameID := path(v.assertion, "Subject", "NameID")
	want := "an email address, Format " + NameIDFormatEmail
	if nameID == nil {
		v.add(NameIDMissing, Fail, want, "", "")
		return
	}
	id, _ := text(nameID)
	format := attr(nameID, "Format")
	got := fmt.Sprintf("%s, Format %s", id, format)
	if format != NameIDFormatEmail {
		st := Fail
		if v.exp.LaxNameID {
			st = Warn
		}
		v.add(NameIDFormat, st, want, got, "")
		return
	}
	if !isEmail(id) {
		v.add(NameIDNotEmail, Fail, want, got, "")
		return
	}
	v.add(NameIDOK, Pass, want, got, "")
}

func (v *validation) checkEmail() {
	if !v.frontlineRules() {
		v.skip(EmailOK, "not checked: generic SAML rules")
		return
	}
	if v.assertion == nil {
		v.skip(EmailOK, "not checked: no Assertion")
		return
	}
	const want = "one attribute email holding a valid address"
	vals, ok := v.values("email")
	switch {
	case !ok:
		v.add(EmailMissing, Fail, want, v.attributeNames(), v.similar("email"))
	case len(vals) != 1 || !isEmail(vals[0]):
		v.add(EmailInvalid, Fail, want, strings.Join(vals, ", "), "")
	default:
		v.add(EmailOK, Pass, want, vals[0], "")
	}
}

func (v *validation) checkRoles() {
	if !v.frontlineRules() {
		v.skip(RolesOK, "not checked: generic SAML rules")
		return
	}
	if v.assertion == nil {
		v.skip(RolesOK, "not checked: no Assertion")
		return
	}
	role := v.exp.role()
	want := "attribute roles containing " + role
	vals, ok := v.values("roles")
	got := strings.Join(vals, ", ")
	switch {
	case !ok:
		v.add(RolesMissing, Fail, want, v.attributeNames(), v.similar("roles"))
	case slices.Contains(vals, role):
		v.add(RolesOK, Pass, want, got, "")
	case slices.ContainsFunc(vals, func(s string) bool { return strings.EqualFold(s, role) }):
		v.add(RolesCase, Fail, want, got, "roles values are case-sensitive: "+
			"the SP knows "+role+", not "+got)
	default:
		v.add(RolesNoAgent, Fail, want, got, "")
	}
}

// attributeNames lists the attribute names the Assertion carries.
func (v *validation) attributeNames() string {
	names := make([]string, 0, len(v.attrs))
	for n := range v.attrs {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "no attributes"
	}
	return "attributes: " + strings.Join(names, ", ")
}

// similar points at an attribute whose name almost matches name.
func (v *validation) similar(name string) string {
	for n := range v.attrs {
		base := n[strings.LastIndexAny(n, "/:")+1:]
		if strings.EqualFold(base, name) || strings.EqualFold(strings.TrimSuffix(base, "s"),
			strings.TrimSuffix(name, "s")) || strings.EqualFold(base, name+"address") {
			return fmt.Sprintf("no attribute named %s; found %q (names are case-sensitive "+
				"and must match exactly)", name, n)
		}
	}
	return ""
}

// isEmail reports whether s is a bare address such as alice@example.com.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" &&
		strings.Contains(s[strings.LastIndex(s, "@")+1:], ".")
}
