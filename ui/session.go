package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"maps"
	"net/http"
	"sync"
	"time"
)

// DefaultIdleTimeout is how long a browser session lives without a request.
const DefaultIdleTimeout = 12 * time.Hour

// Cookie names: the __Host- prefix makes browsers refuse the cookie unless
// it is Secure, host-only and for path "/".
const (
	cookieSecure   = "__Host-tenantry_session"
	cookieInsecure = "tenantry_session"
)

// Session is a signed-in (or anonymous) browser session, kept on the server.
// The browser only holds its random ID.
type Session struct {
	// ID is 256 random bits, base64url.
	ID string
	// Host is the request host the session was made on; a cookie
	// presented on another host is ignored.
	Host string
	// UserID is the signed-in user ("" before sign-in).
	UserID string
	// RefreshToken is the user's refresh token, revoked at sign-out.
	RefreshToken string
	// CSRF is the token every POST form of this session must carry.
	CSRF string
	// Chats maps a tenant id to the assistant session of this browser
	// session in that tenant.
	Chats map[string]string
	// Flash is a one-time notice shown on the next page.
	Flash string
	// Secret is a one-time secret (new API key, invitation link) shown on
	// the next page only.
	Secret string
	// CreatedAt and LastSeen are for expiry.
	CreatedAt, LastSeen time.Time
}

// clone returns a deep copy of s.
func (s *Session) clone() *Session {
	c := *s
	c.Chats = maps.Clone(s.Chats)
	return &c
}

// SessionStore keeps browser sessions on the server. Implementations must be
// safe for concurrent use. Get returns (nil, nil) for an unknown or expired
// session.
type SessionStore interface {
	Get(ctx context.Context, id string) (*Session, error)
	Save(ctx context.Context, s *Session) error
	Delete(ctx context.Context, id string) error
}

// MemorySessions is a SessionStore in process memory, for a single server
// process. Sessions idle longer than its timeout are gone.
type MemorySessions struct {
	mu       sync.Mutex
	sessions map[string]*Session
	idle     time.Duration
	now      func() time.Time
	lastGC   time.Time
}

// NewMemorySessions returns an empty in-memory store whose sessions expire
// after idle without use (DefaultIdleTimeout when idle <= 0).
func NewMemorySessions(idle time.Duration) *MemorySessions {
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	return &MemorySessions{sessions: map[string]*Session{}, idle: idle, now: time.Now}
}

// Get returns a copy of the session with id, or nil when it is unknown or
// has been idle too long.
func (m *MemorySessions) Get(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return nil, nil
	}
	if m.now().Sub(s.LastSeen) > m.idle {
		delete(m.sessions, id)
		return nil, nil
	}
	return s.clone(), nil
}

// Save stores a copy of s, and drops expired sessions now and then.
func (m *MemorySessions) Save(_ context.Context, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastGC) > time.Minute {
		m.lastGC = now
		for id, o := range m.sessions {
			if now.Sub(o.LastSeen) > m.idle {
				delete(m.sessions, id)
			}
		}
	}
	m.sessions[s.ID] = s.clone()
	return nil
}

// Delete removes the session with id.
func (m *MemorySessions) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}

// Len returns the number of stored sessions.
func (m *MemorySessions) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// randomToken returns 256 random bits, base64url without padding.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validCSRF compares a submitted token with the session's in constant time.
func validCSRF(s *Session, got string) bool {
	if s == nil || s.CSRF == "" || got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(got)) == 1
}

// secure reports whether cookies for r must be Secure: Config.Secure, or
// the request came over TLS to this server or to a trusted proxy.
func (h *Handler) secure(r *http.Request) bool { return h.cfg.Secure || clientOf(r).Secure }

// cookieName returns the session cookie name for r.
func (h *Handler) cookieName(r *http.Request) string {
	if h.secure(r) {
		return cookieSecure
	}
	return cookieInsecure
}

// loadSession returns the request's session, or nil. A session made on
// another host, or expired, is ignored.
func (h *Handler) loadSession(r *http.Request) (*Session, error) {
	c, err := r.Cookie(h.cookieName(r))
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return nil, nil
	}
	s, err := h.sessions.Get(r.Context(), c.Value)
	if err != nil || s == nil {
		return nil, err
	}
	if s.Host != r.Host || s.ID != c.Value {
		return nil, nil
	}
	if h.now().Sub(s.LastSeen) > DefaultIdleTimeout {
		_ = h.sessions.Delete(r.Context(), s.ID)
		return nil, nil
	}
	return s, nil
}

// newSession makes a new anonymous session on r's host (not yet saved).
func (h *Handler) newSession(r *http.Request) *Session {
	now := h.now()
	return &Session{ID: randomToken(), Host: r.Host, CSRF: randomToken(), CreatedAt: now, LastSeen: now}
}

// setCookie sends s's cookie: HttpOnly, SameSite=Lax, path /, no Domain.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, s *Session) {
	http.SetCookie(w, &http.Cookie{
		Name:     h.cookieName(r),
		Value:    s.ID,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(DefaultIdleTimeout / time.Second),
	})
}

// clearCookie removes the session cookie.
func (h *Handler) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     h.cookieName(r),
		Value:    "",
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   -1,
	})
}
