package sp

import (
	"sync"
	"time"
)

// replayCache remembers Assertion IDs until their NotOnOrAfter. It is
// bounded: when full of unexpired IDs it refuses new ones rather than
// forget one that could then be replayed.
type replayCache struct {
	mu      sync.Mutex
	max     int
	expires map[string]time.Time
}

func newReplayCache(max int) *replayCache {
	return &replayCache{max: max, expires: map[string]time.Time{}}
}

// claim records id until until and reports whether it was fresh. A full
// cache reports false.
func (c *replayCache) claim(id string, now, until time.Time) (fresh, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if exp, ok := c.expires[id]; ok && now.Before(exp) {
		return false, false
	}
	if len(c.expires) >= c.max {
		for k, exp := range c.expires {
			if !now.Before(exp) {
				delete(c.expires, k)
			}
		}
		if len(c.expires) >= c.max {
			return false, true
		}
	}
	c.expires[id] = until
	return true, false
}

// release forgets an id claimed by a login that was then refused.
func (c *replayCache) release(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.expires, id)
}

// keep sets a claimed id's lifetime to until.
func (c *replayCache) keep(id string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.expires[id]; ok {
		c.expires[id] = until
	}
}

func (c *replayCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.expires)
}
