package inmem

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

var _ tenantry.RateLimiter = (*RateLimiter)(nil)

// ErrInvalidRate is returned by RateLimiter.Allow for a Rate whose Events or
// Per is not positive.
var ErrInvalidRate = errors.New("inmem: rate needs positive Events and Per")

// RateLimiterOptions configures a RateLimiter. The zero value is usable.
type RateLimiterOptions struct {
	// Shards is the number of independently locked parts of the key space,
	// rounded up to a power of two (default 64).
	Shards int
	// MaxKeys bounds the number of keys kept (default 1,000,000). When a
	// shard is full, keys whose bucket is already full again are dropped
	// first (losing nothing), then the fullest of a few sampled keys.
	MaxKeys int
	// SweepInterval is how often each shard drops idle keys, those whose
	// bucket is full again (default one minute).
	SweepInterval time.Duration
	// Now returns the current time (default time.Now). Tests inject a
	// simulated clock here.
	Now func() time.Time
}

// RateLimiter is an in-process tenantry.RateLimiter using the generic cell
// rate algorithm (GCRA): each key stores only its theoretical arrival time
// (TAT), so the state is one integer per key, and a key whose TAT has
// passed is the same as an absent key and can be dropped at no cost.
type RateLimiter struct {
	now      func() time.Time
	epoch    time.Time
	seed     maphash.Seed
	mask     uint64
	shards   []rateShard
	maxShard int
	sweep    int64
}

// rateShard is one locked part of the key space. The padding keeps shards
// on separate cache lines.
type rateShard struct {
	mu        sync.Mutex
	tat       map[string]int64
	nextSweep int64
	_         [40]byte
}

// NewRateLimiter returns an empty RateLimiter.
func NewRateLimiter(opts RateLimiterOptions) *RateLimiter {
	n := 1
	want := opts.Shards
	if want <= 0 {
		want = 64
	}
	for n < want {
		n <<= 1
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = 1_000_000
	}
	perShard := (maxKeys + n - 1) / n
	sweep := opts.SweepInterval
	if sweep <= 0 {
		sweep = time.Minute
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	l := &RateLimiter{
		now:      now,
		epoch:    now(),
		seed:     maphash.MakeSeed(),
		mask:     uint64(n - 1),
		shards:   make([]rateShard, n),
		maxShard: perShard,
		sweep:    int64(sweep),
	}
	for i := range l.shards {
		l.shards[i].tat = make(map[string]int64)
		l.shards[i].nextSweep = int64(sweep)
	}
	return l
}

// Allow admits or refuses one event for key under r. A Burst below 1 is
// taken as 1. It never blocks on anything but a shard's mutex and does not
// allocate for a key it already holds.
func (l *RateLimiter) Allow(_ context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error) {
	if r.Events <= 0 || r.Per <= 0 {
		return tenantry.RateResult{}, ErrInvalidRate
	}
	burst := r.Burst
	if burst < 1 {
		burst = 1
	}
	interval := int64(r.Per) / r.Events // emission interval in ns
	if interval < 1 {
		interval = 1
	}
	tolerance := interval * burst // burst offset
	now := int64(l.now().Sub(l.epoch))

	s := &l.shards[maphash.String(l.seed, key)&l.mask]
	s.mu.Lock()
	if now >= s.nextSweep {
		s.dropIdle(now)
		s.nextSweep = now + l.sweep
	}
	tat, ok := s.tat[key]
	if !ok || tat < now {
		tat = now
	}
	newTAT := tat + interval
	allowAt := newTAT - tolerance
	if now < allowAt {
		s.mu.Unlock()
		return tenantry.RateResult{
			Allowed:    false,
			Limit:      burst,
			Remaining:  0,
			RetryAfter: time.Duration(allowAt - now),
			ResetAfter: time.Duration(tat - now),
		}, nil
	}
	if !ok && len(s.tat) >= l.maxShard {
		s.makeRoom(now, l.maxShard)
	}
	s.tat[key] = newTAT
	s.mu.Unlock()
	return tenantry.RateResult{
		Allowed:    true,
		Limit:      burst,
		Remaining:  (now - allowAt) / interval,
		RetryAfter: 0,
		ResetAfter: time.Duration(newTAT - now),
	}, nil
}

// Len returns the number of keys held.
func (l *RateLimiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.tat)
		s.mu.Unlock()
	}
	return n
}

// dropIdle deletes the keys whose bucket is full again at now; forgetting
// them changes no later decision. The caller holds s.mu.
func (s *rateShard) dropIdle(now int64) {
	for k, tat := range s.tat {
		if tat <= now {
			delete(s.tat, k)
		}
	}
}

// makeRoom frees at least one slot in a full shard: idle keys first, else
// the key closest to a full bucket among a few sampled ones (map iteration
// order is random). The caller holds s.mu.
func (s *rateShard) makeRoom(now int64, limit int) {
	s.dropIdle(now)
	if len(s.tat) < limit {
		return
	}
	const samples = 8
	victim, oldest, seen := "", int64(0), 0
	for k, tat := range s.tat {
		if seen == 0 || tat < oldest {
			victim, oldest = k, tat
		}
		seen++
		if seen == samples {
			break
		}
	}
	delete(s.tat, victim)
}
