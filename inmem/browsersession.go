package inmem

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

// DefaultMaxBrowserSessions is how many sessions a BrowserSessions keeps
// unless told otherwise.
const DefaultMaxBrowserSessions = 100_000

var _ tenantry.BrowserSessionStore = (*BrowserSessions)(nil)

// BrowserSessions is a tenantry.BrowserSessionStore in process memory, for
// one server process and tests. It holds at most its capacity: saving one
// more evicts the least recently used session. Sessions idle longer than its
// timeout are gone, and one user holds at most
// tenantry.MaxBrowserSessionsPerUser.
type BrowserSessions struct {
	mu     sync.Mutex
	max    int
	idle   time.Duration
	now    func() time.Time
	lru    *list.List // of *tenantry.BrowserSession, most recently used first
	byID   map[string]*list.Element
	byUser map[string]map[string]struct{}
	// handovers are the pending handovers by hash; there are few, each
	// lives a minute, and SaveHandover drops the expired ones.
	handovers map[string]*tenantry.BrowserHandover
}

// NewBrowserSessions returns an empty store of at most max sessions
// (DefaultMaxBrowserSessions when max <= 0) that expire after idle without
// use (tenantry.BrowserSessionIdle when idle <= 0).
func NewBrowserSessions(max int, idle time.Duration) *BrowserSessions {
	if max <= 0 {
		max = DefaultMaxBrowserSessions
	}
	if idle <= 0 {
		idle = tenantry.BrowserSessionIdle
	}
	return &BrowserSessions{
		max: max, idle: idle, now: time.Now, lru: list.New(),
		byID: map[string]*list.Element{}, byUser: map[string]map[string]struct{}{},
		handovers: map[string]*tenantry.BrowserHandover{},
	}
}

// Get returns a copy of the session with id, or nil when it is unknown or
// has been idle too long.
func (m *BrowserSessions) Get(_ context.Context, id string) (*tenantry.BrowserSession, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byID[id]
	if !ok {
		return nil, nil
	}
	s := e.Value.(*tenantry.BrowserSession)
	if m.expired(s) {
		m.remove(e)
		return nil, nil
	}
	m.lru.MoveToFront(e)
	return s.Clone(), nil
}

// Save stores a copy of s, then evicts expired sessions from the least
// recently used end, the least recently seen sessions of s's user beyond
// tenantry.MaxBrowserSessionsPerUser, and the least recently used sessions
// beyond the capacity.
func (m *BrowserSessions) Save(_ context.Context, s *tenantry.BrowserSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byID[s.ID]; ok {
		m.remove(e)
	}
	c := s.Clone()
	if m.expired(c) {
		return nil
	}
	m.byID[c.ID] = m.lru.PushFront(c)
	if c.UserID != "" {
		ids := m.byUser[c.UserID]
		if ids == nil {
			ids = map[string]struct{}{}
			m.byUser[c.UserID] = ids
		}
		ids[c.ID] = struct{}{}
		for len(ids) > tenantry.MaxBrowserSessionsPerUser {
			m.remove(m.byID[m.oldestOf(ids)])
		}
	}
	for e := m.lru.Back(); e != nil && m.expired(e.Value.(*tenantry.BrowserSession)); e = m.lru.Back() {
		m.remove(e)
	}
	for m.lru.Len() > m.max {
		m.remove(m.lru.Back())
	}
	return nil
}

// Delete removes the session with id.
func (m *BrowserSessions) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byID[id]; ok {
		m.remove(e)
	}
	return nil
}

// DeleteUser removes every session and pending handover of userID.
func (m *BrowserSessions) DeleteUser(_ context.Context, userID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.byUser[userID] {
		m.remove(m.byID[id])
	}
	for hash, h := range m.handovers {
		if h.UserID == userID {
			delete(m.handovers, hash)
		}
	}
	return nil
}

// SaveHandover stores a copy of h until its ExpiresAt and drops the
// expired handovers.
func (m *BrowserSessions) SaveHandover(_ context.Context, h *tenantry.BrowserHandover) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for hash, o := range m.handovers {
		if !now.Before(o.ExpiresAt) {
			delete(m.handovers, hash)
		}
	}
	c := *h
	m.handovers[h.Hash] = &c
	return nil
}

// TakeHandover removes the handover with hash and returns it, or nil when
// it is unknown, taken or expired.
func (m *BrowserSessions) TakeHandover(_ context.Context, hash string) (*tenantry.BrowserHandover, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.handovers[hash]
	if !ok {
		return nil, nil
	}
	delete(m.handovers, hash)
	if !m.now().Before(h.ExpiresAt) {
		return nil, nil
	}
	return h, nil
}

// Len returns the number of stored sessions, expired ones included until
// they are evicted.
func (m *BrowserSessions) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len()
}

// expired reports whether s has been idle longer than the timeout.
func (m *BrowserSessions) expired(s *tenantry.BrowserSession) bool {
	return m.now().Sub(s.LastSeen) > m.idle
}

// oldestOf returns the least recently seen of the sessions ids.
func (m *BrowserSessions) oldestOf(ids map[string]struct{}) string {
	var oldest *tenantry.BrowserSession
	for id := range ids {
		s := m.byID[id].Value.(*tenantry.BrowserSession)
		if oldest == nil || s.LastSeen.Before(oldest.LastSeen) {
			oldest = s
		}
	}
	return oldest.ID
}

// remove drops the session of e from every index.
func (m *BrowserSessions) remove(e *list.Element) {
	s := m.lru.Remove(e).(*tenantry.BrowserSession)
	delete(m.byID, s.ID)
	if ids := m.byUser[s.UserID]; ids != nil {
		delete(ids, s.ID)
		if len(ids) == 0 {
			delete(m.byUser, s.UserID)
		}
	}
}
