package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/tenantry/tenantry"
)

// DefaultIdleTimeout is how long a browser session lives without a request.
const DefaultIdleTimeout = tenantry.BrowserSessionIdle

// touchAfter is how stale a session's LastSeen may get before a request
// saves it again (renewing its expiry); it spares a write per request.
const touchAfter = 5 * time.Minute

// Cookie names: the __Host- prefix makes browsers refuse the cookie unless
// it is Secure, host-only and for path "/".
const (
	cookieSecure       = "__Host-tenantry_session"
	cookieInsecure     = "tenantry_session"
	csrfCookieSecure   = "__Host-tenantry_csrf"
	csrfCookieInsecure = "tenantry_csrf"
)

// randomToken returns 256 random bits, base64url without padding.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validToken reports whether v has the form of randomToken's result.
func validToken(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

// validCSRF compares a submitted token with q's in constant time.
func (q *request) validCSRF(got string) bool {
	want := q.csrfToken()
	return want != "" && got != "" && hmac.Equal([]byte(want), []byte(got))
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
func (h *Handler) loadSession(r *http.Request) (*tenantry.BrowserSession, error) {
	c, err := r.Cookie(h.cookieName(r))
	if err != nil || !validToken(c.Value) {
		return nil, nil
	}
	s, err := h.sessions.Get(r.Context(), c.Value)
	if err != nil || s == nil {
		return nil, err
	}
	if s.Host != r.Host || s.ID != c.Value {
		return nil, nil
	}
	if h.now().Sub(s.LastSeen) > h.idle {
		_ = h.sessions.Delete(r.Context(), s.ID)
		return nil, nil
	}
	return s, nil
}

// newSession makes a new session on r's host (not yet saved).
func (h *Handler) newSession(r *http.Request) *tenantry.BrowserSession {
	now := h.now()
	return &tenantry.BrowserSession{ID: randomToken(), Host: r.Host, CreatedAt: now, LastSeen: now}
}

// setCookie sends s's cookie: HttpOnly, SameSite=Lax, path /, no Domain.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, s *tenantry.BrowserSession) {
	http.SetCookie(w, &http.Cookie{
		Name:     h.cookieName(r),
		Value:    s.ID,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(h.idle / time.Second),
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
