package idpmock

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoAccess is what every [*NoAccessError] unwraps to, so that
// errors.Is(err, ErrNoAccess) tells a refusal from a failure.
var ErrNoAccess = errors.New("idpmock: no access")

// A Reason says why the IdP refused a user. AWS shows the same "No access"
// page, with HTTP 403 and no SAML response, whatever the reason.
type Reason string

// The reasons for a refusal.
const (
	// ReasonUnknownUser: no user has that user name or email.
	ReasonUnknownUser Reason = "unknown-user"
	// ReasonNotAssigned: neither the user nor any group the user is a
	// direct member of is assigned to the application.
	ReasonNotAssigned Reason = "not-assigned"
	// ReasonNestedGroupOnly: the user reaches an assigned group only
	// through a nested group, which AWS does not follow.
	ReasonNestedGroupOnly Reason = "nested-group-only"
	// ReasonNoEmail: an attribute mapping reads ${user:email} and the user
	// has no primary email.
	ReasonNoEmail Reason = "no-email"
	// ReasonEmptySubject: the Subject mapping gives an empty NameID for
	// the user, as ${user:middleName} does for a user without one.
	ReasonEmptySubject Reason = "empty-subject"
	// ReasonIdPInitiatedOnly: the application takes logins from the
	// access portal only and an AuthnRequest came (see
	// [Config.IdPInitiatedOnly]).
	ReasonIdPInitiatedOnly Reason = "idp-initiated-only"
)

var reasonText = map[Reason]string{
	ReasonUnknownUser: "no such user in the identity store",
	ReasonNotAssigned: "the user is not assigned to the application, " +
		"directly or through a group",
	ReasonNestedGroupOnly: "the user is only in a group nested inside an " +
		"assigned group; AWS does not follow nested groups",
	ReasonNoEmail: "the attribute mappings use ${user:email} and the user " +
		"has no primary email",
	ReasonEmptySubject: "the Subject mapping gives an empty value for the user",
	ReasonIdPInitiatedOnly: "the application accepts logins from the access " +
		"portal only, and this one came from the service provider (an AuthnRequest)",
}

// Explain returns a sentence saying what the reason means and where it
// is fixed.
func (r Reason) Explain() string {
	if text, ok := reasonText[r]; ok {
		return text
	}
	return string(r)
}

// A NoAccessError is the IdP's refusal to log a user in to the
// application. It unwraps to [ErrNoAccess].
type NoAccessError struct {
	// User is the user name or email that was asked for.
	User   string
	Reason Reason
}

func (e *NoAccessError) Error() string {
	return fmt.Sprintf("idpmock: no access for %q: %s", e.User, e.Reason.Explain())
}

// Unwrap returns [ErrNoAccess].
func (e *NoAccessError) Unwrap() error { return ErrNoAccess }

// findUser returns the user whose user name is name or whose email is name
// up to case, or nil.
func (p *IdP) findUser(name string) *User {
	for i := range p.cfg.Users {
		if u := &p.cfg.Users[i]; matchesUser(u, name) {
			return u
		}
	}
	return nil
}

func matchesUser(u *User, name string) bool {
	return u.UserName == name || u.Email != "" && strings.EqualFold(u.Email, name)
}

// authorize finds the user and applies AWS's access rules, in this order:
// the user exists; the user or a group the user is directly in is
// assigned (nested groups are not followed); the user has a primary email
// when a mapping reads ${user:email}.
func (p *IdP) authorize(name string) (*User, error) {
	u := p.findUser(name)
	if u == nil {
		return nil, &NoAccessError{User: name, Reason: ReasonUnknownUser}
	}
	if reason := p.assignment(u); reason != "" {
		return nil, &NoAccessError{User: name, Reason: reason}
	}
	if u.Email == "" && p.table.mapsEmail() {
		return nil, &NoAccessError{User: name, Reason: ReasonNoEmail}
	}
	return u, nil
}

// assignment returns "" when u is assigned, directly or through a group u
// is directly in, and the reason for a refusal otherwise.
func (p *IdP) assignment(u *User) Reason {
	for _, a := range p.cfg.AssignedUsers {
		if matchesUser(u, a) {
			return ""
		}
	}
	assigned := make(map[string]bool)
	for _, g := range p.cfg.AssignedGroups {
		assigned[g] = true
	}
	for _, g := range u.Groups {
		if assigned[g] {
			return ""
		}
	}
	nested := p.nestedGroups(p.cfg.AssignedGroups)
	for _, g := range u.Groups {
		if nested[g] {
			return ReasonNestedGroupOnly
		}
	}
	return ReasonNotAssigned
}

// nestedGroups returns the groups held, at any depth, inside the given
// groups, the given groups excluded unless one holds another.
func (p *IdP) nestedGroups(roots []string) map[string]bool {
	held := make(map[string][]string, len(p.cfg.Groups))
	for _, g := range p.cfg.Groups {
		held[g.Name] = g.Groups
	}
	seen := make(map[string]bool)
	queue := append([]string(nil), roots...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, child := range held[name] {
			if !seen[child] {
				seen[child] = true
				queue = append(queue, child)
			}
		}
	}
	return seen
}

// CheckAccess returns nil when the user named name (user name or email)
// may log in to the application, and a [*NoAccessError] saying why not
// otherwise.
func (p *IdP) CheckAccess(name string) error {
	_, err := p.authorize(name)
	return err
}
