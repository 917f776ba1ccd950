package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tenantry/tenantry"
)

func TestIssueAccessToken(t *testing.T) {
	s, _ := newTestService(t)
	u := &tenantry.User{ID: tenantry.NewID(), Email: "a@example.com", PlatformAdmin: true}
	sid := tenantry.NewID()
	tok, ttl, err := s.IssueAccessToken(u, sid)
	if err != nil {
		t.Fatal(err)
	}
	if ttl != 15*time.Minute {
		t.Errorf("ttl = %v, want 15m", ttl)
	}
	c, err := s.parseAccessToken(tok)
	if err != nil {
		t.Fatalf("parseAccessToken: %v", err)
	}
	if c.Subject != u.ID || !c.Admin || c.SessionID != sid || c.Issuer != DefaultIssuer || len(c.Audience) != 1 || c.Audience[0] != DefaultAudience {
		t.Errorf("claims = %+v, want sub %s, adm, iss %s, aud %s", c, u.ID, DefaultIssuer, DefaultAudience)
	}
	if got := c.ExpiresAt.Sub(c.IssuedAt.Time); got != ttl {
		t.Errorf("exp - iat = %v, want %v", got, ttl)
	}
	if _, ok := tenantry.ParseID(c.ID); !ok {
		t.Errorf("jti = %q, want a UUID", c.ID)
	}
	if _, _, err := s.IssueAccessToken(&tenantry.User{}, sid); err == nil {
		t.Error("IssueAccessToken(user without id) succeeded")
	}
	if _, _, err := s.IssueAccessToken(u, ""); err == nil {
		t.Error("IssueAccessToken(no session) succeeded")
	}
}

// sign signs claims with method and key, bypassing the Service.
func sign(t *testing.T, method jwt.SigningMethod, claims jwt.Claims, key any) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAuthenticateRefusesBadAccessTokens(t *testing.T) {
	s, db := newTestService(t)
	secret := s.cfg.Secret
	now := time.Now()
	sub := tenantry.NewID()
	sid := db.liveSession(sub)
	claims := func(edit func(*Claims)) *Claims {
		c := &Claims{RegisteredClaims: jwt.RegisteredClaims{
			Issuer: DefaultIssuer, Subject: sub, Audience: jwt.ClaimStrings{DefaultAudience},
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), IssuedAt: jwt.NewNumericDate(now), ID: tenantry.NewID(),
		}, SessionID: sid}
		if edit != nil {
			edit(c)
		}
		return c
	}
	valid := sign(t, jwt.SigningMethodHS256, claims(nil), secret)
	if p, err := s.Authenticate(t.Context(), valid); err != nil || p.UserID != sub {
		t.Fatalf("Authenticate(valid) = %+v, %v; want user %s", p, err, sub)
	}
	withinLeeway := sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-10 * time.Second)) }), secret)
	if _, err := s.Authenticate(t.Context(), withinLeeway); err != nil {
		t.Errorf("Authenticate(expired 10s ago, inside the 30s leeway) = %v, want success", err)
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	sig := []byte(parts[2])
	sig[3] ^= 1
	tampered := parts[0] + "." + parts[1] + "." + string(sig)
	// A token whose payload was swapped keeps the old signature.
	otherPayload := strings.Split(sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Admin = true }), secret), ".")[1]

	tests := map[string]string{
		"alg none": sign(t, jwt.SigningMethodNone, claims(nil), jwt.UnsafeAllowNoneSignatureType),
		"HS512":    sign(t, jwt.SigningMethodHS512, claims(nil), secret),
		"HS384":    sign(t, jwt.SigningMethodHS384, claims(nil), secret),
		"RS256":    sign(t, jwt.SigningMethodRS256, claims(nil), rsaKey),
		// An RS256 header over an HMAC signature made with the secret
		// (algorithm confusion).
		"RS256 header HMAC": func() string {
			h := strings.Split(sign(t, jwt.SigningMethodRS256, claims(nil), rsaKey), ".")[0]
			p := strings.Split(valid, ".")[1]
			mac, err := jwt.SigningMethodHS256.Sign(h+"."+p, secret)
			if err != nil {
				t.Fatal(err)
			}
			return h + "." + p + "." + base64.RawURLEncoding.EncodeToString(mac)
		}(),
		"tampered signature": tampered,
		"swapped payload":    parts[0] + "." + otherPayload + "." + parts[2],
		"no signature":       parts[0] + "." + parts[1] + ".",
		"wrong secret":       sign(t, jwt.SigningMethodHS256, claims(nil), []byte("another secret of thirty-two by")),
		"missing exp":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.ExpiresAt = nil }), secret),
		"past exp":           sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute)) }), secret),
		"future iat":         sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) }), secret),
		"wrong aud":          sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }), secret),
		"missing aud":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Audience = nil }), secret),
		"wrong iss":          sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Issuer = "evil" }), secret),
		"missing iss":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Issuer = "" }), secret),
		"missing sub":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Subject = "" }), secret),
		"sub not a uuid":     sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.Subject = "admin" }), secret),
		"missing sid":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.SessionID = "" }), secret),
		"sid not a uuid":     sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.SessionID = "s1" }), secret),
		"unknown sid":        sign(t, jwt.SigningMethodHS256, claims(func(c *Claims) { c.SessionID = tenantry.NewID() }), secret),
		"garbage":            "garbage",
		"three dots":         "a.b.c",
		"empty":              "",
		"bearer scheme kept": "Bearer " + valid,
		"api key shaped":     "tnt_" + valid,
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := s.Authenticate(t.Context(), tok)
			if got := tenantry.ErrorCode(err); got != tenantry.EUNAUTHENTICATED {
				t.Errorf("Authenticate = %+v, %v; want code %s", p, err, tenantry.EUNAUTHENTICATED)
			}
		})
	}
}

