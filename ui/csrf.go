package ui

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// csrfKeyInfo is the HKDF info that derives the CSRF key from the
// server's signing secret, so that the key is used for nothing else.
const csrfKeyInfo = "tenantry ui csrf v1"

// csrfKey returns the key that signs CSRF tokens: derived from secret with
// HKDF-SHA256, or random (valid for this process only) without one.
func csrfKey(secret []byte) []byte {
	if len(secret) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k) // crypto/rand never fails on supported platforms
		return k
	}
	k, err := hkdf.Key(sha256.New, secret, nil, csrfKeyInfo, 32)
	if err != nil {
		panic(err) // only for a length HKDF cannot give; 32 it can
	}
	return k
}

// csrfMAC returns the CSRF token for parts: an HMAC-SHA256 with the
// handler's key, base64url. Tokens need no server state: a signed-in
// session's token is the MAC of its ID, an anonymous visitor's the MAC of
// the random value in its CSRF cookie and the host. A cross-site form can
// neither read the cookie nor compute the MAC.
func (h *Handler) csrfMAC(parts ...string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken returns the token the forms of q must carry ("" when q has
// neither a session nor a CSRF cookie).
func (q *request) csrfToken() string {
	switch {
	case q.sess != nil:
		return q.h.csrfMAC("session", q.sess.ID)
	case q.nonce != "":
		return q.h.csrfMAC("anonymous", q.r.Host, q.nonce)
	}
	return ""
}

// ensureCSRF gives an anonymous visitor without one a CSRF cookie, so that
// the page's forms carry a token; nothing is stored on the server.
func (q *request) ensureCSRF() {
	if q.sess != nil || q.nonce != "" {
		return
	}
	q.nonce = randomToken()
	http.SetCookie(q.w, &http.Cookie{
		Name:     q.h.csrfCookieName(q.r),
		Value:    q.nonce,
		Path:     "/",
		HttpOnly: true,
		Secure:   q.h.secure(q.r),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(q.h.idle / time.Second),
	})
}

// csrfNonce returns the value of r's CSRF cookie, or "" when it has none
// of the right form.
func (h *Handler) csrfNonce(r *http.Request) string {
	c, err := r.Cookie(h.csrfCookieName(r))
	if err != nil || !validToken(c.Value) {
		return ""
	}
	return c.Value
}

// csrfCookieName returns the CSRF cookie name for r.
func (h *Handler) csrfCookieName(r *http.Request) string {
	if h.secure(r) {
		return csrfCookieSecure
	}
	return csrfCookieInsecure
}
