package assistant_test

import (
	"context"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mock"
)

// memStore is an in-memory chat store for unit tests built on the mock
// package's function-field fakes. It records which tenants were touched.
type memStore struct {
	mu       sync.Mutex
	sessions map[string]*tenantry.ChatSession // by session id
	messages map[string][]*tenantry.ChatMessage
	usage    map[string]int64 // tenant id + "/" + counter
	touched  map[string]int   // tenant id -> calls
	appends  int
}

func newMemStore() *memStore {
	return &memStore{
		sessions: map[string]*tenantry.ChatSession{},
		messages: map[string][]*tenantry.ChatMessage{},
		usage:    map[string]int64{},
		touched:  map[string]int{},
	}
}

func (m *memStore) touches(tenantID string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.touched[tenantID]
}

func (m *memStore) store() *mock.Store {
	return &mock.Store{TenantFn: m.tenant}
}

func (m *memStore) tenant(tid string) tenantry.TenantStore {
	touch := func() {
		m.mu.Lock()
		m.touched[tid]++
		m.mu.Unlock()
	}
	own := func(sid string) (*tenantry.ChatSession, error) {
		s, ok := m.sessions[sid]
		if !ok || s.TenantID != tid {
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Session not found.")
		}
		return s, nil
	}
	return &mock.TenantStore{
		IDFn: func() string { return tid },
		CreateChatSessionFn: func(ctx context.Context, s *tenantry.ChatSession) error {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			c := *s
			c.TenantID = tid
			m.sessions[s.ID] = &c
			return nil
		},
		ChatSessionFn: func(ctx context.Context, id string) (*tenantry.ChatSession, error) {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			return own(id)
		},
		AppendChatMessagesFn: func(ctx context.Context, sid string, msgs ...*tenantry.ChatMessage) error {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			if _, err := own(sid); err != nil {
				return err
			}
			m.appends++
			for _, msg := range msgs {
				c := *msg
				c.TenantID = tid
				if c.CreatedAt.IsZero() {
					c.CreatedAt = time.Now()
				}
				m.messages[sid] = append(m.messages[sid], &c)
			}
			return nil
		},
		ChatMessagesFn: func(ctx context.Context, sid string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			if _, err := own(sid); err != nil {
				return nil, "", err
			}
			var out []*tenantry.ChatMessage
			for _, msg := range m.messages[sid] {
				c := *msg
				out = append(out, &c)
			}
			return out, "", nil
		},
		RecentChatMessagesFn: func(ctx context.Context, sid string, n int) ([]*tenantry.ChatMessage, error) {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			all := m.messages[sid]
			if len(all) > n {
				all = all[len(all)-n:]
			}
			out := make([]*tenantry.ChatMessage, len(all))
			for i, msg := range all {
				c := *msg
				out[i] = &c
			}
			return out, nil
		},
		AddUsageFn: func(ctx context.Context, counter string, n int64) error {
			touch()
			m.mu.Lock()
			defer m.mu.Unlock()
			m.usage[tid+"/"+counter] += n
			return nil
		},
	}
}

// countLimiter admits the first Burst events of each key and refuses the
// rest with a RetryAfter of Per/Events.
type countLimiter struct {
	mu    sync.Mutex
	seen  map[string]int64
	rates []tenantry.Rate
	keys  []string
}

func newCountLimiter() *countLimiter { return &countLimiter{seen: map[string]int64{}} }

func (l *countLimiter) Allow(ctx context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rates = append(l.rates, r)
	l.keys = append(l.keys, key)
	if l.seen[key] >= r.Burst {
		return tenantry.RateResult{Allowed: false, Limit: r.Burst, RetryAfter: r.Per / time.Duration(r.Events)}, nil
	}
	l.seen[key]++
	return tenantry.RateResult{Allowed: true, Limit: r.Burst, Remaining: r.Burst - l.seen[key]}, nil
}