func TestAuthenticateChecksNumericDatesStrictly(t *testing.T) {
	s, db := newTestService(t)
	now := time.Now()
	sub := tenantry.NewID()
	sid := db.liveSession(sub)
	base := func(edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{
			"iss": DefaultIssuer, "sub": sub, "aud": DefaultAudience, "jti": tenantry.NewID(),
			"sid": sid, "exp": now.Add(time.Minute).Unix(), "iat": now.Unix(),
		}
		edit(c)
		return sign(t, jwt.SigningMethodHS256, c, s.cfg.Secret)
	}
	tests := []struct {
		name string
		edit func(jwt.MapClaims)
		ok   bool
	}{
		{"numbers", func(jwt.MapClaims) {}, true},
		{"fractional numbers", func(c jwt.MapClaims) { c["exp"] = float64(now.Add(time.Minute).Unix()) + 0.5 }, true},
		{"iat inside the leeway", func(c jwt.MapClaims) { c["iat"] = now.Add(20 * time.Second).Unix() }, true},
		{"missing iat", func(c jwt.MapClaims) { delete(c, "iat") }, false},
		{"null iat", func(c jwt.MapClaims) { c["iat"] = nil }, false},
		{"iat as a string", func(c jwt.MapClaims) { c["iat"] = strconv.FormatInt(now.Unix(), 10) }, false},
		{"iat beyond the leeway", func(c jwt.MapClaims) { c["iat"] = now.Add(time.Minute).Unix() }, false},
		{"exp as a string", func(c jwt.MapClaims) { c["exp"] = strconv.FormatInt(now.Add(time.Minute).Unix(), 10) }, false},
		{"null exp", func(c jwt.MapClaims) { c["exp"] = nil }, false},
		{"exp as an object", func(c jwt.MapClaims) { c["exp"] = map[string]any{"n": 1} }, false},
		{"exp as a bool", func(c jwt.MapClaims) { c["exp"] = true }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Authenticate(t.Context(), base(tt.edit))
			if got := err == nil; got != tt.ok {
				t.Errorf("Authenticate err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED {
				t.Errorf("Authenticate err = %v, want code %s", err, tenantry.EUNAUTHENTICATED)
			}
		})
	}
}

func TestAccessTokenExpiresWithClock(t *testing.T) {
	s, db := newTestService(t)
	start := time.Now()
	s.now = func() time.Time { return start }
	u := &tenantry.User{ID: tenantry.NewID()}
	tok, _, err := s.IssueAccessToken(u, db.liveSession(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		after time.Duration
		ok    bool
	}{
		{0, true},
		{15*time.Minute + 29*time.Second, true},
		{15*time.Minute + 31*time.Second, false},
	}
	for _, tt := range tests {
		s.now = func() time.Time { return start.Add(tt.after) }
		_, err := s.Authenticate(t.Context(), tok)
		if got := err == nil; got != tt.ok {
			t.Errorf("after %v: Authenticate err = %v, want ok %v", tt.after, err, tt.ok)
		}
	}
}

// FuzzParseAccessToken checks that the access token parser never panics
// and that what it accepts names a user id.
func FuzzParseAccessToken(f *testing.F) {
	s, _ := newTestService(f)
	tok, _, err := s.IssueAccessToken(&tenantry.User{ID: tenantry.NewID()}, tenantry.NewID())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add("")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.parseAccessToken(tok)
		if err != nil {
			if tenantry.ErrorCode(err) != tenantry.EUNAUTHENTICATED {
				t.Fatalf("parseAccessToken(%q) error %v, want unauthenticated", tok, err)
			}
			return
		}
		if _, ok := tenantry.ParseID(c.Subject); !ok {
			t.Fatalf("parseAccessToken(%q) accepted subject %q", tok, c.Subject)
		}
	})
}

func TestLoadOrCreateSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	a, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != SecretSize || bytes.Equal(a, make([]byte, SecretSize)) {
		t.Fatalf("secret = %x, want %d random bytes", a, SecretSize)
	}
	fi, err := os.Stat(filepath.Join(dir, "jwt.key"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("jwt.key mode = %v, want 0600", got)
	}
	b, err := LoadOrCreateSecret(dir)
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("second LoadOrCreateSecret = %x, %v; want the first secret %x", b, err, a)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only jwt.key", len(entries))
	}
}

func TestLoadOrCreateSecretConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			b, err := LoadOrCreateSecret(dir)
			if err != nil {
				t.Error(err)
			}
			got[i] = b
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if !bytes.Equal(got[i], got[0]) {
			t.Fatalf("caller %d got secret %x, caller 0 got %x; want one secret", i, got[i], got[0])
		}
	}
}

func TestLoadOrCreateSecretRejectsCorruptFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jwt.key"), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := LoadOrCreateSecret(dir); err == nil {
		t.Errorf("LoadOrCreateSecret over a 5-byte file = %x, nil; want an error", b)
	}
}
