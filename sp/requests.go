package sp

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultRequestLifetime is how long the SP waits for the Response to an
// AuthnRequest. The real SP's limit is not published [guess]; the
// OneLogin toolkit leaves it to the application.
const DefaultRequestLifetime = 5 * time.Minute

// DefaultRequestStoreSize bounds the number of remembered AuthnRequests.
const DefaultRequestStoreSize = 10000

// A pendingRequest is an AuthnRequest the SP sent and waits for.
type pendingRequest struct {
	id         string
	relayState string
	session    string
	expires    time.Time
	// forget is when the store drops the entry; until then an expired
	// request is still told apart from one never sent.
	forget time.Time
	// claimed is set while a Response to the request is being judged.
	claimed bool
}

// requestStore remembers the AuthnRequests each browser session started,
// until they are answered or expire. It is bounded: when full it drops
// the entries closest to being forgotten, expired ones first, so a flood
// of login starts costs the oldest logins in progress, never memory.
type requestStore struct {
	mu   sync.Mutex
	max  int
	byID map[string]*pendingRequest
}

func newRequestStore(max int) *requestStore {
	return &requestStore{max: max, byID: map[string]*pendingRequest{}}
}

// expiredRetention is how long an expired request is remembered, to tell
// a late Response from one to a request never sent.
const expiredRetention = time.Hour

// add records a request of session, waited for until p.expires and
// remembered as expired for [expiredRetention] more.
func (s *requestStore) add(p pendingRequest, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.forget = p.expires.Add(expiredRetention)
	s.sweep(now)
	for len(s.byID) >= s.max {
		s.dropOldest()
	}
	s.byID[p.id] = &p
}

// sweep forgets the entries past their forget time.
func (s *requestStore) sweep(now time.Time) {
	for id, p := range s.byID {
		if !now.Before(p.forget) {
			delete(s.byID, id)
		}
	}
}

func (s *requestStore) dropOldest() {
	var oldest *pendingRequest
	for _, p := range s.byID {
		if oldest == nil || p.forget.Before(oldest.forget) {
			oldest = p
		}
	}
	if oldest != nil {
		delete(s.byID, oldest.id)
	}
}

// of returns the requests of session at now: those still waited for and
// those expired, each sorted by ID.
func (s *requestStore) of(session string, now time.Time) (live, expired []pendingRequest) {
	if session == "" {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.byID {
		switch {
		case p.session != session || !now.Before(p.forget):
		case now.Before(p.expires):
			live = append(live, *p)
		default:
			expired = append(expired, *p)
		}
	}
	byID := func(a, b pendingRequest) int { return strings.Compare(a.id, b.id) }
	slices.SortFunc(live, byID)
	slices.SortFunc(expired, byID)
	return live, expired
}

// knows reports whether session has a request in the store, so that the
// SP made it.
func (s *requestStore) knows(session string) bool {
	if session == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.byID {
		if p.session == session {
			return true
		}
	}
	return false
}

// claim marks the request id as being answered and returns the RelayState
// sent with it; false when it is unknown or already claimed, so that two
// Responses posted at once cannot both answer it.
func (s *requestStore) claim(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.byID[id]
	if p == nil || p.claimed {
		return "", false
	}
	p.claimed = true
	return p.relayState, true
}

// release gives back a claim when the login was refused.
func (s *requestStore) release(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.byID[id]; p != nil {
		p.claimed = false
	}
}

// consume forgets the request id once a login answered it.
func (s *requestStore) consume(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

func (s *requestStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

func ids(ps []pendingRequest) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.id
	}
	return out
}
