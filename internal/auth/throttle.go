package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins: after Max failures of one key within
// Window, the key is refused until the oldest of them leaves the window.
// The server keeps two keys per attempt, the account ("user:" + e-mail)
// and the client ("ip:" + address), so that neither guessing one
// account's password from many addresses nor many accounts from one
// address goes faster than Max per Window. It is kept in memory, per
// process: with several replicas a guesser gains at most a factor of the
// replica count, still bounded.
type Throttle struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle returns a throttle of max failures per window.
func NewThrottle(max int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{Max: max, Window: window, Now: now, failures: map[string][]time.Time{}}
}

// Allowed reports whether every key may try now, and if not, how long
// until it may.
func (t *Throttle) Allowed(keys ...string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	var wait time.Duration
	for _, k := range keys {
		fs := t.prune(k, now)
		if len(fs) >= t.Max {
			if w := fs[len(fs)-t.Max].Add(t.Window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait == 0, wait
}

// Fail records a failed attempt of every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	for _, k := range keys {
		t.failures[k] = append(t.prune(k, now), now)
	}
	// Bound the memory a flood of distinct keys can take.
	if len(t.failures) > 100_000 {
		for k := range t.failures {
			if len(t.prune(k, now)) == 0 {
				delete(t.failures, k)
			}
		}
	}
}

// Succeed forgets the failures of a key (an account that signed in).
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

func (t *Throttle) prune(k string, now time.Time) []time.Time {
	fs := t.failures[k]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.Window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, k)
	} else {
		t.failures[k] = fs
	}
	return fs
}
