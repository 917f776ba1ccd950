package presence

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Memory is a Store in this process's memory, for a single server.
type Memory struct {
	mu     sync.Mutex
	topics map[memKey]map[string]memEntry
	now    func() time.Time
}

var _ Store = (*Memory)(nil)

// memKey names one topic of one tenant.
type memKey struct{ tenant, topic string }

// memEntry is an entry and when it expires.
type memEntry struct {
	e       Entry
	expires time.Time
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{topics: map[memKey]map[string]memEntry{}, now: time.Now}
}

// live returns topic k's entries with the expired ones dropped.
func (m *Memory) live(k memKey) map[string]memEntry {
	es := m.topics[k]
	now := m.now()
	for c, e := range es {
		if !now.Before(e.expires) {
			delete(es, c)
		}
	}
	if len(es) == 0 {
		delete(m.topics, k)
		return nil
	}
	return es
}

// Join adds or refreshes e on topic of tenant.
func (m *Memory) Join(_ context.Context, tenantID, topic string, e Entry, ttl time.Duration, limit int64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey{tenantID, topic}
	es := m.live(k)
	if _, ok := es[e.Conn]; !ok && limit >= 0 && int64(len(es)) >= limit {
		return false, nil
	}
	if es == nil {
		es = map[string]memEntry{}
		m.topics[k] = es
	}
	es[e.Conn] = memEntry{e: e, expires: m.now().Add(ttl)}
	return true, nil
}

// Leave removes conn's entry.
func (m *Memory) Leave(_ context.Context, tenantID, topic, conn string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey{tenantID, topic}
	delete(m.topics[k], conn)
	m.live(k)
	return nil
}

// List returns the live entries, ordered by conn.
func (m *Memory) List(_ context.Context, tenantID, topic string) ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Entry{}
	for _, e := range m.live(memKey{tenantID, topic}) {
		out = append(out, e.e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Conn, b.Conn) })
	return out, nil
}
